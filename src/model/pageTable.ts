/**
 * The fault path: mmu_topup_memory_caches, the root, the walk from it that finds or builds a
 * shadow page per level (kvm_mmu_get_child_sp + link_shadow_page), and mmu_set_spte with its
 * rmap_add. Three kinds of fault share it:
 *  - 'tdp':    KVM's own tables for guest physical memory (direct_map; the TDP MMU if on);
 *  - 'shadow': shadow paging, each level shadowing a guest table (FNAME(fetch));
 *  - 'nested': the same for an L2, shadowing L1's EPT/NPT (role.guest_mode).
 */
import { KvmBugError } from './errors';
import type { GuestTables } from './guest';
import type { KvmMmuMemoryCache } from './mmuCache';
import { KvmMmuPage } from './mmuPage';
import {
  ACC_ALL,
  ACC_EXEC_MASK,
  ACC_USER_MASK,
  kvmMmuChildRole,
  makeRole,
  roleWord,
  type KvmMmuPageRole,
} from './mmuPageRole';
import { hostPfn, leafFlags, spteAccess } from './makeSpte';
import { kvmMmuGfnDisallowLpage, kvmMmuMaxMappingLevel } from './lpageInfo';
import { kvmTdpMmuGetVcpuRoot, kvmTdpMmuMap } from './tdpMmu';
import {
  addParentPte,
  childOf,
  dropLeaf,
  dropParentPte,
  flushAll,
  flushGfn,
  kvmMmuPageSetAccess,
  rmapAdd,
  setSpte,
  spteFlags,
  spteTarget,
} from './sptes';
import { writeProtectGfn } from './writeProtect';
import {
  isLastSpte,
  isPresent,
  pagesPerEntry,
  spteIndex,
  SPTE_HUGE,
  SPTE_LINK_FLAGS,
} from './spte';
import {
  KVM_MIN_FREE_MMU_PAGES,
  KVM_MMU_NUM_PREV_ROOTS,
  KVM_REFILL_PAGES,
  type Kvm,
  type KvmVcpu,
} from './vm';
import { notePageFaultFixed, notePageFaultTaken } from './kvmVcpuStats';
import { zapOldestMmuPages } from './zap';

export type FaultKind = 'tdp' | 'shadow' | 'nested';

export interface FaultRequest {
  vcpu: number;
  kind: FaultKind;
  /** The guest frame the fault maps (for 'nested', L1's gfn). */
  gfn: number;
  /** The page that faulted: a guest virtual page ('shadow') or L2 physical page ('nested'). */
  gva?: number;
  /** The address space: guest process ('shadow') or L1 nested root ('nested'). */
  as?: number;
  /** The guest's mapping level (1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB); for 'tdp', the level asked for. */
  level?: number;
  /** The largest level the host backing allows (host_pfn_mapping_level); default = level. */
  hostLevel?: number;
  write?: boolean;
  /** The guest PTE's write permission (shadow/nested); false for a fork's read-only sharing. */
  writable?: boolean;
}

export { hostPfn } from './makeSpte';

/** Page caches a shadow page is built from: the vCPU's or the split's (struct shadow_page_caches). */
export interface ShadowPageCaches {
  pageHeader: KvmMmuMemoryCache;
  shadowPage: KvmMmuMemoryCache;
  shadowedInfo: KvmMmuMemoryCache | null;
}

/**
 * mmu_topup_memory_caches(vcpu, maybe_indirect): the gfn cache only for a fault that may build
 * indirect pages; before 5.9 there was no such cache, and every cache was topped up.
 */
export function mmuTopupMemoryCaches(vm: Kvm, vcpu: KvmVcpu, maybeIndirect: boolean): void {
  const c = vcpu.caches;
  const list = [c.pteListDesc, c.shadowPage, maybeIndirect ? c.shadowedInfo : null, c.pageHeader];
  for (const cache of list) {
    if (!cache) continue;
    const added = cache.topup();
    if (added)
      vm.rec?.push({
        k: 'topup',
        fn: 'mmu_topup_memory_caches',
        cache: cache.name,
        added,
        nobjs: cache.nobjs,
      });
  }
}

/** Does a page with this role get shadowed_translation (`gfns` before 6.0)? */
export function pageHasTranslation(vm: Kvm, role: KvmMmuPageRole): boolean {
  if (vm.opts.gfnsForDirectPages) return true; // before v2.6.36: every page had the gfns page
  if (role.direct) return false;
  return !vm.opts.translationOnlyLevels1to3 || role.level <= 3;
}

