/**
 * Reading and writing one shadow page's entries, and the rmap bookkeeping that goes with a leaf:
 * mmu_spte_set / mmu_spte_clear, __rmap_add (with RMAP_RECYCLE_THRESHOLD), drop_spte,
 * parent_ptes adds and removes. Every other MMU file goes through these.
 */
import type { MmuFn } from './mmuEvents';
import type { KvmMmuMemoryCache } from './mmuCache';
import { kvmMmuPageGetGfn, sptepOf, type KvmMmuPage } from './mmuPage';
import { forEachRmapSpte, pteListAdd, pteListDestroy, pteListRemove } from './rmap';
import { isLastSpte, isPresent, SPTE_PRESENT } from './spte';
import { sptepIndex, sptepPage } from './mmuPage';
import { pagesStatOf } from './kvmStats';
import type { Kvm } from './vm';

export function spteFlags(vm: Kvm, sp: KvmMmuPage, i: number): number {
  return vm.spt.flagsAt(sp.id, i);
}

export function spteTarget(vm: Kvm, sp: KvmMmuPage, i: number): number {
  const s = vm.spt.find(sp.id, i);
  return s < 0 ? 0 : vm.spt.target[s]!;
}

/** The gfn entry `i` maps (kvm_mmu_page_get_gfn). */
export function entryGfn(vm: Kvm, sp: KvmMmuPage, i: number): number {
  return kvmMmuPageGetGfn(sp, i, () => {
    const s = vm.spt.find(sp.id, i);
    return s < 0 ? 0 : vm.spt.gfn[s]!;
  });
}

/** kvm_mmu_page_set_access: the guest access shadowed_translation keeps for entry `i`. */
export function kvmMmuPageSetAccess(vm: Kvm, sp: KvmMmuPage, i: number, access: number): void {
  if (sp.hasTranslation) vm.spt.access[vm.spt.slot(sp.id, i)] = access;
}

/**
 * kvm_mmu_page_get_access: the guest's access to what entry `i` maps. A page with guest PTEs
 * keeps it per entry (shadowed_translation); for any other page it is role.access: ACC_ALL for
 * TDP, the guest huge page's access for a direct page under it.
 */
export function kvmMmuPageGetAccess(vm: Kvm, sp: KvmMmuPage, i: number): number {
  if (!sp.hasTranslation) return sp.role.access;
  const s = vm.spt.find(sp.id, i);
  return s < 0 ? 0 : vm.spt.access[s]!;
}

/** The child page a present non-leaf entry points at. */
export function childOf(vm: Kvm, sp: KvmMmuPage, i: number): KvmMmuPage | undefined {
  const f = spteFlags(vm, sp, i);
  if (!isPresent(f) || isLastSpte(f, sp.level)) return undefined;
  return vm.pages[spteTarget(vm, sp, i)];
}

/** mmu_spte_set: writes the entry (and the gfn a translation page keeps for it). */
export function setSpte(
  vm: Kvm,
  sp: KvmMmuPage,
  i: number,
  flags: number,
  target: number,
  gfn: number,
  fn: MmuFn,
): void {
  const s = vm.spt.slot(sp.id, i);
  const old = vm.spt.flags[s]!;
  if (!(old & SPTE_PRESENT) && flags & SPTE_PRESENT) sp.present++;
  countLeaf(vm, sp.level, old, -1);
  countLeaf(vm, sp.level, flags, 1);
  vm.spt.flags[s] = flags;
  vm.spt.target[s] = target;
  if (sp.hasTranslation) vm.spt.gfn[s] = gfn; // kvm_mmu_page_set_translation
  vm.rec?.push({ k: 'setSpte', fn, page: sp.id, index: i, flags, target, gfn });
}

/** mmu_spte_clear_track_bits / mmu_spte_clear_no_track: the entry becomes non-present. */
export function clearSpte(vm: Kvm, sp: KvmMmuPage, i: number, fn: MmuFn): void {
  const s = vm.spt.find(sp.id, i);
  if (s < 0 || !(vm.spt.flags[s]! & SPTE_PRESENT)) return;
  countLeaf(vm, sp.level, vm.spt.flags[s]!, -1);
  vm.spt.flags[s] = 0;
  vm.spt.target[s] = 0;
  sp.present--;
  vm.rec?.push({ k: 'clearSpte', fn, page: sp.id, index: i });
}

/**
 * kvm_update_page_stats: pages_4k/2m/1g count present leaves. The shadow MMU counts them in
 * __rmap_add and mmu_spte_clear_track_bits, the TDP MMU in handle_changed_spte (and the 512 of a
 * split at once); either way the count is the present leaves of each level.
 */
function countLeaf(vm: Kvm, level: number, flags: number, delta: 1 | -1): void {
  if (flags & SPTE_PRESENT && isLastSpte(flags, level)) vm.stat[pagesStatOf(level)] += delta;
}

/** When the VM records, a pte_list operation's own micro-steps join its stream. */
function listRec(vm: Kvm, fn: MmuFn): void {
  vm.lists.rec = vm.rec ? vm.rec.list(fn) : null;
}

function listDone(vm: Kvm): void {
  vm.lists.rec = null;
  vm.stats.listDescsVisited += vm.lists.costVisited;
  vm.stats.listSlotCompares += vm.lists.costCompares;
  vm.stats.listCacheLines += vm.lists.costLines;
}

/**
 * __rmap_add: pte_list_add of the leaf's pointer to the rmap of (gfn, level), descriptors from
 * `cache`; over RMAP_RECYCLE_THRESHOLD the whole rmap is zapped, the new SPTE with it, and the
 * gfn's range flushed.
 */
