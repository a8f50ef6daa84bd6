/**
 * The TDP MMU (arch/x86/kvm/mmu/tdp_mmu.c): KVM's own tables for guest physical memory. Its
 * pages are struct kvm_mmu_page like the shadow MMU's, header and all, drawn from the same vCPU
 * caches in a fault (tdp_mmu_alloc_sp); what they lack is rmaps, parent_ptes, the hash and the
 * page limit. A huge SPTE in a fault's way is split in place since 6.2; before, it was zapped.
 */
import { hostPfn, leafFlags, splitSpteFlags } from './makeSpte';
import type { KvmMmuPage } from './mmuPage';
import { ACC_ALL, kvmMmuChildRole, makeRole, type KvmMmuPageRole } from './mmuPageRole';
import type { FaultRequest, ShadowPageCaches } from './pageTable';
import {
  isLastSpte,
  isPresent,
  pagesPerEntry,
  spteIndex,
  SPTE_DIRTY,
  SPTE_ENT_PER_PAGE,
  SPTE_LINK_FLAGS,
  SPTE_WRITABLE,
} from './spte';
import { childOf, clearSpte, flushGfn, setSpte, spteFlags, spteTarget } from './sptes';
import type { Kvm } from './vm';

/**
 * tdp_mmu_alloc_sp: header and spt from the vCPU's caches. The split paths allocate directly
 * (tdp_mmu_alloc_sp_for_split: GFP_NOWAIT, then GFP_KERNEL_ACCOUNT): caches null.
 */
export function tdpMmuAllocSp(
  vm: Kvm,
  caches: ShadowPageCaches | null,
  gfn: number,
  role: KvmMmuPageRole,
): KvmMmuPage {
  if (caches) {
    takeOne(vm, caches.pageHeader);
    takeOne(vm, caches.shadowPage);
  }
  const sp = vm.newPage(gfn, role, false, true);
  vm.stats.pagesCreated++;
  vm.rec?.push({
    k: 'getPage',
    fn: 'tdp_mmu_alloc_sp',
    gfn,
    level: role.level,
    roleWord: sp.roleWord,
    page: sp.id,
    created: true,
  });
  return sp;
}

function takeOne(vm: Kvm, cache: ShadowPageCaches['pageHeader']): void {
  const before = cache.emergencyAllocs;
  cache.alloc();
  vm.stats.emergencyAllocs += cache.emergencyAllocs - before;
}

/** The live TDP MMU roots, not zapped (for_each_valid_tdp_mmu_root). */
export function tdpMmuRoots(vm: Kvm): KvmMmuPage[] {
  const roots: KvmMmuPage[] = [];
  for (const id of vm.tdpMmuRootIds) {
    const sp = vm.pages[id]!;
    if (!sp.zapped) roots.push(sp);
  }
  return roots;
}

/**
 * kvm_tdp_mmu_get_vcpu_root_hpa / kvm_tdp_mmu_alloc_root: a valid root of the same role that a
 * vCPU still holds is shared; else a new one from the vCPU's caches.
 */
export function kvmTdpMmuGetVcpuRoot(vm: Kvm, caches: ShadowPageCaches, level: number): KvmMmuPage {
  const found = tdpMmuRoots(vm).find((sp) => sp.rootCount > 0);
  return found ?? tdpMmuAllocSp(vm, caches, 0, makeRole({ level, direct: true, access: ACC_ALL }));
}

/** tdp_mmu_init_child_sp: the parent's role, one level down (its access too, not the SPTE's). */
export function tdpMmuChildRole(parent: KvmMmuPage): KvmMmuPageRole {
  return kvmMmuChildRole(parent.role, true, parent.role.access);
}

/**
 * kvm_tdp_mmu_map: down from the root to the fault's level (req.level, already the mapping
 * level), a new table for each empty entry (tdp_mmu_link_sp) and, for a huge SPTE in the way,
 * a split (6.2+) or a zap with a ranged flush; then the leaf (tdp_mmu_map_handle_target_level).
 */
