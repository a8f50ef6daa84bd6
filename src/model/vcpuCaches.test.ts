/**
 * The vCPU page caches by era (mmu_topup_memory_caches, kvm_mmu_alloc_page /
 * kvm_mmu_alloc_shadow_page): before 5.9 one mmu_page_cache gave both the spt and the gfns page;
 * 5.9 split off mmu_gfn_array_cache, filled only for faults that may be indirect; 6.0 renamed it
 * mmu_shadowed_info_cache (6a97575d5cff).
 */
import { describe, expect, it } from 'vitest';
import { memoryReport } from './accounting';
import { optionsForKernel, type KernelVersion } from './kernelVersions';
import { applyMmuOp, MmuWorld, type MmuOp } from './mmuOps';

function cachesAfter(v: KernelVersion, tdp: boolean, op: MmuOp) {
  const w = new MmuWorld(
    { memslots: [{ baseGfn: 0, npages: 1 << 20 }], vcpus: 1 },
    { ...optionsForKernel(v), tdp, tdpMmu: false },
  );
  applyMmuOp(w, op);
  const c = w.vm.vcpus[0]!.caches;
  const all = [c.pteListDesc, c.shadowPage, c.shadowedInfo, c.pageHeader].filter((x) => x !== null);
  return {
    objects: Object.fromEntries(all.map((x) => [x.name.replace('vcpu0.', ''), x.nobjs])),
    minimums: Object.fromEntries(all.map((x) => [x.name.replace('vcpu0.', ''), x.min])),
    bytes: Object.values(memoryReport(w.vm).cacheBytes).reduce((a, b) => a + b, 0),
  };
}

const shadowFault: MmuOp = { op: 'fault', kind: 'shadow', gfn: 0x1000, gva: 0 };
const tdpFault: MmuOp = { op: 'fault', kind: 'tdp', gfn: 0x1000 };

describe('vCPU caches before 5.9: spt and gfns both from mmu_page_cache', () => {
  it('a shadow fault takes 4 + 4 pages from it; minimums 8 + PTE_PREFETCH_NUM, 8 and 4', () => {
    const r = cachesAfter('3.6', false, shadowFault);
    expect(r.objects).toEqual({
      // One SPTE per rmap and parent_ptes head: no descriptor taken.
      mmu_pte_list_desc_cache: 40,
      mmu_page_cache: 40 - 8,
      mmu_page_header_cache: 40 - 4,
    });
    expect(r.minimums).toEqual({
      mmu_pte_list_desc_cache: 16,
      mmu_page_cache: 8,
      mmu_page_header_cache: 4,
    });
  });

  it('a direct fault tops up every cache too (no maybe_indirect yet)', () => {
    expect(cachesAfter('3.6', true, tdpFault).objects).toMatchObject({ mmu_page_cache: 40 - 4 });
  });
});

describe('vCPU caches from 5.9: a cache of their own for gfns', () => {
  it('named mmu_gfn_array_cache until 6.0, filled for indirect faults only', () => {
    const shadow = cachesAfter('5.9', false, shadowFault);
    expect(shadow.objects).toMatchObject({
      mmu_shadow_page_cache: 40 - 4,
      mmu_gfn_array_cache: 40 - 4,
      mmu_page_header_cache: 40 - 4,
    });
    expect(shadow.minimums).toEqual({
      mmu_pte_list_desc_cache: 14,
      mmu_shadow_page_cache: 5,
      mmu_gfn_array_cache: 5,
      mmu_page_header_cache: 5,
    });
    expect(cachesAfter('5.9', true, tdpFault).objects).toMatchObject({ mmu_gfn_array_cache: 0 });
  });

  it('then mmu_shadowed_info_cache (6a97575d5cff)', () => {
    expect(cachesAfter('6.0', false, shadowFault).objects).toMatchObject({
      mmu_shadowed_info_cache: 40 - 4,
    });
  });

  it('a shadow fault leaves 138,976 bytes cached in 3.6 and 302,816 in 5.9: two caches of 40 pages', () => {
    // 3.6: 32 pages, 36 headers, 40 descriptors of 32 bytes; 5.9: 36 + 36 pages, the same rest.
    expect(cachesAfter('3.6', false, shadowFault).bytes).toBe(32 * 4096 + 36 * 184 + 40 * 32);
    expect(cachesAfter('5.9', false, shadowFault).bytes).toBe(72 * 4096 + 36 * 184 + 40 * 32);
  });
});
