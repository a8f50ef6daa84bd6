/**
 * The shadow MMU's pages in a trace: `kvm_mmu_get_page` (looked up or built, with the printed
 * role; the unprinted bits take the values their context implies, and where it is linked is
 * inferred from the fault in progress), `kvm_mmu_prepare_zap_page` (roots stay counted until
 * their printed "invalid" zap), `kvm_mmu_sync_page` and `kvm_mmu_unsync_page`.
 */
import type { MmuFn } from '../../model/mmuEvents';
import { sptepOf, type KvmMmuPage } from '../../model/mmuPage';
import { makeRole, type KvmMmuPageRole } from '../../model/mmuPageRole';
import {
  allocShadowPage,
  linkShadowPage,
  noteShadowPageLookup,
  reuseShadowPage,
  vcpuPageCaches,
} from '../../model/pageTable';
import { pagesPerEntry, spteIndex } from '../../model/spte';
import type { Kvm } from '../../model/vm';
import { kvmUnlinkUnsyncPage, kvmUnsyncPage } from '../../model/unsync';
import { prepareZapPage, putInvalidRoot } from '../../model/zap';
import { hex } from '../../model/hex';
import type { FaultContext, PrintedPage } from './kernelEvents';
import {
  contradict,
  ensureMemslot,
  enterFault,
  forgetPage,
  freePages,
  infer,
  type Replay,
} from './replayState';
import { findPrinted, samePrinted } from './printedPages';
import { childrenOf, noteZapFollowers, placeUnnamed, pluginAdDisabled } from './pluginPages';
import { shadowSplitChild, shadowSplitSource } from './shadowSplit';
import { tdpMmuGetPage, tdpMmuZap } from './tdpMmu';

/** The role the model gives a printed page: the bits not printed take the values their context implies. */
function roleOf(vm: Kvm, p: PrintedPage, parent: KvmMmuPage | null): KvmMmuPageRole {
  // With TDP on, a page with guest PTEs shadows L1's NPT/EPT (guest_mode); a direct page under
  // one inherits it (kvm_mmu_child_role).
  const guestMode = vm.opts.tdp && (!p.direct || (parent?.role.guestMode ?? false));
  return makeRole({
    level: p.level,
    has4ByteGpte: p.has4ByteGpte,
    quadrant: p.quadrant,
    direct: p.direct,
    access: p.access,
    eferNx: p.eferNx,
    adDisabled: p.adDisabled,
    guestMode,
  });
}

/**
 * Where a page got inside a fault is linked: the page the same fault got one level up, else the
 * page shadowing the guest table the walk read one level up, else (a direct map) the direct page
 * covering its gfn one level up. The index is the faulting address's at that level.
 */
function shadowParent(
  x: Replay,
  p: PrintedPage,
  fault: FaultContext,
): { sp: KvmMmuPage; index: number; how: string } | null {
  const vm = x.vm;
  const up = p.level + 1;
  const va = fault.tables.length > 0 ? fault.page : p.gfn;
  const index = spteIndex(va, up);
  const prev = vm.pages[x.r.faultPages[up] ?? -1];
  if (prev && !prev.zapped && !prev.tdpMmuPage)
    return { sp: prev, index, how: 'the page this fault got one level up' };
  const table = fault.tables[up];
  const pick = (want: (sp: KvmMmuPage) => boolean): KvmMmuPage | undefined => {
    let best: KvmMmuPage | undefined;
    for (const sp of vm.livePages()) {
      if (sp.zapped || sp.tdpMmuPage || sp.level !== up || !want(sp)) continue;
      const flags = sp.role.eferNx === p.eferNx && sp.role.adDisabled === p.adDisabled;
      const bestFlags =
        best && best.role.eferNx === p.eferNx && best.role.adDisabled === p.adDisabled;
      if (
        !best ||
        (flags && !bestFlags) ||
        (flags === bestFlags && sp.createdAtOp > best.createdAtOp)
      )
        best = sp;
    }
    return best;
  };
  if (table !== undefined && table >= 0) {
    const sp = pick((s) => !s.role.direct && s.gfn === table);
    if (sp)
      return { sp, index, how: `the page shadowing guest table gfn ${hex(table)} (the walk)` };
  }
  if (fault.tables.length > 0 && table === undefined) {
    // The walk starts at the guest's CR3, which it does not print: the root shadowing it.
    const sp = pick((s) => !s.role.direct && s.rootCount > 0);
    if (sp) return { sp, index, how: 'the root (the walk starts at the guest CR3 it shadows)' };
  }
  const base = p.gfn - (p.gfn % pagesPerEntry(up + 1));
  const sp = pick((s) => s.role.direct && s.gfn === base);
  return sp ? { sp, index, how: `the direct page for gfn ${hex(base)} one level up` } : null;
}