export function rmapAdd(
  vm: Kvm,
  cache: KvmMmuMemoryCache,
  sp: KvmMmuPage,
  i: number,
  gfn: number,
): void {
  const head = vm.gfnToRmap(gfn, sp.level);
  if (head < 0) throw new Error(`rmap_add: gfn 0x${gfn.toString(16)} is in no memslot`);
  const sptep = sptepOf(sp.id, i);
  listRec(vm, 'rmap_add');
  const ret = pteListAdd(vm.lists, head, sptep);
  listDone(vm);
  if (ret > vm.stat.max_mmu_rmap_size) vm.stat.max_mmu_rmap_size = ret;
  vm.onRmapChange?.(head, 1);
  const allocated = vm.lists.costAllocated;
  takeFromCache(vm, cache, allocated);
  vm.rec?.push({
    k: 'rmap',
    fn: 'rmap_add',
    op: 'add',
    head,
    gfn,
    level: sp.level,
    sptep,
    ret,
    descsAllocated: allocated,
  });
  if (ret > vm.opts.rmapRecycleThreshold) {
    vm.stats.rmapRecycles++;
    vm.rec?.push({ k: 'recycle', fn: 'rmap_add', gfn, level: sp.level, count: ret });
    zapAllRmapSptes(vm, head, gfn, sp.level, 'rmap_add');
    flushGfn(vm, gfn, sp.level, 'rmap_add');
  }
}

/** kvm_zap_all_rmap_sptes (the era's name): clear every SPTE of the rmap and tear the list down. */
export function zapAllRmapSptes(
  vm: Kvm,
  head: number,
  gfn: number,
  level: number,
  fn: MmuFn,
): number {
  const sptes: number[] = [];
  forEachRmapSpte(vm.lists, head, (s) => sptes.push(s));
  for (const sptep of sptes) clearSpte(vm, vm.pages[sptepPage(sptep)]!, sptepIndex(sptep), fn);
  listRec(vm, fn);
  pteListDestroy(vm.lists, head, vm.opts.rmapZapName);
  listDone(vm);
  vm.onRmapChange?.(head, -sptes.length);
  vm.rec?.push({
    k: 'rmap',
    fn,
    op: 'destroy',
    head,
    gfn,
    level,
    sptep: 0,
    ret: null,
    descsAllocated: 0,
  });
  return sptes.length;
}

/** drop_spte for a leaf: rmap_remove, then clear it. */
export function dropLeaf(vm: Kvm, sp: KvmMmuPage, i: number, fn: MmuFn): void {
  const gfn = entryGfn(vm, sp, i);
  const head = vm.gfnToRmap(gfn, sp.level);
  // A leaf was added to the rmap of a memslot gfn (rmapAdd refuses any other): the kernel's
  // pte_list_remove BUG()s on an SPTE in no rmap, and the model must not edit a head at -1.
  if (head < 0) throw new Error(`drop_spte: gfn 0x${gfn.toString(16)} is in no memslot`);
  const sptep = sptepOf(sp.id, i);
  listRec(vm, fn);
  pteListRemove(vm.lists, head, sptep);
  listDone(vm);
  vm.onRmapChange?.(head, -1);
  vm.rec?.push({
    k: 'rmap',
    fn,
    op: 'remove',
    head,
    gfn,
    level: sp.level,
    sptep,
    ret: null,
    descsAllocated: 0,
  });
  clearSpte(vm, sp, i, fn);
}

/** mmu_page_add_parent_pte: the parent's SPTE joins the child's parent_ptes. */
export function addParentPte(
  vm: Kvm,
  cache: KvmMmuMemoryCache,
  child: KvmMmuPage,
  parent: KvmMmuPage,
  i: number,
): void {
  if (child.tdpMmuPage) return;
  const sptep = sptepOf(parent.id, i);
  listRec(vm, 'link_shadow_page');
  pteListAdd(vm.lists, child.parentPtes, sptep);
  listDone(vm);
  takeFromCache(vm, cache, vm.lists.costAllocated);
  vm.rec?.push({ k: 'parentPte', fn: 'link_shadow_page', op: 'add', page: child.id, sptep });
}

/** drop_parent_pte: off the child's parent_ptes, and the parent's entry cleared. */
export function dropParentPte(
  vm: Kvm,
  child: KvmMmuPage,
  parent: KvmMmuPage,
  i: number,
  fn: MmuFn,
): void {
  const sptep = sptepOf(parent.id, i);
  if (!child.tdpMmuPage) {
    listRec(vm, 'drop_parent_pte');
    pteListRemove(vm.lists, child.parentPtes, sptep);
    listDone(vm);
    vm.rec?.push({
      k: 'parentPte',
      fn: 'drop_parent_pte',
      op: 'remove',
      page: child.id,
      sptep,
    });
  }
  clearSpte(vm, parent, i, fn);
}

/** kvm_mmu_memory_cache_alloc, `n` times. */
export function takeFromCache(vm: Kvm, cache: KvmMmuMemoryCache, n: number): void {
  if (n === 0) return;
  const before = cache.emergencyAllocs;
  cache.alloc(n);
  vm.stats.emergencyAllocs += cache.emergencyAllocs - before;
}

/** kvm_flush_remote_tlbs_gfn: a ranged flush (a full one before ranged flushes, 5.0). */
export function flushGfn(vm: Kvm, gfn: number, level: number, fn: MmuFn): void {
  if (!vm.opts.rangedTlbFlush) return flushAll(vm, fn);
  vm.stats.rangeFlushes++;
  vm.rec?.push({ k: 'flush', fn, scope: 'range', gfn, level });
}

/** kvm_flush_remote_tlbs: every vCPU's TLB. */
export function flushAll(vm: Kvm, fn: MmuFn): void {
  vm.stats.tlbFlushes++;
  vm.rec?.push({ k: 'flush', fn, scope: 'vm' });
}
