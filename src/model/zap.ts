/**
 * Zapping: kvm_mmu_prepare_zap_page (children unlinked, every leaf out of its rmap, parents
 * unlinked, the page off the books) and kvm_mmu_commit_zap_page (one flush, then the pages
 * freed); kvm_mmu_zap_oldest_mmu_pages; kvm_zap_gfn_range for one gfn's rmaps.
 */
import type { MmuFn } from './mmuEvents';
import type { KvmMmuPage } from './mmuPage';
import { sptepIndex, sptepPage } from './mmuPage';
import { kvmMmuGfnDisallowLpage } from './lpageInfo';
import { rmapGetFirst } from './rmap';
import { SPTE_ENT_PER_PAGE, isLastSpte, isPresent, pagesPerEntry } from './spte';
import {
  childOf,
  dropLeaf,
  dropParentPte,
  flushAll,
  flushGfn,
  spteFlags,
  zapAllRmapSptes,
} from './sptes';
import { kvmUnlinkUnsyncPage } from './unsync';
import type { Kvm } from './vm';

export interface PrepareZapOptions {
  /**
   * Zap a parentless nested child with its parent (the kernel does, and traces that zap as one
   * of its own: a trace replay turns this off and replays the child's event).
   */
  cascade?: boolean;
  /**
   * A root still held by vCPUs stays accounted, off the hash lookups, until its last root_count
   * is put (the kernel's way; a trace prints that second zap). Off: the model unloads the root
   * at once, as its own ops do.
   */
  rootsStay?: boolean;
}

/** __kvm_mmu_prepare_zap_page; returns how many pages it zapped (this one and nested children). */
export function prepareZapPage(
  vm: Kvm,
  sp: KvmMmuPage,
  invalid: KvmMmuPage[],
  fn: MmuFn = 'kvm_mmu_prepare_zap_page',
  opts: PrepareZapOptions = {},
): number {
  if (sp.zapped) return 0;
  vm.rec?.push({ k: 'zapPage', fn, page: sp.id });
  if (!sp.tdpMmuPage) vm.stat.mmu_shadow_zapped++;
  if (sp.unsync) kvmUnlinkUnsyncPage(vm, sp);
  let zapped = 0;
  // kvm_mmu_page_unlink_children: mmu_page_zap_pte on each entry.
  for (let i = 0; i < SPTE_ENT_PER_PAGE && sp.present > 0; i++) {
    const f = spteFlags(vm, sp, i);
    if (!isPresent(f)) continue;
    if (isLastSpte(f, sp.level)) {
      dropLeaf(vm, sp, i, 'kvm_mmu_prepare_zap_page');
      continue;
    }
    const child = childOf(vm, sp, i)!;
    dropParentPte(vm, child, sp, i, 'kvm_mmu_prepare_zap_page');
    // Parentless nested pages are zapped with their parent rather than kept around.
    const parentless = vm.lists.headVal[child.parentPtes] === 0;
    if (opts.cascade !== false && vm.opts.tdp && child.role.guestMode && parentless) {
      zapped += prepareZapPage(vm, child, invalid, fn, opts);
    }
  }
  // kvm_mmu_unlink_parents: drop_parent_pte on rmap_get_first until parent_ptes is empty.
  for (let sptep = rmapGetFirst(vm.lists, sp.parentPtes); sptep !== 0;) {
    dropParentPte(
      vm,
      sp,
      vm.pages[sptepPage(sptep)]!,
      sptepIndex(sptep),
      'kvm_mmu_prepare_zap_page',
    );
    sptep = rmapGetFirst(vm.lists, sp.parentPtes);
  }
  // unaccount_shadowed: the guest table's gfn may be mapped huge again.
  if (!sp.tdpMmuPage && !sp.role.direct && !sp.role.passthrough) {
    vm.indirectShadowPages--;
    kvmMmuGfnDisallowLpage(vm, sp.gfn, -1);
  }
  sp.zapped = true;
  vm.stats.pagesZapped++;
  if (opts.rootsStay && sp.rootCount > 0) return zapped + 1;
  // A root is reloaded by its vCPUs (KVM_REQ_MMU_FREE_OBSOLETE_ROOTS); the model unloads it now.
  if (sp.rootCount > 0) {
    for (const vcpu of vm.vcpus)
      for (const cache of vcpu.roots.values()) {
        const at = cache.findIndex((r) => r.sp === sp);
        if (at >= 0) cache.splice(at, 1);
      }
    sp.rootCount = 0;
  }
  invalid.push(sp);
  return zapped + 1;
}

