/**
 * Which pages make_mmu_pages_available zaps, by era (kvm_mmu_zap_oldest_mmu_pages and, before
 * 5.9, prepare_zap_oldest_mmu_page), and its -ENOSPC when every page left is a root in use.
 */
import { describe, expect, it } from 'vitest';
import { optionsForKernel, resolveKernelRelease, type KernelVersion } from './kernelVersions';
import { applyMmuOp, MmuWorld } from './mmuOps';
import { checkVm } from './vmInvariants';

const TABLES = 0x10000;

/** Every behaviour of a release, modelled version or not. */
function optionsOfRelease(release: string) {
  const r = resolveKernelRelease(release);
  return { ...optionsForKernel(r.version), ...r.options };
}

/** Shadow paging, the limit of 64 pages; returns the world after `faults` faults of one process. */
function shadowWorld(v: KernelVersion, vcpus = 1): MmuWorld {
  const slot = { baseGfn: 0, npages: 1 << 20 };
  return new MmuWorld(
    { memslots: [slot], vcpus, nMaxMmuPages: 64, guestTablesGfn: TABLES },
    { ...optionsForKernel(v), tdp: false, tdpMmu: false },
  );
}

/**
 * 57 faults, each in a new 2 MiB of the same process: its root (table gfn 0), L3 (1), L2 (2)
 * and 57 level-1 pages (tables 3..59): 60 of 64 pages. The 58th fault must make pages available.
 */
function fill(v: KernelVersion) {
  const w = shadowWorld(v);
  for (let i = 0; i < 57; i++)
    applyMmuOp(w, { op: 'fault', kind: 'shadow', gfn: 0x1000 + i, gva: i * 512 });
  const root = [...w.vm.livePages()].find((p) => p.rootCount > 0)!;
  const r = applyMmuOp(w, { op: 'fault', kind: 'shadow', gfn: 0x2000, gva: 57 * 512 });
  checkVm(w.vm);
  const l1 = [...w.vm.livePages()]
    .filter((p) => p.level === 1)
    .map((p) => p.gfn - TABLES)
    .sort((a, b) => a - b);
  return { w, r, rootKept: w.vm.pages[root.id] === root, l1 };
}

describe('make_mmu_pages_available, by era', () => {
  it('5.12+ (8fc517267fb2) zaps the oldest pages, skipping the root: 21 = KVM_REFILL_PAGES - 4', () => {
    const { w, r, rootKept, l1 } = fill('6.1');
    expect(r.cost.pagesZapped).toBe(21);
    expect(w.vm.stat.mmu_recycled).toBe(21);
    expect(rootKept).toBe(true);
    // L3 and L2 went first (rebuilt by this fault), then level-1 tables 3..21.
    expect(l1[0]).toBe(22);
    expect(l1).toHaveLength(39);
  });

  it('5.9–5.11 (6b82ef2c9cf1) zapped the newest instead: tables 39..59 went', () => {
    const { w, r, rootKept, l1 } = fill('5.9');
    expect(r.cost.pagesZapped).toBe(21);
    expect(w.vm.stat.mmu_recycled).toBe(21);
    expect(rootKept).toBe(true);
    expect(l1.slice(0, 36)).toEqual(Array.from({ length: 36 }, (_, k) => k + 3));
    expect(l1.slice(36)).toEqual([60]);
    // 5.10.19 and 5.11.2 took the fix as stable updates; mainline had it from 5.12.
    expect(optionsOfRelease('5.11').zapOldest).toBe('newest-first');
    expect(optionsOfRelease('5.12').zapOldest).toBe('oldest-first');
  });

  it('before 5.9 took the list tail even when it was the root, and stopped there', () => {
    const { w, r, rootKept, l1 } = fill('3.6');
    // prepare_zap_oldest_mmu_page zapped the root (it counts nothing), so the loop broke.
    expect(r.cost.pagesZapped).toBe(1);
    expect(rootKept).toBe(false);
    expect(w.vm.stat.mmu_recycled).toBe(0);
    expect(l1).toHaveLength(58);
  });
});

describe('make_mmu_pages_available returns -ENOSPC', () => {
  it('when every page left is a root some vCPU holds: 17 vCPUs x 4 roots > 64 pages', () => {
    const w = shadowWorld('current', 17);
    let failed = -1;
    for (let i = 0; i < 80 && failed < 0; i++) {
      const r = applyMmuOp(w, {
        op: 'fault',
        kind: 'shadow',
        vcpu: i % 17,
        as: i,
        gfn: 0x1000,
        gva: 0,
      });
      if (r.summary.includes('-ENOSPC')) failed = i;
    }
    expect(failed).toBe(64);
    const pages = [...w.vm.livePages()];
    expect(pages).toHaveLength(64);
    expect(pages.every((p) => p.rootCount > 0)).toBe(true);
    // The failed fault counts as taken, not fixed.
    const stat = w.vm.vcpus[64 % 17]!.stat;
    expect(stat.pf_taken - stat.pf_fixed).toBe(1);
    checkVm(w.vm);
  });

  it('not with 16 vCPUs: a new root puts the least recent one first (kvm_mmu_new_pgd), freeing it for zapping', () => {
    const w = shadowWorld('current', 16);
    for (let i = 0; i < 80; i++) {
      const r = applyMmuOp(w, {
        op: 'fault',
        kind: 'shadow',
        vcpu: i % 16,
        as: i,
        gfn: 0x1000,
        gva: 0,
      });
      expect(r.summary).not.toMatch(/ENOSPC/);
    }
  });
});