export function getPage(
  x: Replay,
  p: PrintedPage,
  created: boolean,
  fault: FaultContext | null,
): string {
  const { vm, r } = x;
  const what = `gfn ${hex(p.gfn)} level ${p.level}`;
  if (!fault) r.faultSeq = -1;
  if (p.pluginText) r.pluginSeen = true;
  if (!fault) {
    const huge = shadowSplitSource(x, p);
    if (huge) return shadowSplitChild(x, p, created, huge);
  }
  const parent = fault ? shadowParent(x, p, fault) : null;
  if (p.pluginText)
    p = { ...p, adDisabled: pluginAdDisabled(x, parent?.sp ?? null, 'kvm_mmu_get_shadow_page') };
  if (vm.opts.tdpMmu && p.direct && !(parent?.sp.role.guestMode ?? false))
    return tdpMmuGetPage(x, p, created, fault);
  enterFault(x, fault, 'kvm_mmu_get_shadow_page');
  ensureMemslot(x, p.gfn, 'kvm_mmu_get_shadow_page');
  let sp = findPrinted(vm, p);
  if (created && sp) {
    // The printed role leaves bits out: a page equal in what is printed may differ in the rest.
    infer(
      x,
      'kvm_mmu_get_shadow_page',
      'role',
      `a page like page ${sp.id} exists; the new one differs in role bits the trace does not print`,
    );
    sp = undefined;
  }
  if (!created && !sp)
    contradict(
      x,
      'kvm_mmu_get_shadow_page',
      `"existing" lookup of ${what}, but the model has no such page`,
    );
  noteShadowPageLookup(vm, p.gfn, created ? null : (sp ?? null));
  if (created || !sp) {
    sp = allocShadowPage(
      vm,
      vcpuPageCaches(vm.vcpus[0]!),
      p.gfn,
      roleOf(vm, p, parent?.sp ?? null),
    );
    r.pages.created += created ? 1 : 0;
  } else {
    reuseShadowPage(vm, sp);
    r.pages.reused++;
  }
  sp.rootCount = p.rootCount;
  printedUnsync(x, sp, p.unsync);
  if (!fault) {
    sp.rootCount++;
    infer(
      x,
      'mmu_alloc_root',
      'root',
      `page ${sp.id} is a root: got outside any fault (kvm_mmu_load), root_count ${sp.rootCount}`,
    );
    return `${created ? 'new' : 'existing'} root page ${sp.id}: ${what}`;
  }
  r.faultPages[p.level] = sp.id;
  if (!parent) {
    infer(
      x,
      'link_shadow_page',
      'link',
      `no page one level up is known to hold page ${sp.id}: left unlinked`,
    );
    return `${created ? 'new' : 'existing'} page ${sp.id}: ${what} (parent unknown)`;
  }
  infer(
    x,
    'link_shadow_page',
    'link',
    `page ${parent.sp.id}[${parent.index}] links page ${sp.id}: ${parent.how}`,
  );
  linkShadowPage(vm, vm.vcpus[0]!.caches.pteListDesc, parent.sp, parent.index, sp, true);
  r.inferredLinks.add(sptepOf(parent.sp.id, parent.index));
  return `${created ? 'new' : 'existing'} page ${sp.id}: ${what}, linked from page ${parent.sp.id}[${parent.index}]`;
}