/**
 * __kvm_mmu_get_shadow_page: an existing valid page with (gfn, role), else a new one from
 * `caches` (kvm_mmu_alloc_shadow_page), which for a page with guest PTEs is write-protected.
 */
export function getShadowPage(
  vm: Kvm,
  caches: ShadowPageCaches,
  gfn: number,
  role: KvmMmuPageRole,
): { sp: KvmMmuPage; created: boolean } {
  const word = roleWord(role);
  const { sp: found, collisions } = vm.findShadowPage(gfn, word);
  noteLookupStats(vm, found ?? null, collisions);
  if (found) {
    reuseShadowPage(vm, found);
    return { sp: found, created: false };
  }
  return { sp: allocShadowPage(vm, caches, gfn, role), created: true };
}

/** The lookup found `sp`: __kvm_mmu_get_shadow_page returns it as it is. */
export function reuseShadowPage(vm: Kvm, sp: KvmMmuPage): void {
  vm.stats.pagesReused++;
  vm.rec?.push({
    k: 'getPage',
    fn: 'kvm_mmu_get_shadow_page',
    gfn: sp.gfn,
    level: sp.level,
    roleWord: sp.roleWord,
    page: sp.id,
    created: false,
  });
}

/**
 * What kvm_mmu_find_shadow_page counts of a lookup: a miss (mmu_cache_miss), and the pages of
 * other gfns it walked past in the hash bucket (max_mmu_page_hash_collisions).
 */
export function noteShadowPageLookup(vm: Kvm, gfn: number, found: KvmMmuPage | null): void {
  noteLookupStats(vm, found, vm.hashCollisions(gfn, found));
}

function noteLookupStats(vm: Kvm, found: KvmMmuPage | null, collisions: number): void {
  if (!found) vm.stat.mmu_cache_miss++;
  if (collisions > vm.stat.max_mmu_page_hash_collisions)
    vm.stat.max_mmu_page_hash_collisions = collisions;
}

/**
 * kvm_mmu_alloc_shadow_page: header, table and (for pages with guest PTEs) the translation page
 * from `caches`; a level-1 page with guest PTEs write-protects the guest table's gfn.
 */
export function allocShadowPage(
  vm: Kvm,
  caches: ShadowPageCaches,
  gfn: number,
  role: KvmMmuPageRole,
): KvmMmuPage {
  const word = roleWord(role);
  const hasTranslation = pageHasTranslation(vm, role);
  caches.pageHeader.alloc();
  caches.shadowPage.alloc();
  if (hasTranslation) (caches.shadowedInfo ?? caches.shadowPage).alloc();
  const sp = vm.newPage(gfn, role, hasTranslation, false);
  vm.stats.pagesCreated++;
  vm.rec?.push({
    k: 'getPage',
    fn: 'kvm_mmu_alloc_shadow_page',
    gfn,
    level: role.level,
    roleWord: word,
    page: sp.id,
    created: true,
  });
  if (!role.direct && !role.passthrough) accountShadowed(vm, sp);
  return sp;
}

/**
 * account_shadowed, for every page with guest PTEs (sp_has_gptes): the guest table's gfn may no
 * longer be mapped huge (kvm_mmu_gfn_disallow_lpage) and every SPTE mapping it loses its write
 * bit (kvm_mmu_slot_gfn_write_protect from 4K up, the TDP MMU's too), so the guest's writes to
 * it trap. An upper-level table goes through the write tracker (__kvm_write_track_add_gfn),
 * which flushes the whole VM; a level-1 table flushes only its gfn.
 */
function accountShadowed(vm: Kvm, sp: KvmMmuPage): void {
  vm.indirectShadowPages++;
  kvmMmuGfnDisallowLpage(vm, sp.gfn, 1);
  if (writeProtectGfn(vm, sp.gfn) === 0) return;
  if (sp.level > 1) flushAll(vm, 'account_shadowed');
  else flushGfn(vm, sp.gfn, 1, 'account_shadowed');
}

/**
 * kvm_mmu_new_pgd's fast switch: the address space's root, if the vCPU has it cached (made
 * current again), else null, and then the least recent root past KVM_MMU_NUM_PREV_ROOTS is put
 * (root_count dropped) before kvm_mmu_load allocates the new one, so it can be zapped for room.
 */