export function kvmTdpMmuMap(
  vm: Kvm,
  caches: ShadowPageCaches,
  root: KvmMmuPage,
  req: FaultRequest,
): KvmMmuPage {
  const goal = req.level ?? 1;
  let sp = root;
  for (let level = root.level; level > goal; level--) {
    const i = spteIndex(req.gfn, level);
    const child = childOf(vm, sp, i);
    if (child) {
      sp = child;
      continue;
    }
    const gfn = req.gfn - (req.gfn % pagesPerEntry(level));
    const huge = isPresent(spteFlags(vm, sp, i));
    if (huge && !vm.opts.tdpMmuFaultSplitsHugePage) {
      // 5.10–6.1: tdp_mmu_zap_spte_atomic, which flushes the huge range.
      clearSpte(vm, sp, i, 'kvm_tdp_mmu_map');
      flushGfn(vm, gfn, level, 'kvm_tdp_mmu_map');
    }
    const next = tdpMmuAllocSp(vm, caches, gfn, tdpMmuChildRole(sp));
    if (huge && vm.opts.tdpMmuFaultSplitsHugePage) tdpMmuSplitHugePage(vm, sp, i, next);
    else tdpMmuLinkSp(vm, sp, i, next);
    sp = next;
  }
  const i = spteIndex(req.gfn, goal);
  const gfn = req.gfn - (req.gfn % pagesPerEntry(goal));
  const old = spteFlags(vm, sp, i);
  const oldTable = isPresent(old) && !isLastSpte(old, goal) ? childOf(vm, sp, i) : undefined;
  if (!isPresent(old) || oldTable) vm.stats.leafSptesSet++;
  setSpte(
    vm,
    sp,
    i,
    leafFlags(ACC_ALL, goal, req.write ?? false),
    hostPfn(gfn),
    gfn,
    'mmu_set_spte',
  );
  if (oldTable) {
    // A huge leaf over a table: handle_removed_pt frees the table below, and the range is flushed.
    handleRemovedPt(vm, oldTable);
    flushGfn(vm, gfn, goal, 'kvm_tdp_mmu_map');
  }
  return sp;
}

/** tdp_mmu_link_sp: the parent's entry points at the new table. */
function tdpMmuLinkSp(vm: Kvm, sp: KvmMmuPage, i: number, child: KvmMmuPage): void {
  setSpte(vm, sp, i, SPTE_LINK_FLAGS, child.id, child.gfn, 'tdp_mmu_link_sp');
  vm.rec?.push({ k: 'link', fn: 'tdp_mmu_link_sp', page: sp.id, index: i, child: child.id });
}

/**
 * make_huge_page_split_spte for all 512 entries of `child`: the huge SPTE's bits and pfn, the
 * pfn advanced per entry. The trace replay fills a split's table with it too.
 */
export function fillSplitTable(
  vm: Kvm,
  child: KvmMmuPage,
  hugeFlags: number,
  hugePfn: number,
  fn: 'tdp_mmu_split_huge_page',
): void {
  const step = pagesPerEntry(child.level);
  const small = splitSpteFlags(hugeFlags, child.level);
  for (let idx = 0; idx < SPTE_ENT_PER_PAGE; idx++)
    setSpte(vm, child, idx, small, hugePfn + idx * step, child.gfn + idx * step, fn);
}

/**
 * tdp_mmu_split_huge_page: fill the new table from the huge SPTE, then link it in its place.
 * No TLB flush: either translation is right meanwhile.
 */
export function tdpMmuSplitHugePage(vm: Kvm, sp: KvmMmuPage, i: number, child: KvmMmuPage): void {
  fillSplitTable(vm, child, spteFlags(vm, sp, i), spteTarget(vm, sp, i), 'tdp_mmu_split_huge_page');
  vm.rec?.push({
    k: 'split',
    fn: 'tdp_mmu_split_huge_page',
    gfn: child.gfn,
    level: sp.level,
    page: child.id,
    reused: false,
  });
  setSpte(vm, sp, i, SPTE_LINK_FLAGS, child.id, child.gfn, 'tdp_mmu_split_huge_page');
  vm.stats.splitsDone++;
}

/** handle_removed_pt: a table unlinked from its parent, and every table below it, freed. */
function handleRemovedPt(vm: Kvm, sp: KvmMmuPage): void {
  for (let i = 0; i < SPTE_ENT_PER_PAGE && sp.present > 0; i++) {
    const f = spteFlags(vm, sp, i);
    if (!isPresent(f)) continue;
    const child = isLastSpte(f, sp.level) ? undefined : childOf(vm, sp, i);
    clearSpte(vm, sp, i, 'handle_changed_spte');
    if (child) handleRemovedPt(vm, child);
  }
  vm.rec?.push({ k: 'zapPage', fn: 'handle_changed_spte', page: sp.id });
  vm.freePage(sp);
  vm.rec?.push({ k: 'freePage', fn: 'handle_changed_spte', page: sp.id });
}

/**
 * kvm_tdp_mmu_write_protect_gfn: in every root, the leaves mapping gfn (at any level) lose
 * their write bit. Returns how many did.
 */
export function kvmTdpMmuWriteProtectGfn(vm: Kvm, gfn: number): number {
  let cleared = 0;
  for (const root of tdpMmuRoots(vm)) {
    let sp: KvmMmuPage | undefined = root;
    while (sp) {
      const i = spteIndex(gfn, sp.level);
      const f = spteFlags(vm, sp, i);
      if (!isPresent(f)) break;
      if (!isLastSpte(f, sp.level)) {
        sp = childOf(vm, sp, i);
        continue;
      }
      if (f & SPTE_WRITABLE) {
        const leafGfn = gfn - (gfn % pagesPerEntry(sp.level));
        const flags = f & ~(SPTE_WRITABLE | SPTE_DIRTY);
        setSpte(vm, sp, i, flags, spteTarget(vm, sp, i), leafGfn, 'kvm_tdp_mmu_write_protect_gfn');
        cleared++;
      }
      break;
    }
  }
  return cleared;
}
