/**
 * Eager splitting in the shadow MMU while the TDP MMU is on. L1's own memory is in the TDP MMU,
 * but the shadow MMU still holds the nested (guest_mode) pages, and
 * kvm_mmu_slot_try_split_huge_pages() splits those first (kvm_shadow_mmu_try_split_huge_pages),
 * then the TDP MMU's. Per huge SPTE the trace shows, in this order: the child page from
 * shadow_mmu_get_sp_for_split() (`kvm_mmu_get_page`, new or existing, outside any fault), then
 * `kvm_mmu_split_huge_page` (last, from shadow_mmu_try_split_huge_page's `out:`). The 512 small
 * SPTEs, their rmap adds from split_desc_cache, the drop of the huge SPTE and the link are not
 * traced: the model's own shadowMmuSplitHugePage does them, marked inferred. A split that found
 * the caches low prints errno -11 and comes again after the top-up.
 *
 * Which MMU a direct page got outside a fault belongs to follows the kernel's rule: the shadow
 * MMU's split child is the child role of a guest_mode huge SPTE in the rmap of its gfn, in the
 * order the kernel walks that rmap; any other such page is the TDP MMU's.
 */
import { sptepIndex, sptepPage, type KvmMmuPage } from '../../model/mmuPage';
import { rmapSptes } from '../../model/rmap';
import {
  dropLockAndTopup,
  emptySplitReport,
  needTopupSplitCaches,
  shadowMmuSplitHugePage,
  splitChildRole,
} from '../../model/split';
import { entryGfn, spteFlags, spteTarget } from '../../model/sptes';
import { isPresent, KVM_MAX_HUGEPAGE_LEVEL, pagesPerEntry, SPTE_HUGE } from '../../model/spte';
import { hex } from '../../model/hex';
import { sptePfn, type KernelEvent, type PrintedPage } from './kernelEvents';
import { samePrinted } from './printedPages';
import { agree, contradict, infer, type Replay } from './replayState';

interface HugeSpte {
  sp: KvmMmuPage;
  index: number;
}

/** The guest_mode huge SPTEs of the rmap of (gfn, level), in the kernel's walk order. */
function nestedHugeSptes(x: Replay, gfn: number, level: number): HugeSpte[] {
  const { vm } = x;
  // No rmap above KVM_MAX_HUGEPAGE_LEVEL: a root's "parent level" has none. (Asked for one, the
  // model read a head past its rmaps, once a memslot covered gfn 0: a second VM in one trace.)
  if (level > KVM_MAX_HUGEPAGE_LEVEL) return [];
  if (!vm.memslotOf(gfn) || gfn % pagesPerEntry(level) !== 0) return [];
  const head = vm.gfnToRmap(gfn, level);
  if (head < 0) return [];
  const out: HugeSpte[] = [];
  for (const sptep of rmapSptes(vm.lists, head)) {
    const sp = vm.pages[sptepPage(sptep)]!;
    const index = sptepIndex(sptep);
    const f = spteFlags(vm, sp, index);
    // shadow_mmu_try_split_huge_pages skips what is not a nested huge leaf of a sync page.
    if (sp.role.guestMode && isPresent(f) && f & SPTE_HUGE && !sp.unsync && !sp.zapped)
      out.push({ sp, index });
  }
  return out;
}

/** The huge SPTE a split child printed as `p` comes from, or null (a TDP MMU page). */
export function shadowSplitSource(x: Replay, p: PrintedPage): HugeSpte | null {
  if (!x.vm.opts.tdpMmu || !x.vm.opts.eagerSplitNested || !p.direct) return null;
  for (const h of nestedHugeSptes(x, p.gfn, p.level + 1))
    if (samePrinted(splitChildRole(x.vm, h.sp, h.index), p)) return h;
  return null;
}

/** The child page of a shadow MMU split: the model splits the huge SPTE it comes from. */
export function shadowSplitChild(
  x: Replay,
  p: PrintedPage,
  created: boolean,
  huge: HugeSpte,
): string {
  const { vm, r } = x;
  const fn = 'shadow_mmu_split_huge_page';
  const gfn = entryGfn(vm, huge.sp, huge.index);
  if (needTopupSplitCaches(vm))
    contradict(
      x,
      fn,
      `the kernel split gfn ${hex(gfn)} without a top-up, but the model's split caches are below their minimums`,
    );
  const pfn = spteTarget(vm, huge.sp, huge.index);
  const descsBefore = vm.splitDescCache.nobjs;
  const { sp, created: modelCreated } = shadowMmuSplitHugePage(
    vm,
    huge.sp,
    huge.index,
    emptySplitReport(),
  );
  if (modelCreated !== created)
    contradict(
      x,
      'kvm_mmu_get_shadow_page',
      `split child of gfn ${hex(gfn)}: the kernel's lookup says ${created ? 'new' : 'existing'}, the model ${modelCreated ? 'built a new page' : `found page ${sp.id}`}`,
    );
  if (created) r.pages.created++;
  else r.pages.reused++;
  const descs = descsBefore - vm.splitDescCache.nobjs;
  infer(
    x,
    fn,
    'split',
    `page ${huge.sp.id}[${huge.index}]'s huge SPTE split into ${modelCreated ? 'new' : 'existing'} page ${sp.id}: its missing small SPTEs, their rmap adds (${descs} pte_list_desc from split_desc_cache), the drop of the huge SPTE and the link are not traced`,
  );
  r.shadowSplitDone = { gfn, level: huge.sp.level, pfn };
  return `shadow MMU split of gfn ${hex(gfn)} (page ${huge.sp.id}[${huge.index}]) into ${created ? 'new' : 'existing'} page ${sp.id}`;
}

/**
 * kvm_mmu_split_huge_page for a nested huge SPTE: errno 0 confirms the split just replayed,
 * -EAGAIN (-11) is the top-up that comes before one. Null: not the shadow MMU's (the TDP MMU's).
 */
export function shadowSplitEvent(
  x: Replay,
  e: Extract<KernelEvent, { ev: 'split_huge_page' }>,
): string | null {
  const { vm, r } = x;
  const fn = 'shadow_mmu_try_split_huge_page';
  const pfn = sptePfn(e.spte);
  const what = `gfn ${hex(e.gfn)} level ${e.level}`;
  const done = r.shadowSplitDone;
  if (e.errno === 0 && done && done.gfn === e.gfn && done.level === e.level) {
    r.shadowSplitDone = null;
    if (done.pfn === pfn) agree(x, fn, `the model split the same huge SPTE (pfn ${hex(pfn)})`);
    else
      contradict(
        x,
        fn,
        `split of ${what}: the kernel's huge SPTE had pfn ${hex(pfn)}, the model split pfn ${hex(done.pfn)}`,
      );
    return `shadow MMU split of ${what} done`;
  }
  const huge = nestedHugeSptes(x, e.gfn, e.level).find(
    (h) => spteTarget(vm, h.sp, h.index) === pfn,
  );
  if (!huge) return null;
  if (e.errno === -11) {
    // need_topup_split_caches_or_resched(): the caches were low (or the lock was wanted).
    dropLockAndTopup(vm, emptySplitReport());
    return `split of ${what} waits: mmu_lock dropped, split caches topped up (-EAGAIN)`;
  }
  if (e.errno === 0) {
    contradict(x, fn, `the kernel split ${what}, but no split child was got for it first`);
    return `split of ${what}: no child`;
  }
  vm.rec?.push({ k: 'note', fn, text: `split of ${what} failed: errno ${e.errno}` });
  return `split of ${what} failed (${e.errno})`;
}