/** kvm_mmu_commit_zap_page: one remote flush, then every page on the list freed. */
export function commitZapPage(vm: Kvm, invalid: KvmMmuPage[]): void {
  if (invalid.length === 0) return;
  flushAll(vm, 'kvm_mmu_commit_zap_page');
  for (const sp of invalid) {
    vm.lists.freeHead(sp.parentPtes);
    vm.freePage(sp);
    vm.rec?.push({ k: 'freePage', fn: 'kvm_mmu_commit_zap_page', page: sp.id });
  }
}

export function zapPage(vm: Kvm, sp: KvmMmuPage): number {
  const invalid: KvmMmuPage[] = [];
  const n = prepareZapPage(vm, sp, invalid);
  commitZapPage(vm, invalid);
  return n;
}

export interface ZapOldestResult {
  /** Pages zapped (with the nested children that went with them). */
  total: number;
  /** Of those, roots a vCPU still held: the kernel keeps them accounted until the vCPU reloads. */
  heldRoots: number;
}

/**
 * kvm_mmu_zap_oldest_mmu_pages, by era (vm.opts.zapOldest):
 *  - 'oldest-first' (5.12+): from the tail of active_mmu_pages, skipping roots, until nrToZap;
 *  - 'newest-first' (5.9–5.11): the same from the head, so the newest pages went first;
 *  - 'tail-even-root' (before 5.9): prepare_zap_oldest_mmu_page over and over, the tail even
 *    when it is a root, until nrToZap are counted or a zap counts nothing (a root counts only
 *    the unsync children zapped with it). mmu_recycled then counted loops of
 *    make_mmu_pages_available only; from 5.9 it adds every page zapped.
 * The kernel restarts its walk when a zap took other pages with it; walking a snapshot and
 * skipping pages already zapped visits the same pages in the same order.
 */
export function zapOldestMmuPages(vm: Kvm, nrToZap: number, fn: MmuFn): ZapOldestResult {
  const invalid: KvmMmuPage[] = [];
  const order: KvmMmuPage[] = [];
  if (vm.opts.zapOldest === 'newest-first')
    for (let sp = vm.newest; sp; sp = sp.older) order.push(sp);
  else for (let sp = vm.oldest; sp; sp = sp.newer) order.push(sp);
  let total = 0;
  let heldRoots = 0;
  if (vm.opts.zapOldest === 'tail-even-root') {
    let counted = 0;
    for (const sp of order) {
      if (counted >= nrToZap) break;
      if (sp.zapped) continue;
      const root = sp.rootCount > 0;
      const n = prepareZapPage(vm, sp, invalid, fn);
      total += n;
      if (root) heldRoots++;
      const kernelCount = root ? n - 1 : n;
      if (kernelCount === 0) break;
      counted += kernelCount;
      if (fn === 'make_mmu_pages_available') vm.stat.mmu_recycled++;
    }
    commitZapPage(vm, invalid);
    return { total, heldRoots };
  }
  for (const sp of order) {
    if (total >= nrToZap) break;
    if (sp.rootCount === 0 && !sp.zapped) total += prepareZapPage(vm, sp, invalid, fn);
  }
  commitZapPage(vm, invalid);
  vm.stat.mmu_recycled += total;
  return { total, heldRoots };
}

/**
 * mmu_free_root_page: the last root_count of an invalid root is put, and
 * kvm_mmu_prepare_zap_page runs on it again (counted again), then it is freed.
 */
export function putInvalidRoot(vm: Kvm, sp: KvmMmuPage): void {
  sp.rootCount = 0;
  vm.stat.mmu_shadow_zapped++;
  vm.rec?.push({ k: 'zapPage', fn: 'kvm_mmu_prepare_zap_page', page: sp.id });
  commitZapPage(vm, [sp]);
}

/** kvm_zap_gfn_range over the shadow MMU's rmaps: every leaf mapping [gfn, gfn + count). */
export function zapGfnRange(vm: Kvm, gfn: number, count = 1): number {
  let cleared = 0;
  for (let level = 1; level <= 3; level++) {
    const step = pagesPerEntry(level);
    for (let g = gfn - (gfn % step); g < gfn + count; g += step) {
      const head = vm.gfnToRmap(g, level);
      if (head >= 0 && vm.lists.headVal[head] !== 0)
        cleared += zapAllRmapSptes(vm, head, g, level, 'kvm_zap_gfn_range');
    }
  }
  if (cleared > 0) flushGfn(vm, gfn, 1, 'kvm_zap_gfn_range');
  return cleared;
}