export function prepareZap(x: Replay, p: PrintedPage): string {
  const { vm, r } = x;
  const unnamed = Number.isNaN(p.gfn);
  let what = unnamed ? `level ${p.level} (no gfn printed)` : `gfn ${hex(p.gfn)} level ${p.level}`;
  const fn = 'kvm_mmu_prepare_zap_page';
  gfnTold(x, p, fn);
  if (p.invalid) {
    // The last root_count of a zapped root is put: the page is freed now (kvm_mmu_free_roots).
    const sp = unnamed ? placeUnnamed(x, p, true, fn) : findPrinted(vm, p, true);
    if (!sp && unnamed) return `zap of invalid page ${what}: not replayed`;
    if (!sp) {
      contradict(
        x,
        'kvm_mmu_prepare_zap_page',
        `zap of invalid page ${what}: the model holds no invalid root like it`,
      );
      return `zap of unknown invalid page ${what}`;
    }
    what = `gfn ${hex(sp.gfn)} level ${p.level}`;
    if (sp.tdpMmuPage) {
      vm.rec?.push({ k: 'zapPage', fn: 'kvm_mmu_prepare_zap_page', page: sp.id });
      freePages(x, [sp]);
    } else {
      putInvalidRoot(vm, sp);
      forgetPage(r, sp.id);
    }
    return `invalid root page ${sp.id} (${what}) freed: its last root_count is gone`;
  }
  const sp = unnamed ? placeUnnamed(x, p, false, fn) : findPrinted(vm, p);
  if (!sp) {
    if (unnamed) return `zap of ${what}: not replayed`;
    contradict(x, 'kvm_mmu_prepare_zap_page', `zap of ${what}, a page the model does not have`);
    return `zap of unknown page ${what}`;
  }
  what = `gfn ${hex(sp.gfn)} level ${p.level}`;
  r.pages.zapped++;
  r.lastZapped = unnamed ? { ...p, gfn: sp.gfn } : p;
  if (r.tdpUnlinked === sp.id) r.tdpUnlinked = -1;
  if (sp.tdpMmuPage) return tdpMmuZap(x, sp);
  sp.rootCount = p.rootCount;
  printedUnsync(x, sp, p.unsync);
  const invalid: KvmMmuPage[] = [];
  // What the kernel zaps within this zap, for the kvm plugin's gfn-less lines that follow.
  const kids = r.pluginSeen ? childrenOf(x, sp) : null;
  prepareZapPage(vm, sp, invalid, 'kvm_mmu_prepare_zap_page', { cascade: false, rootsStay: true });
  if (kids) noteZapFollowers(x, sp, kids.children, kids.unsync);
  freePages(x, invalid);
  return sp.rootCount > 0
    ? `page ${sp.id} (${what}) zapped; root_count ${sp.rootCount} keeps it until its vCPUs put it`
    : `page ${sp.id} (${what}) zapped and freed`;
}

export function syncState(x: Replay, p: PrintedPage, unsync: boolean): string {
  const { vm, r } = x;
  const unnamed = Number.isNaN(p.gfn);
  let what = unnamed ? `level ${p.level} (no gfn printed)` : `gfn ${hex(p.gfn)} level ${p.level}`;
  const fn: MmuFn = unsync ? 'kvm_unsync_page' : 'kvm_sync_page';
  gfnTold(x, p, fn);
  const z = r.lastZapped;
  if (!unsync && z && (unnamed || z.gfn === p.gfn) && samePrinted(z, p, !p.pluginText)) {
    if (unnamed) what = `gfn ${hex(z.gfn)} level ${p.level}`;
    vm.rec?.push({
      k: 'note',
      fn: 'kvm_mmu_prepare_zap_page',
      text: `kvm_unlink_unsync_page of the page just zapped (${what})`,
    });
    return `sync_page of ${what} inside its zap`;
  }
  const sp = unnamed ? placeUnnamed(x, p, false, fn) : findPrinted(vm, p);
  if (!sp && unnamed) return `${unsync ? 'unsync' : 'sync'} of ${what}: not replayed`;
  if (unnamed && sp) what = `gfn ${hex(sp.gfn)} level ${p.level}`;
  if (!sp) {
    contradict(x, fn, `${unsync ? 'unsync' : 'sync'} of ${what}, a page the model does not have`);
    return `${unsync ? 'unsync' : 'sync'} of unknown page ${what}`;
  }
  printedUnsync(x, sp, unsync);
  sp.rootCount = p.rootCount;
  vm.rec?.push({
    k: 'note',
    fn,
    text: `page ${sp.id} (${what}) is now ${unsync ? 'unsync' : 'sync'}`,
  });
  if (!unsync)
    infer(
      x,
      fn,
      'sync',
      `FNAME(sync_page) re-read page ${sp.id}'s guest PTEs (not traced): SPTEs it dropped stay in the model until an event overwrites or zaps them`,
    );
  return `page ${sp.id} (${what}) ${unsync ? 'unsync' : 'synced'}`;
}

/** The unsync state a page is printed with, reached the kernel's way (kvm->stat.mmu_unsync follows). */
function printedUnsync(x: Replay, sp: KvmMmuPage, unsync: boolean): void {
  if (unsync) {
    kvmUnsyncPage(x.vm, sp);
    x.r.syncedUnseen.add(sp.id);
  } else kvmUnlinkUnsyncPage(x.vm, sp);
}

/** A kvm plugin line's gfn, told by the event after it (kernelEventsOf.ts): an inference. */
function gfnTold(x: Replay, p: PrintedPage, fn: MmuFn): void {
  if (p.gfnFrom === undefined) return;
  const by =
    fn === 'kvm_unsync_page'
      ? 'the SPTE kvm_mmu_set_spte writes next (mmu_try_to_unsync_pages runs for its gfn)'
      : "the first entry handle_removed_pt freezes next (the table's own gfn)";
  infer(
    x,
    fn,
    'plugin',
    `the kvm plugin printed no gfn: gfn ${hex(p.gfn)} is that of line ${p.gfnFrom}, ${by}`,
  );
}
