/**
 * The TDP MMU's side of a trace replay. Its pages are traced as they are built
 * (kvm_mmu_get_page) and zapped (kvm_mmu_prepare_zap_page, from handle_removed_pt), every SPTE
 * change as kvm_tdp_mmu_spte_changed, so its tree follows from the trace: a new link's pfn is the
 * child's frame. Not traced: the root's address space, the 512 entries a split writes before
 * linking, and the freeing of a root (RCU): those are inferred, or said to be unknown.
 */
import type { FaultContext, KernelEvent, PrintedPage, Spte64 } from './kernelEvents';
import { spteIsLarge, spteIsPresent, sptePfn } from './kernelEvents';
import type { KvmMmuPage } from '../../model/mmuPage';
import { makeRole } from '../../model/mmuPageRole';
import { mmuTopupMemoryCaches, vcpuPageCaches } from '../../model/pageTable';
import { fillSplitTable, tdpMmuAllocSp } from '../../model/tdpMmu';
import { childOf, clearSpte, setSpte, spteFlags } from '../../model/sptes';
import {
  isLastSpte,
  isPresent,
  pagesPerEntry,
  spteIndex,
  SPTE_ENT_PER_PAGE,
  SPTE_LINK_FLAGS,
} from '../../model/spte';
import { agree, contradict, freePages, infer, setFrame, type Replay } from './replayState';
import { flagsOfSpte } from './spteBits';
import { pluginAdDisabled } from './pluginPages';
import { hex } from '../../model/hex';

export function tdpMmuGetPage(
  x: Replay,
  p: PrintedPage,
  created: boolean,
  fault: FaultContext | null,
): string {
  const { vm, r } = x;
  if (!created)
    contradict(
      x,
      'kvm_mmu_get_shadow_page',
      `"existing" TDP MMU page gfn ${hex(p.gfn)} level ${p.level}: the TDP MMU never looks pages up`,
    );
  const role = makeRole({
    level: p.level,
    direct: true,
    access: p.access,
    eferNx: p.eferNx,
    adDisabled: p.pluginText ? pluginAdDisabled(x, null, 'tdp_mmu_alloc_sp') : p.adDisabled,
  });
  const root = !fault && !r.tdpPending.length && p.level >= 4;
  const vcpu = vm.vcpus[0]!;
  if (root) {
    // kvm_mmu_load tops up before it allocates the root.
    infer(x, 'mmu_alloc_root', 'topup', 'mmu_topup_memory_caches before the root is allocated');
    mmuTopupMemoryCaches(vm, vcpu, false);
  }
  // A fault's page and a root come from the vCPU's caches; a split's is allocated directly.
  const sp = tdpMmuAllocSp(vm, fault || root ? vcpuPageCaches(vcpu) : null, p.gfn, role);
  r.pages.created++;
  if (root) {
    sp.rootCount = 1;
    r.tdpRoots.set(0, sp.id);
    infer(
      x,
      'mmu_alloc_root',
      'root',
      `TDP MMU page ${sp.id} is address space 0's root (got outside any fault; the trace does not print the address space)`,
    );
    return `TDP MMU root page ${sp.id}`;
  }
  r.tdpPending.push(sp.id);
  return `TDP MMU page ${sp.id}: gfn ${hex(p.gfn)} level ${p.level}, linked by the next SPTE change that points at it`;
}

/** The TDP MMU page holding the SPTE of (as, gfn, level): down from the root, else a table being emptied. */
function tdpPageFor(x: Replay, asId: number, gfn: number, level: number): KvmMmuPage | undefined {
  const { vm, r } = x;
  let sp = vm.pages[r.tdpRoots.get(asId) ?? -1];
  while (sp && sp.level > level) sp = childOf(vm, sp, spteIndex(gfn, sp.level));
  if (sp && sp.level === level) return sp;
  for (const id of r.tdpRemoved) {
    const t = vm.pages[id];
    if (t && t.level === level && gfn >= t.gfn && gfn < t.gfn + pagesPerEntry(level + 1)) return t;
  }
  return undefined;
}