function switchRoot(vcpu: KvmVcpu, req: FaultRequest): KvmMmuPage | null {
  const key = rootKey(req);
  const cache = vcpu.roots.get(req.kind) ?? [];
  vcpu.roots.set(req.kind, cache);
  const at = cache.findIndex((r) => r.key === key && !r.sp.zapped);
  if (at >= 0) {
    const [hit] = cache.splice(at, 1);
    cache.unshift(hit!);
    return hit!.sp;
  }
  if (cache.length >= 1 + KVM_MMU_NUM_PREV_ROOTS) cache.pop()!.sp.rootCount--;
  return null;
}

const rootKey = (req: FaultRequest): string =>
  req.kind === 'tdp' ? 'tdp' : `${req.kind}:${req.as ?? 0}`;

/** mmu_alloc_root (kvm_mmu_load): a new root for the address space, made current. */
function allocRoot(
  vm: Kvm,
  vcpu: KvmVcpu,
  req: FaultRequest,
  guest: GuestTables | null,
): KvmMmuPage {
  const key = rootKey(req);
  const level = vm.opts.rootLevel;
  let sp: KvmMmuPage;
  if (req.kind === 'tdp' && vm.opts.tdpMmu) {
    sp = kvmTdpMmuGetVcpuRoot(vm, vcpuPageCaches(vcpu), level);
  } else {
    const direct = req.kind === 'tdp';
    const gfn = direct ? 0 : guest!.tableGfn(key, level, req.gva ?? req.gfn);
    const role = makeRole({ level, direct, access: ACC_ALL, guestMode: req.kind === 'nested' });
    sp = getShadowPage(vm, vcpuPageCaches(vcpu), gfn, role).sp;
  }
  sp.rootCount++;
  // switchRoot already made room: the cache holds at most KVM_MMU_NUM_PREV_ROOTS before this one.
  vcpu.roots.get(req.kind)!.unshift({ key, sp });
  return sp;
}

export function vcpuPageCaches(vcpu: KvmVcpu): ShadowPageCaches {
  return {
    pageHeader: vcpu.caches.pageHeader,
    shadowPage: vcpu.caches.shadowPage,
    shadowedInfo: vcpu.caches.shadowedInfo,
  };
}

/**
 * One page fault, start to end: the page holding the new leaf, or null when
 * make_mmu_pages_available found no page to give (-ENOSPC: KVM_RUN fails, nothing is mapped).
 * Throws KvmBugError where the kernel would refuse (a gfn outside every memslot: the kernel
 * would emulate MMIO instead), before changing anything.
 */
export function kvmMmuPageFault(
  vm: Kvm,
  asked: FaultRequest,
  guest: GuestTables | null,
): KvmMmuPage | null {
  const req = { ...asked, gfn: faultGfn(asked) };
  const vcpu = vm.vcpus[req.vcpu];
  if (!vcpu) throw new KvmBugError('no such vCPU', -1, 0, `vCPU ${req.vcpu} does not exist`);
  if (!vm.memslotOf(req.gfn)) {
    throw new KvmBugError(
      'fault outside memslots',
      -1,
      0,
      `gfn 0x${req.gfn.toString(16)} is in no memslot (the kernel would treat the access as MMIO)`,
    );
  }
  if (req.kind === 'shadow' && vm.opts.tdp)
    throw new KvmBugError(
      'shadow fault with TDP',
      -1,
      0,
      'a shadow-paging fault needs the TDP option off',
    );
  if (req.kind !== 'shadow' && !vm.opts.tdp)
    throw new KvmBugError(
      'tdp fault without TDP',
      -1,
      0,
      `a ${req.kind} fault needs the TDP option on`,
    );
  notePageFaultTaken(vcpu.stat);
  const tdpMmu = req.kind === 'tdp' && vm.opts.tdpMmu;
  const cached = switchRoot(vcpu, req);
  // kvm_mmu_load, then the fault itself: both top up (the TDP MMU's pages come from them too).
  mmuTopupMemoryCaches(vm, vcpu, req.kind !== 'tdp');
  if (!tdpMmu || vm.opts.tdpMmuFaultMakesPagesAvailable) {
    if (makeMmuPagesAvailable(vm) !== 0) return null;
  }
  // Before 5.9 making pages available could zap the current root itself: it is loaded anew.
  const root = cached && !cached.zapped ? cached : allocRoot(vm, vcpu, req, guest);
  const sp = tdpMmu
    ? kvmTdpMmuMap(vm, vcpuPageCaches(vcpu), root, { ...req, level: mappingLevel(vm, req) })
    : shadowMap(vm, vcpu, root, req, guest);
  // A fault of the model always installs its mapping: RET_PF_FIXED.
  notePageFaultFixed(vcpu.stat);
  return sp;
}

