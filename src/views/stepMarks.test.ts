import { describe, expect, it } from 'vitest';
import { stepMark } from './stepMarks';

describe('stepMark', () => {
  it('reads the replay marks after the kernel function', () => {
    expect(stepMark('mmu_set_spte: (inferred) mmu_topup_memory_caches at the start')).toEqual({
      mark: 'inferred',
      text: 'mmu_set_spte: mmu_topup_memory_caches at the start',
    });
    expect(
      stepMark('kvm_mmu_zap_all_fast: agrees: used_pages 8 (kernel) vs n_used_mmu_pages 8 (model)'),
    ).toEqual({
      mark: 'agrees',
      text: 'kvm_mmu_zap_all_fast: used_pages 8 (kernel) vs n_used_mmu_pages 8 (model)',
    });
    expect(stepMark('mmu_set_spte: CONTRADICTION: spte 0x1 not in rmap').mark).toBe(
      'contradiction',
    );
  });

  it('and without one', () => {
    expect(stepMark('(inferred) memslot covering gfn 0x0–0x3fff')).toEqual({
      mark: 'inferred',
      text: 'memslot covering gfn 0x0–0x3fff',
    });
  });

  it('leaves other captions alone', () => {
    expect(stepMark('rmap_add: pte_list_add → return 999')).toEqual({
      mark: null,
      text: 'rmap_add: pte_list_add → return 999',
    });
    expect(stepMark('rmap_add: x (inferred) y').mark).toBeNull();
    expect(stepMark('a b: (inferred) y').mark).toBeNull();
  });
});