export function replayTdpMmuEvent(
  x: Replay,
  e: Extract<KernelEvent, { ev: 'tdp_spte_changed' | 'split_huge_page' }>,
): string {
  const { vm } = x;
  const sp = tdpPageFor(x, e.ev === 'tdp_spte_changed' ? e.asId : 0, e.gfn, e.level);
  const what = `gfn ${hex(e.gfn)} level ${e.level}`;
  if (!sp) {
    contradict(x, 'handle_changed_spte', `no TDP MMU page on the path to ${what}`);
    return `${e.ev} ${what}: no page`;
  }
  const i = spteIndex(e.gfn, e.level);
  const where = `page ${sp.id}[${i}]`;
  if (e.ev === 'split_huge_page') {
    const linked = childOf(vm, sp, i) !== undefined;
    if (e.errno !== 0)
      vm.rec?.push({
        k: 'note',
        fn: 'tdp_mmu_split_huge_page',
        text: `split of ${what} failed: errno ${e.errno}`,
      });
    else if (linked)
      agree(x, 'tdp_mmu_split_huge_page', `${where} now links a page of 512 smaller SPTEs`);
    else
      contradict(
        x,
        'tdp_mmu_split_huge_page',
        `split of ${what} reported, but ${where} links no page`,
      );
    return `split of ${what}${e.errno ? ` failed (${e.errno})` : ''}`;
  }
  const cur = spteFlags(vm, sp, i);
  if (spteIsPresent(e.old) !== isPresent(cur))
    contradict(
      x,
      'handle_changed_spte',
      `old_spte of ${where} is ${spteIsPresent(e.old) ? 'present' : 'not present'}, the model's is ${isPresent(cur) ? 'present' : 'not'}`,
    );
  const newPresent = spteIsPresent(e.new);
  const newLink = newPresent && e.level > 1 && !spteIsLarge(e.new);
  const oldChild = isPresent(cur) && !isLastSpte(cur, e.level) ? childOf(vm, sp, i) : undefined;
  if (oldChild && !(newLink && x.r.frameOf.get(oldChild.id) === sptePfn(e.new))) {
    clearSpte(vm, sp, i, 'handle_changed_spte'); // handle_removed_pt: the child's zap is traced next
    x.r.tdpUnlinked = oldChild.id;
  }
  if (newLink) return link(x, sp, i, e.gfn, e.level, e.old, e.new);
  if (newPresent) {
    const pfn = sptePfn(e.new);
    if (!isPresent(cur)) vm.stats.leafSptesSet++;
    setSpte(
      vm,
      sp,
      i,
      flagsOfSpte(e.new, e.level, {}, x.r.spteLayout),
      pfn,
      e.gfn,
      'handle_changed_spte',
    );
    return `${where} = pfn ${hex(pfn)} (TDP MMU leaf)`;
  }
  if (isPresent(spteFlags(vm, sp, i))) clearSpte(vm, sp, i, 'handle_changed_spte');
  if (sp.zapped) frozen(x, sp);
  return `${where} ${sp.zapped ? 'frozen' : 'cleared'}`;
}

/** A new link: its pfn names the child (a pending page's frame is learnt here, as a fact). */
function link(
  x: Replay,
  sp: KvmMmuPage,
  i: number,
  gfn: number,
  level: number,
  old: Spte64,
  now: Spte64,
): string {
  const { vm, r } = x;
  const pfn = sptePfn(now);
  let child = vm.pages[r.pageAt.get(pfn) ?? -1];
  if (!child) {
    const at = r.tdpPending.findIndex((id) => vm.pages[id]?.level === level - 1);
    child = at >= 0 ? vm.pages[r.tdpPending[at]!] : undefined;
    if (at >= 0) r.tdpPending.splice(at, 1);
    if (child) setFrame(r, child.id, pfn);
  }
  if (!child) {
    contradict(
      x,
      'handle_changed_spte',
      `page ${sp.id}[${i}] links frame ${hex(pfn)}, but no TDP MMU page was got for it`,
    );
    return `link to unknown frame ${hex(pfn)}`;
  }
  if (spteIsPresent(old) && spteIsLarge(old)) {
    // tdp_mmu_split_huge_page fills the new table before linking it; those writes are not traced.
    const hugeFlags = flagsOfSpte(old, level, {}, x.r.spteLayout);
    fillSplitTable(vm, child, hugeFlags, sptePfn(old), 'tdp_mmu_split_huge_page');
    infer(
      x,
      'tdp_mmu_split_huge_page',
      'split',
      `page ${child.id} was filled with the 512 pieces of the huge SPTE before this link`,
    );
  }
  setSpte(vm, sp, i, SPTE_LINK_FLAGS, child.id, child.gfn, 'handle_changed_spte');
  vm.rec?.push({ k: 'link', fn: 'handle_changed_spte', page: sp.id, index: i, child: child.id });
  return `page ${sp.id}[${i}] → TDP MMU page ${child.id} (frame ${hex(pfn)})`;
}

/**
 * handle_removed_pt: a zapped table's 512 entries are each frozen (traced), then the page is
 * freed by RCU (not traced): the model frees it after its 512th.
 */
export function tdpMmuZap(x: Replay, sp: KvmMmuPage): string {
  sp.zapped = true;
  x.vm.stats.pagesZapped++;
  x.vm.rec?.push({ k: 'zapPage', fn: 'kvm_mmu_prepare_zap_page', page: sp.id });
  x.r.tdpRemoved.push(sp.id);
  x.r.tdpFrozen.set(sp.id, 0);
  return `TDP MMU page ${sp.id} zapped: its 512 entries are frozen next`;
}

/** One more entry of a removed table frozen; the 512th frees it. */
function frozen(x: Replay, sp: KvmMmuPage): void {
  const n = (x.r.tdpFrozen.get(sp.id) ?? 0) + 1;
  x.r.tdpFrozen.set(sp.id, n);
  if (n < SPTE_ENT_PER_PAGE) return;
  x.r.tdpFrozen.delete(sp.id);
  x.r.tdpRemoved = x.r.tdpRemoved.filter((id) => id !== sp.id);
  infer(
    x,
    'kvm_mmu_commit_zap_page',
    'tdp-free',
    `TDP MMU page ${sp.id} freed after its 512 entries were frozen (RCU callback, not traced)`,
  );
  freePages(x, [sp]);
}