/** The level the fault maps at: the guest's and the host's, as far as lpage_info allows. */
function mappingLevel(vm: Kvm, req: FaultRequest): number {
  const guestLevel = req.level ?? 1;
  return kvmMmuMaxMappingLevel(vm, req.gfn, Math.min(guestLevel, req.hostLevel ?? guestLevel));
}

/**
 * The gfn the faulting page maps. A guest huge page maps a whole aligned range, so within it the
 * offset comes from the faulting address: `gfn` picks the guest page, `gva` the 4 KiB inside it.
 */
export function faultGfn(req: FaultRequest): number {
  if (req.kind === 'tdp' || req.gva === undefined) return req.gfn;
  const size = pagesPerEntry(req.level ?? 1);
  return req.gfn - (req.gfn % size) + (req.gva % size);
}

/**
 * make_mmu_pages_available: below KVM_MIN_FREE_MMU_PAGES, zap oldest pages toward
 * KVM_REFILL_PAGES free; -ENOSPC (-28) if not one page is free after that. The check is "soft":
 * the fault may still take more than the one page it guarantees.
 */
export function makeMmuPagesAvailable(vm: Kvm): 0 | -28 {
  const avail = vm.availablePages();
  if (avail >= KVM_MIN_FREE_MMU_PAGES) return 0;
  const { heldRoots } = zapOldestMmuPages(vm, KVM_REFILL_PAGES - avail, 'make_mmu_pages_available');
  // A zapped root its vCPU still holds stays in n_used_mmu_pages until the vCPU reloads.
  if (vm.availablePages() - heldRoots > 0) return 0;
  vm.rec?.push({
    k: 'refuse',
    fn: 'make_mmu_pages_available',
    gfn: 0,
    level: 0,
    errno: 'ENOSPC',
  });
  return -28;
}

/** direct_map and FNAME(fetch) for the shadow MMU. */
function shadowMap(
  vm: Kvm,
  vcpu: KvmVcpu,
  root: KvmMmuPage,
  req: FaultRequest,
  guest: GuestTables | null,
): KvmMmuPage {
  const guestLevel = req.level ?? 1;
  const goal = mappingLevel(vm, req);
  const indirect = req.kind !== 'tdp';
  const access = indirect && req.writable === false ? ACC_USER_MASK | ACC_EXEC_MASK : ACC_ALL;
  const va = indirect ? (req.gva ?? req.gfn) : req.gfn;
  const key = `${req.kind}:${req.as ?? 0}`;
  const cache = vcpu.caches.pteListDesc;
  let sp = root;
  for (let level = root.level; level > goal; level--) {
    const i = spteIndex(va, level);
    const childLevel = level - 1;
    // Above the guest's leaf a child shadows a guest table; below it, it maps the guest's huge page directly.
    const direct = !indirect || childLevel < guestLevel;
    const gfn = direct
      ? req.gfn - (req.gfn % pagesPerEntry(level))
      : guest!.tableGfn(key, childLevel, va);
    const role = kvmMmuChildRole(sp.role, direct, direct && indirect ? access : ACC_ALL);
    const existing = childOf(vm, sp, i);
    if (existing && followsLink(vm, existing, gfn, role)) {
      sp = existing;
      continue;
    }
    const { sp: child } = getShadowPage(vm, vcpuPageCaches(vcpu), gfn, role);
    linkShadowPage(vm, cache, sp, i, child, true);
    sp = child;
  }
  const leafGfn = req.gfn - (req.gfn % pagesPerEntry(goal));
  mmuSetSpte(vm, cache, sp, spteIndex(va, goal), leafGfn, {
    flags: leafFlags(access, goal, req.write ?? false),
    pfn: hostPfn(leafGfn),
    access,
  });
  return sp;
}

/**
 * kvm_mmu_get_child_sp's -EEXIST: a present link is followed as it is, or (0cb2af2ea66a, 7.1)
 * only to a child of the gfn asked for, or (81ccda30b4e8, 7.2) of that gfn and role.
 */
function followsLink(vm: Kvm, child: KvmMmuPage, gfn: number, role: KvmMmuPageRole): boolean {
  const m = vm.opts.childSpMatch;
  if (m === 'any') return true;
  return child.gfn === gfn && (m === 'gfn' || child.roleWord === roleWord(role));
}

