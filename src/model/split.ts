/**
 * Eager page splitting (spec §5; mmu.c): when dirty logging starts, huge pages are split to the
 * target level up front rather than on the first write. With the TDP MMU on, the shadow MMU's
 * rmaps hold only nested (guest_mode) pages, and each huge SPTE there is split by
 * shadow_mmu_try_split_huge_page from the per-VM split caches, dropping mmu_lock to top them up.
 * The TDP MMU splits its own pages alongside, with no rmaps and no flush.
 */
import type { KvmMmuPage } from './mmuPage';
import { kvmMmuChildRole, type KvmMmuPageRole } from './mmuPageRole';
import { splitSpteFlags } from './makeSpte';
import { tdpMmuAllocSp, tdpMmuChildRole, tdpMmuSplitHugePage } from './tdpMmu';
import { getShadowPage } from './pageTable';
import { rmapSptes } from './rmap';
import {
  isLastSpte,
  isPresent,
  pagesPerEntry,
  KVM_MAX_HUGEPAGE_LEVEL,
  SPTE_ENT_PER_PAGE,
  SPTE_HUGE,
  SPTE_LINK_FLAGS,
} from './spte';
import { sptepIndex, sptepPage } from './mmuPage';
import {
  addParentPte,
  childOf,
  dropLeaf,
  entryGfn,
  flushAll,
  flushGfn,
  kvmMmuPageGetAccess,
  rmapAdd,
  setSpte,
  spteFlags,
  spteTarget,
} from './sptes';
import {
  KVM_MIN_FREE_MMU_PAGES,
  SPLIT_DESC_CACHE_MIN_NR_OBJECTS,
  type Kvm,
  type Memslot,
} from './vm';

export interface SplitReport {
  /** Huge SPTEs split, per level they were at. */
  split: Record<number, number>;
  /** Child pages built, and how many of them were found already (reused). */
  newPages: number;
  reusedPages: number;
  newLeafSptes: number;
  refused: number;
  lockDrops: number;
  flushes: number;
  /** The most descriptors one 2M->4K split took from split_desc_cache (at most 513). */
  maxDescsPerSplit: number;
  tdpMmu: { split: number; newPages: number; newLeafSptes: number };
}

type Errno = 0 | -11 /* EAGAIN */ | -12 /* ENOMEM */ | -28; /* ENOSPC */

/** kvm_mmu_slot_try_split_huge_pages(kvm, memslot, target_level). */
export function kvmMmuSlotTrySplitHugePages(vm: Kvm, slot: Memslot, targetLevel = 1): SplitReport {
  const r = emptySplitReport();
  if (!vm.opts.tdpMmu || !vm.opts.eagerSplitNested) return r; // if (!tdp_mmu_enabled) return;
  const flushesBefore = vm.stats.tlbFlushes + vm.stats.rangeFlushes;
  // kvm_shadow_mmu_try_split_huge_pages: from KVM_MAX_HUGEPAGE_LEVEL down, each level's rmaps in gfn order.
  for (let level = KVM_MAX_HUGEPAGE_LEVEL; level > targetLevel; level--) {
    const base = slot.rmapBase[level - 1]!;
    for (let k = 0; k < slot.rmapLen[level - 1]!; k++) {
      if (vm.lists.headVal[base + k] !== 0) trySplitRmap(vm, base + k, r);
    }
  }
  tdpMmuTrySplit(vm, slot, targetLevel, r);
  r.flushes = vm.stats.tlbFlushes + vm.stats.rangeFlushes - flushesBefore;
  return r;
}

