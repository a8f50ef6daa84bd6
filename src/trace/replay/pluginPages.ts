/**
 * The page a zap or sync event names when trace-cmd report's kvm plugin printed it: the plugin
 * prints the role (by an old layout, which the reader undoes) but no gfn, no mmu_valid_gen and
 * not ad_disabled. Nothing lost is guessed. A page is taken only where what was printed, or the
 * kernel's own path to the event, singles it out:
 *
 * - the printed role bits, level, root_count and sync state match one page the model has;
 * - a TDP MMU zap comes from handle_removed_pt, right after the kvm_tdp_mmu_spte_changed that
 *   unlinked the table: it is that table;
 * - inside a zap, __kvm_mmu_prepare_zap_page zaps the page's unsync children
 *   (mmu_zap_unsync_children) and then, with TDP, its nested children left without a parent
 *   (mmu_page_zap_pte): the next zap is the first of those that matches;
 * - after kvm_mmu_zap_all_fast, kvm_zap_obsolete_pages takes active_mmu_pages from its oldest
 *   end: the next zap is the oldest page that matches.
 *
 * Anywhere else the line is not replayed, and a contradiction at it says so and where every
 * field is (`trace-cmd report -N`, or the trace.dat).
 */
import type { MmuFn } from '../../model/mmuEvents';
import type { KvmMmuPage } from '../../model/mmuPage';
import { childOf } from '../../model/sptes';
import { SPTE_ENT_PER_PAGE } from '../../model/spte';
import { hex } from '../../model/hex';
import type { PrintedPage } from './kernelEvents';
import { samePrinted } from './printedPages';
import { contradict, infer, type Replay } from './replayState';

const WHERE_ALL = '`trace-cmd report -N`, or the trace.dat itself, has every field';

/** Live pages (or invalid roots, for `zapped`) that carry what the plugin printed. */
function candidates(x: Replay, p: PrintedPage, zapped: boolean): KvmMmuPage[] {
  const loose: KvmMmuPage[] = [];
  for (const sp of x.vm.livePages())
    if (sp.zapped === zapped && samePrinted(sp.role, p, false)) loose.push(sp);
  const strict = loose.filter((sp) => sp.rootCount === p.rootCount && sp.unsync === p.unsync);
  return strict.length > 0 ? strict : loose;
}

/**
 * The page a gfn-less event names, or null (after saying so at the line). `fn` is the kernel
 * function the event is replayed as, for the messages.
 */
export function placeUnnamed(
  x: Replay,
  p: PrintedPage,
  zapped: boolean,
  fn: MmuFn,
): KvmMmuPage | null {
  const { r } = x;
  const found = candidates(x, p, zapped);
  const role = `level ${p.level}${p.direct ? ' direct' : ''} root ${p.rootCount} ${p.unsync ? 'unsync' : 'sync'}`;
  const took = (sp: KvmMmuPage, why: string): KvmMmuPage => {
    infer(
      x,
      fn,
      'plugin',
      `page ${sp.id} (gfn ${hex(sp.gfn)}): the kvm plugin printed no gfn; ${why}`,
    );
    return sp;
  };
  if (found.length === 1) return took(found[0]!, `the only page with its role (${role})`);
  const unlinked = x.vm.pages[r.tdpUnlinked];
  if (unlinked && found.includes(unlinked))
    return took(unlinked, 'handle_removed_pt zaps the table the SPTE change before it unlinked');
  for (const id of r.zapFollowers) {
    const sp = x.vm.pages[id];
    if (sp && found.includes(sp))
      return took(
        sp,
        "zapped within its parent's zap (its unsync children, then its nested children left without a parent)",
      );
  }
  const written = p.walkGfn === undefined ? [] : found.filter((sp) => sp.gfn === p.walkGfn);
  if (written.length === 1 && !mayRecycle(x))
    return took(
      written[0]!,
      `inside a fault, kvm_mmu_pte_write and the unprotect path zap the pages of the gfn the guest wrote, ${hex(p.walkGfn!)} by its walk (and the model is far from the page limit, so no page is recycled here)`,
    );
  if (r.obsoleteZaps && !zapped)
    for (let sp = x.vm.oldest; sp; sp = sp.newer)
      if (found.includes(sp))
        return took(sp, 'kvm_zap_obsolete_pages zaps the oldest page of active_mmu_pages first');
  const list = found.map((sp) => `${sp.id} (gfn ${hex(sp.gfn)})`).join(', ');
  contradict(
    x,
    fn,
    found.length === 0
      ? `the kvm plugin's line names no page the model has (${role}; it prints no gfn): not replayed; ${WHERE_ALL}`
      : `the kvm plugin prints no gfn, and ${found.length} pages have this role (${role}): pages ${list}; not replayed; ${WHERE_ALL}`,
  );
  r.unplacedLine = x.line;
  return null;
}