/**
 * __link_shadow_page over a present entry: before 0cb2af2ea66a (7.1) only a huge leaf could be
 * there (drop_large_spte, a ranged flush if asked); since, a link to another child can be too,
 * and either is zapped (mmu_page_zap_pte) with a flush of the whole VM. Then the link and
 * parent_ptes.
 */
export function linkShadowPage(
  vm: Kvm,
  cache: KvmMmuMemoryCache,
  sp: KvmMmuPage,
  i: number,
  child: KvmMmuPage,
  flush: boolean,
): void {
  const f = spteFlags(vm, sp, i);
  if (isPresent(f)) {
    const zapsAll = vm.opts.splitLinkZapsAndFlushesAll;
    if (isLastSpte(f, sp.level))
      dropLeaf(vm, sp, i, zapsAll ? 'link_shadow_page' : 'drop_large_spte');
    else dropParentPte(vm, vm.pages[spteTarget(vm, sp, i)]!, sp, i, 'link_shadow_page');
    if (zapsAll) flushAll(vm, 'link_shadow_page');
    else if (flush) flushGfn(vm, child.gfn, sp.level, 'drop_large_spte');
  }
  setSpte(vm, sp, i, SPTE_LINK_FLAGS, child.id, child.gfn, 'link_shadow_page');
  vm.rec?.push({ k: 'link', fn: 'link_shadow_page', page: sp.id, index: i, child: child.id });
  addParentPte(vm, cache, child, sp, i);
}

/**
 * mmu_set_spte: replace a link by a huge leaf (drop_parent_pte), or a leaf of another pfn
 * (drop_spte), flushing either way; a leaf not rmapped before is rmap_added.
 */
export function mmuSetSpte(
  vm: Kvm,
  cache: KvmMmuMemoryCache,
  sp: KvmMmuPage,
  i: number,
  gfn: number,
  /** The SPTE, and the guest's access it grants (shadowed_translation keeps it); default: the SPTE's. */
  leaf: { flags: number; pfn: number; access?: number },
): void {
  const level = sp.level;
  const old = spteFlags(vm, sp, i);
  const pfn = leaf.pfn;
  let wasRmapped = false;
  let flush = false;
  if (isPresent(old)) {
    if (level > 1 && !(old & SPTE_HUGE)) {
      dropParentPte(vm, vm.pages[spteTarget(vm, sp, i)]!, sp, i, 'mmu_set_spte');
      flush = true;
    } else if (spteTarget(vm, sp, i) !== pfn) {
      dropLeaf(vm, sp, i, 'mmu_set_spte');
      flush = true;
    } else wasRmapped = true;
  }
  setSpte(vm, sp, i, leaf.flags, pfn, gfn, 'mmu_set_spte');
  // rmap_add's kvm_mmu_page_set_translation, or kvm_mmu_page_set_access when already rmapped.
  kvmMmuPageSetAccess(vm, sp, i, leaf.access ?? spteAccess(leaf.flags));
  if (!wasRmapped) vm.stats.leafSptesSet++;
  if (flush) flushGfn(vm, gfn, level, 'mmu_set_spte');
  if (!wasRmapped) rmapAdd(vm, cache, sp, i, gfn);
}

/**
 * The guest clears one of its PTEs. Its page table is write-protected (it is shadowed), so the
 * write traps and is emulated, and kvm_mmu_track_write zaps the SPTE shadowing that entry in
 * every shadow page of the table's gfn (mmu_page_zap_pte), then flushes. Returns SPTEs dropped.
 */
export function guestPteClear(
  vm: Kvm,
  guest: GuestTables,
  kind: 'shadow' | 'nested',
  as: number,
  gva: number,
): number {
  const table = guest.peek(`${kind}:${as}`, 1, gva);
  if (table === undefined) return 0;
  const i = spteIndex(gva, 1);
  let dropped = 0;
  for (const sp of vm.pagesOfGfn(table)) {
    if (sp.role.direct || sp.level !== 1 || sp.role.guestMode !== (kind === 'nested')) continue;
    if (!isPresent(spteFlags(vm, sp, i))) continue;
    dropLeaf(vm, sp, i, 'mmu_set_spte');
    dropped++;
  }
  if (dropped) flushAll(vm, 'kvm_flush_remote_tlbs');
  return dropped;
}