/** shadow_mmu_try_split_huge_pages: split each huge SPTE of one rmap, restarting after each. */
function trySplitRmap(vm: Kvm, head: number, r: SplitReport): void {
  restart: for (;;) {
    for (const sptep of rmapSptes(vm.lists, head)) {
      const sp = vm.pages[sptepPage(sptep)]!;
      const i = sptepIndex(sptep);
      // With the TDP MMU on, rmaps hold only nested pages; anything else is a WARN and skipped.
      if (!sp.role.guestMode || !(spteFlags(vm, sp, i) & SPTE_HUGE) || sp.unsync || sp.zapped)
        continue;
      const err = trySplitHugePage(vm, sp, i, r);
      if (err === 0 || err === -11) continue restart;
      return; // -ENOSPC / -ENOMEM: leave this rmap, the walk goes on
    }
    return;
  }
}

/** shadow_mmu_try_split_huge_page. */
function trySplitHugePage(vm: Kvm, sp: KvmMmuPage, i: number, r: SplitReport): Errno {
  const gfn = entryGfn(vm, sp, i);
  if (vm.availablePages() <= KVM_MIN_FREE_MMU_PAGES) {
    r.refused++;
    vm.stats.splitsRefused++;
    vm.rec?.push({
      k: 'refuse',
      fn: 'shadow_mmu_try_split_huge_page',
      gfn,
      level: sp.level,
      errno: 'ENOSPC',
    });
    return -28;
  }
  if (needTopupSplitCaches(vm)) {
    dropLockAndTopup(vm, r);
    return -11;
  }
  shadowMmuSplitHugePage(vm, sp, i, r);
  return 0;
}

/** The -EAGAIN path: write_unlock(&kvm->mmu_lock); cond_resched(); topup_split_caches(kvm); write_lock. */
export function dropLockAndTopup(vm: Kvm, r: SplitReport): void {
  r.lockDrops++;
  vm.stats.lockDrops++;
  vm.rec?.push({
    k: 'lockDrop',
    fn: 'shadow_mmu_try_split_huge_page',
    why: 'split caches below their minimums',
  });
  topupSplitCaches(vm);
}

export function needTopupSplitCaches(vm: Kvm): boolean {
  return (
    vm.splitDescCache.nobjs < SPLIT_DESC_CACHE_MIN_NR_OBJECTS ||
    vm.splitPageHeaderCache.nobjs < 1 ||
    vm.splitShadowPageCache.nobjs < 1
  );
}

/** topup_split_caches: 553 (or 1026) descriptors, 40 headers, 40 pages. */
export function topupSplitCaches(vm: Kvm): void {
  for (const cache of [vm.splitDescCache, vm.splitPageHeaderCache, vm.splitShadowPageCache]) {
    const added = cache.topup();
    if (added)
      vm.rec?.push({
        k: 'topup',
        fn: 'topup_split_caches',
        cache: cache.name,
        added,
        nobjs: cache.nobjs,
      });
  }
}

/**
 * The child page a split of entry `hi` of `huge` asks for (shadow_mmu_get_sp_for_split): a
 * direct page, guest_mode kept, with the guest's access to the huge page
 * (kvm_mmu_page_get_access), not the huge SPTE's bits, which write protection may have cut.
 */
export function splitChildRole(vm: Kvm, huge: KvmMmuPage, hi: number): KvmMmuPageRole {
  return kvmMmuChildRole(huge.role, true, kvmMmuPageGetAccess(vm, huge, hi));
}

/** A report for one split done on its own (a trace replay's). */
export function emptySplitReport(): SplitReport {
  return {
    split: {},
    newPages: 0,
    reusedPages: 0,
    newLeafSptes: 0,
    refused: 0,
    lockDrops: 0,
    flushes: 0,
    maxDescsPerSplit: 0,
    tdpMmu: { split: 0, newPages: 0, newLeafSptes: 0 },
  };
}

