/**
 * __link_shadow_page over a huge SPTE (direct_map's walk to a smaller level): drop_large_spte's
 * flush was the whole VM before ranged flushes (5.0, c3134ce240ee), then the huge page's range,
 * and from 0cb2af2ea66a (7.1) mmu_page_zap_pte with a flush of the whole VM again.
 */
import { describe, expect, it } from 'vitest';
import { optionsForKernel, type KernelVersion } from './kernelVersions';
import { applyMmuOp, MmuWorld } from './mmuOps';
import { checkVm } from './vmInvariants';

function hugeThenSmall(v: KernelVersion) {
  const w = new MmuWorld(
    { memslots: [{ baseGfn: 0, npages: 1 << 20 }], vcpus: 1 },
    { ...optionsForKernel(v), tdp: true, tdpMmu: false },
  );
  applyMmuOp(w, { op: 'fault', kind: 'tdp', gfn: 0x200, level: 2, hostLevel: 2 });
  const r = applyMmuOp(w, { op: 'fault', kind: 'tdp', gfn: 0x205, level: 1 });
  checkVm(w.vm);
  return { tlb: r.cost.tlbFlushes, range: r.cost.rangeFlushes };
}

describe('the flush when a fault links a table over a huge SPTE', () => {
  it('before 5.0: kvm_flush_remote_tlbs', () => {
    expect(hugeThenSmall('3.6')).toEqual({ tlb: 1, range: 0 });
  });
  it('5.0 to 7.0: a ranged flush of the huge page', () => {
    expect(hugeThenSmall('5.9')).toEqual({ tlb: 0, range: 1 });
    expect(hugeThenSmall('6.15')).toEqual({ tlb: 0, range: 1 });
  });
  it('7.1+ (0cb2af2ea66a): the whole VM', () => {
    expect(hugeThenSmall('7.3')).toEqual({ tlb: 1, range: 0 });
  });
});
