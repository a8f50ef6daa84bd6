import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { goldenTrace, type GoldenTrace } from './goldenFormat';
import { replayGolden } from './goldenReplay';

const load = (path: string): GoldenTrace =>
  goldenTrace.parse(JSON.parse(readFileSync(path, 'utf8')));

describe('replayGolden', () => {
  it('passes a kernel trace', () => {
    expect(replayGolden(load('test/golden/tail_count/grow60-remove-middle.json')).ok).toBe(true);
  });

  it('names the first difference when the kernel and the model disagree', () => {
    const t = load('test/golden/spte_count/descriptor-boundaries.json');
    t.steps[4]!.ret = 99;
    const v = replayGolden(t);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.difference).toMatch(
      /^ops\[4\] \(remove s1 on head 0\): ret null, kernel 99$/,
    );
  });

  it('catches a layout that differs in slot order', () => {
    const t = load('test/golden/tail_count/grow60-remove-insertion.json');
    const last = t.steps.findLast((s) => s.heads?.['0']?.kind === 'many')!;
    const layout = last.heads!['0']!;
    if (layout.kind !== 'many') throw new Error('expected many');
    layout.descs[0]!.sptes.reverse();
    if (layout.descs[0]!.sptes.length < 2) layout.descs[0]!.sptes.push('s9999');
    expect(replayGolden(t).ok).toBe(false);
  });

  it('rejects a trace for a list width the model does not have', () => {
    const t = load('test/golden/tail_count/destroy-100.json');
    t.pte_list_ext = 15;
    expect(replayGolden(t)).toMatchObject({
      ok: false,
      difference: expect.stringContaining('pte_list_ext 15'),
    });
  });
});