/**
 * The pages the kernel zaps within the zap of `sp`, in its order: its unsync children, then (with
 * TDP) its nested children left without a parent. Taken from `children` (its entries before the
 * zap, in index order) once the zap has unlinked them.
 */
export function noteZapFollowers(
  x: Replay,
  sp: KvmMmuPage,
  children: KvmMmuPage[],
  unsync: Set<number>,
): void {
  const { vm, r } = x;
  const first = children.filter((c) => unsync.has(c.id));
  const orphans = children.filter(
    (c) =>
      !unsync.has(c.id) && vm.opts.tdp && c.role.guestMode && vm.lists.headVal[c.parentPtes] === 0,
  );
  r.zapFollowers = [...first, ...orphans]
    .map((c) => c.id)
    .concat(r.zapFollowers.filter((id) => id !== sp.id));
}

/** A page's children (entries linking a page), in index order, and which of them are unsync. */
export function childrenOf(
  x: Replay,
  sp: KvmMmuPage,
): { children: KvmMmuPage[]; unsync: Set<number> } {
  const children: KvmMmuPage[] = [];
  const unsync = new Set<number>();
  for (let i = 0; i < SPTE_ENT_PER_PAGE && sp.present > 0; i++) {
    const c = childOf(x.vm, sp, i);
    if (!c || children.includes(c)) continue;
    children.push(c);
    if (c.unsync) unsync.add(c.id);
  }
  return { children, unsync };
}

/**
 * role.ad_disabled of a page the kvm plugin printed (it prints bits 0-15 of the role only). With
 * x86 SPTEs, NPT's and shadow paging's, it is 0 (kvm_ad_enabled: shadow_accessed_mask is set);
 * with EPT it is the parent's (kvm_mmu_child_role copies it), and a root's is not known.
 */
export function pluginAdDisabled(x: Replay, parent: KvmMmuPage | null, fn: MmuFn): boolean {
  const { r } = x;
  if (!r.pluginSeen) {
    r.pluginSeen = true;
    if (r.spteLayout === 'x86')
      infer(
        x,
        fn,
        'plugin',
        "the kvm plugin's lines print no ad_disabled: 0 on every page, as x86 SPTEs always have A/D bits (kvm_ad_enabled)",
      );
  }
  if (r.spteLayout === 'x86') return false;
  if (parent) return parent.role.adDisabled;
  infer(
    x,
    fn,
    'plugin',
    `the kvm plugin printed no ad_disabled for this EPT root: taken as 0 (ept_ad=1); ${WHERE_ALL}`,
  );
  return false;
}

/**
 * make_mmu_pages_available recycles the oldest pages only when fewer than KVM_MIN_FREE_MMU_PAGES
 * (5) are left below the limit; a page of any gfn may go then.
 */
function mayRecycle(x: Replay): boolean {
  return x.vm.nMaxMmuPages - x.vm.nUsedMmuPages <= 5 + 1;
}