/** shadow_mmu_split_huge_page: fill a direct child page, then __link_shadow_page over the huge SPTE. */
export function shadowMmuSplitHugePage(
  vm: Kvm,
  huge: KvmMmuPage,
  hi: number,
  r: SplitReport,
): { sp: KvmMmuPage; created: boolean } {
  const cache = vm.splitDescCache;
  const descsBefore = cache.nobjs;
  const hugeFlags = spteFlags(vm, huge, hi);
  const hugePfn = spteTarget(vm, huge, hi);
  const gfn = entryGfn(vm, huge, hi);
  const role = splitChildRole(vm, huge, hi);
  const caches = {
    pageHeader: vm.splitPageHeaderCache,
    shadowPage: vm.splitShadowPageCache,
    shadowedInfo: null,
  };
  const { sp, created } = getShadowPage(vm, caches, gfn, role);
  if (created) r.newPages++;
  else r.reusedPages++;
  vm.rec?.push({
    k: 'split',
    fn: 'shadow_mmu_split_huge_page',
    gfn,
    level: huge.level,
    page: sp.id,
    reused: !created,
  });
  const step = pagesPerEntry(sp.level);
  const small = splitSpteFlags(hugeFlags, sp.level);
  let flush = false;
  for (let idx = 0; idx < SPTE_ENT_PER_PAGE; idx++) {
    const f = spteFlags(vm, sp, idx);
    if (isPresent(f)) {
      flush ||= !isLastSpte(f, sp.level); // a partly populated lower table: unmapping needs a flush
      continue;
    }
    setSpte(
      vm,
      sp,
      idx,
      small,
      hugePfn + idx * step,
      gfn + idx * step,
      'shadow_mmu_split_huge_page',
    );
    rmapAdd(vm, cache, sp, idx, gfn + idx * step);
    r.newLeafSptes += sp.level === 1 ? 1 : 0;
    vm.stats.leafSptesSet++;
  }
  // __link_shadow_page(kvm, cache, huge_sptep, sp, flush)
  if (vm.opts.splitLinkZapsAndFlushesAll) {
    dropLeaf(vm, huge, hi, 'drop_large_spte'); // 0cb2af2ea66a: mmu_page_zap_pte, then every TLB
    flushAll(vm, 'drop_large_spte');
  } else {
    dropLeaf(vm, huge, hi, 'drop_large_spte');
    if (flush) flushGfn(vm, gfn, huge.level, 'drop_large_spte');
  }
  setSpte(vm, huge, hi, SPTE_LINK_FLAGS, sp.id, gfn, 'shadow_mmu_split_huge_page');
  vm.rec?.push({
    k: 'link',
    fn: 'shadow_mmu_split_huge_page',
    page: huge.id,
    index: hi,
    child: sp.id,
  });
  addParentPte(vm, cache, sp, huge, hi);
  r.split[huge.level] = (r.split[huge.level] ?? 0) + 1;
  vm.stats.splitsDone++;
  r.maxDescsPerSplit = Math.max(r.maxDescsPerSplit, descsBefore - cache.nobjs);
  return { sp, created };
}

/** The TDP MMU's own split (tdp_mmu_split_huge_page): same shape, no rmaps, no flush. */
function tdpMmuTrySplit(vm: Kvm, slot: Memslot, targetLevel: number, r: SplitReport): void {
  const end = slot.baseGfn + slot.npages;
  for (let level = KVM_MAX_HUGEPAGE_LEVEL; level > targetLevel; level--) {
    for (const sp of [...vm.livePages()]) {
      if (!sp.tdpMmuPage || sp.level !== level) continue;
      for (let i = 0; i < SPTE_ENT_PER_PAGE; i++) {
        const f = spteFlags(vm, sp, i);
        if (!isPresent(f) || !(f & SPTE_HUGE) || childOf(vm, sp, i)) continue;
        const gfn = entryGfn(vm, sp, i);
        if (gfn < slot.baseGfn || gfn >= end) continue;
        const child = tdpMmuAllocSp(vm, null, gfn, tdpMmuChildRole(sp));
        tdpMmuSplitHugePage(vm, sp, i, child);
        r.tdpMmu.split++;
        r.tdpMmu.newPages++;
        if (child.level === 1) r.tdpMmu.newLeafSptes += SPTE_ENT_PER_PAGE;
      }
    }
  }
}
