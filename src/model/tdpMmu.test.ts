/**
 * The TDP MMU against tdp_mmu.c: its pages come from the vCPU caches (kvm_tdp_mmu_page_fault
 * tops them up with maybe_indirect = false; tdp_mmu_alloc_sp takes a header and a page), each
 * has a struct kvm_mmu_page header, and a fault meeting a huge SPTE splits it (6.2, c4b33d28ea51).
 */
import { describe, expect, it } from 'vitest';
import { memoryReport, pageCounts } from './accounting';
import type { KernelOptions } from './kernelOptions';
import { optionsForKernel, type KernelVersion } from './kernelVersions';
import { ACC_ALL } from './mmuPageRole';
import { applyMmuOp, MmuWorld, type MmuOp } from './mmuOps';
import { checkVm } from './vmInvariants';

const GiB = 262144;

function world(opts: Partial<KernelOptions> = {}, vcpus = 1, nMaxMmuPages?: number): MmuWorld {
  return new MmuWorld(
    {
      memslots: [{ baseGfn: 0, npages: 2 * GiB }],
      vcpus,
      guestTablesGfn: GiB - 0x100,
      nMaxMmuPages,
    },
    opts,
  );
}

const asKernel = (v: KernelVersion, o: Partial<KernelOptions> = {}) =>
  world({ ...optionsForKernel(v), tdp: true, tdpMmu: true, ...o });

function apply(w: MmuWorld, ...ops: MmuOp[]) {
  const out = ops.map((op) => applyMmuOp(w, op));
  checkVm(w.vm);
  return out.at(-1)!;
}

describe('a TDP MMU fault and the vCPU caches (kvm_tdp_mmu_page_fault, tdp_mmu_alloc_sp)', () => {
  it('tops up three caches and takes the root and three tables from them: 159,200 bytes left', () => {
    const w = world();
    apply(w, { op: 'fault', kind: 'tdp', gfn: 0 });
    const m = memoryReport(w.vm);
    // mmu_topup_memory_caches(vcpu, false): 40 each, mmu_shadowed_info_cache left empty.
    expect(m.cacheBytes).toMatchObject({
      'vcpu0.mmu_pte_list_desc_cache': 40 * 128,
      'vcpu0.mmu_shadow_page_cache': (40 - 4) * 4096,
      'vcpu0.mmu_shadowed_info_cache': 0,
      'vcpu0.mmu_page_header_cache': (40 - 4) * 184,
    });
    const cached = Object.values(m.cacheBytes).reduce((a, b) => a + b, 0);
    expect(cached).toBe(159_200);
    expect(w.vm.vcpus[0]!.caches.shadowPage.emergencyAllocs).toBe(0);
  });

  it('gives every TDP MMU page its 184-byte struct kvm_mmu_page header', () => {
    const w = world();
    apply(w, { op: 'fault', kind: 'tdp', gfn: 0, count: 1024 });
    const pages = pageCounts(w.vm);
    expect(pages).toMatchObject({ total: 5, tdpMmu: 5, nUsedMmuPages: 0 });
    expect(memoryReport(w.vm).headerBytes).toBe(5 * 184);
  });

  it('shares one root between vCPUs (kvm_tdp_mmu_alloc_root finds it by role)', () => {
    const w = world({}, 2);
    apply(w, { op: 'fault', kind: 'tdp', gfn: 0 }, { op: 'fault', kind: 'tdp', gfn: 0, vcpu: 1 });
    expect(pageCounts(w.vm).byLevel).toEqual({ 4: 1, 3: 1, 2: 1, 1: 1 });
  });

  it('skips make_mmu_pages_available from 6.1 (47b0c2e4c220); 5.10–6.0 zapped nested pages for it', () => {
    const run = (v: KernelVersion) => {
      const w = world({ ...optionsForKernel(v), tdp: true, tdpMmu: true }, 1, 64);
      // 3 upper pages and 57 level-1 pages of an L2: 4 left of 64, under KVM_MIN_FREE_MMU_PAGES.
      for (let i = 0; i < 57; i++)
        apply(w, { op: 'fault', kind: 'nested', gfn: 0x1000 + i, gva: i * 512 });
      const before = w.vm.nUsedMmuPages;
      apply(w, { op: 'fault', kind: 'tdp', gfn: 0 });
      return { before, after: w.vm.nUsedMmuPages, recycled: w.vm.stat.mmu_recycled };
    };
    const old = run('6.0');
    expect(old.before).toBe(60);
    // kvm_mmu_zap_oldest_mmu_pages(kvm, KVM_REFILL_PAGES - 4): the oldest non-root is the L3
    // page, and the nested pages below it, left without a parent, go with it. The root stays.
    expect(old).toMatchObject({ after: 1, recycled: 59 });
    expect(run('6.1')).toMatchObject({ before: 60, after: 60, recycled: 0 });
  });
});

describe('a TDP MMU fault that meets a huge SPTE (kvm_tdp_mmu_map)', () => {
  const hugeThen4k = (v: KernelVersion) => {
    const w = asKernel(v);
    apply(w, { op: 'fault', kind: 'tdp', gfn: 0x200, level: 2, hostLevel: 2 });
    const r = apply(w, { op: 'fault', kind: 'tdp', gfn: 0x205, level: 1 });
    return { w, r };
  };

  it('splits it in place from 6.2: 512 small SPTEs, no flush (tdp_mmu_split_huge_page)', () => {
    const { w, r } = hugeThen4k('6.4');
    expect(r.cost.tlbFlushes + r.cost.rangeFlushes).toBe(0);
    expect(w.vm.stat.pages_2m).toBe(0);
    expect(w.vm.stat.pages_4k).toBe(512);
    const leafTable = [...w.vm.livePages()].find((p) => p.level === 1)!;
    expect(leafTable.present).toBe(512);
    expect(leafTable.role.access).toBe(ACC_ALL);
  });

  it('zapped it before (5.10–6.1): a ranged flush and a table with one SPTE', () => {
    const { w, r } = hugeThen4k('6.1');
    expect(r.cost.rangeFlushes).toBe(1);
    expect(w.vm.stat.pages_2m).toBe(0);
    expect(w.vm.stat.pages_4k).toBe(1);
    expect([...w.vm.livePages()].find((p) => p.level === 1)!.present).toBe(1);
  });

  it('frees the table under a new huge leaf (handle_removed_pt) and flushes its range', () => {
    const w = asKernel('current');
    apply(w, { op: 'fault', kind: 'tdp', gfn: 0x205, level: 1 });
    const r = apply(w, { op: 'fault', kind: 'tdp', gfn: 0x200, level: 2, hostLevel: 2 });
    expect(pageCounts(w.vm).byLevel).toEqual({ 4: 1, 3: 1, 2: 1 });
    expect(r.cost.rangeFlushes).toBe(1);
    expect(w.vm.stat).toMatchObject({ pages_4k: 0, pages_2m: 1 });
  });

  it('gives eager-split children the parent role (tdp_mmu_init_child_sp), not the SPTE bits', () => {
    const w = asKernel('current');
    apply(
      w,
      { op: 'fault', kind: 'tdp', gfn: 0x200, level: 2, hostLevel: 2 },
      { op: 'write_protect', gfn: 0x200 },
      { op: 'split' },
    );
    const child = [...w.vm.livePages()].find((p) => p.level === 1)!;
    expect(child.role.access).toBe(ACC_ALL);
    expect(memoryReport(w.vm).headerBytes).toBe(4 * 184);
  });
});
