import { describe, expect, it } from 'vitest';
import { splitTraceLine } from './traceLine';

describe('splitTraceLine', () => {
  it('reads a tracefs line', () => {
    const line =
      '             vmm-225     [000] ...1.     4.646844: kvm_mmu_set_spte: gfn 1 spte bfdf8a21 (r-x-) level 1 at aae1008';
    expect(splitTraceLine(line)).toEqual({
      head: 'vmm-225 [000] ...1. 4.646844:',
      event: 'kvm_mmu_set_spte',
      fields: 'gfn 1 spte bfdf8a21 (r-x-) level 1 at aae1008',
    });
  });

  it('reads a trace-cmd report line (no flags) and a marker', () => {
    expect(splitTraceLine('vmm-225 [000]  4.594151: tracing_mark_write: realtrace: start')).toEqual(
      { head: 'vmm-225 [000] 4.594151:', event: 'tracing_mark_write', fields: 'realtrace: start' },
    );
  });

  it('leaves anything else whole', () => {
    expect(splitTraceLine('# tracer: nop')).toBeNull();
    expect(splitTraceLine('')).toBeNull();
  });
});
