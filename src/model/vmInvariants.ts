/**
 * Whole-VM consistency: every present leaf of a shadow-MMU page is in the rmap of the gfn it
 * maps, every link is in its child's parent_ptes, the counts add up, and n_used_mmu_pages is the
 * number of shadow-MMU pages. O(pages x 512): for tests and after scenario ops, not hot paths.
 */
import { InvariantError } from './errors';
import { pagesStatOf } from './kvmStats';
import { checkRmapHead } from './invariants';
import { sptepOf } from './mmuPage';
import { forEachRmapSpte } from './rmap';
import { pteListCountQuiet } from './rmapStats';
import { SPTE_ENT_PER_PAGE, isLastSpte, isPresent } from './spte';
import { entryGfn, spteFlags, spteTarget } from './sptes';
import type { Kvm } from './vm';

export function checkVm(vm: Kvm): void {
  // Which head holds each SPTE pointer, from the lists themselves (the VM keeps no owner index).
  const holder = new Map<number, number>();
  const collect = (h: number) => forEachRmapSpte(vm.lists, h, (s) => holder.set(s, h));
  for (const slot of vm.memslots)
    for (let l = 0; l < 3; l++)
      for (let k = 0; k < slot.rmapLen[l]!; k++) collect(slot.rmapBase[l]! + k);
  for (const sp of vm.livePages()) collect(sp.parentPtes);
  let shadowPages = 0;
  let leaves = 0;
  let links = 0;
  let unsync = 0;
  // Present leaves per level, both MMUs: what kvm->stat.pages_4k/2m/1g must say.
  const leavesAt = [0, 0, 0, 0];
  const tdpRoots: number[] = [];
  for (const sp of vm.livePages()) {
    if (!sp.tdpMmuPage) shadowPages++;
    else if (sp.level === vm.opts.rootLevel) tdpRoots.push(sp.id);
    if (sp.unsync) unsync++;
    let present = 0;
    for (let i = 0; i < SPTE_ENT_PER_PAGE; i++) {
      const f = spteFlags(vm, sp, i);
      if (!isPresent(f)) continue;
      present++;
      if (isLastSpte(f, sp.level)) leavesAt[sp.level]!++;
      if (sp.tdpMmuPage) continue;
      const sptep = sptepOf(sp.id, i);
      if (isLastSpte(f, sp.level)) {
        leaves++;
        const head = vm.gfnToRmap(entryGfn(vm, sp, i), sp.level);
        if (holder.get(sptep) !== head)
          fail(
            'leaf-in-rmap',
            `page ${sp.id} entry ${i} is not in the rmap of gfn 0x${entryGfn(vm, sp, i).toString(16)}`,
          );
      } else {
        links++;
        const child = vm.pages[spteTarget(vm, sp, i)];
        if (!child || child.zapped)
          fail('link-to-live-page', `page ${sp.id} entry ${i} links to a freed page`);
        if (holder.get(sptep) !== child.parentPtes)
          fail(
            'link-in-parent_ptes',
            `page ${sp.id} entry ${i} is not in page ${child.id}'s parent_ptes`,
          );
      }
    }
    if (present !== sp.present)
      fail('present-count', `page ${sp.id} counts ${sp.present} present entries, holds ${present}`);
    if (!sp.tdpMmuPage) checkRmapHead(vm.lists, sp.parentPtes);
  }
  if (shadowPages !== vm.nUsedMmuPages)
    fail('n_used_mmu_pages', `${vm.nUsedMmuPages}, but ${shadowPages} shadow-MMU pages live`);
  for (let level = 1; level <= 3; level++)
    if (vm.stat[pagesStatOf(level)] !== leavesAt[level])
      fail(
        pagesStatOf(level),
        `${vm.stat[pagesStatOf(level)]}, but ${leavesAt[level]} present level-${level} leaves`,
      );
  if (vm.stat.mmu_unsync !== unsync)
    fail('mmu_unsync', `${vm.stat.mmu_unsync}, but ${unsync} unsync pages`);
  if (tdpRoots.join() !== vm.tdpMmuRootIds.join())
    fail(
      'tdp_mmu_roots',
      `[${vm.tdpMmuRootIds.join(', ')}], but root-level TDP MMU pages [${tdpRoots.join(', ')}]`,
    );
  let rmapEntries = 0;
  for (const slot of vm.memslots) {
    for (let level = 1; level <= 3; level++) {
      for (let k = 0; k < slot.rmapLen[level - 1]!; k++) {
        const h = slot.rmapBase[level - 1]! + k;
        if (vm.lists.headVal[h] === 0) continue;
        checkRmapHead(vm.lists, h);
        rmapEntries += pteListCountQuiet(vm.lists, h);
      }
    }
  }
  if (rmapEntries !== leaves)
    fail('rmap-entries', `${rmapEntries} rmap entries for ${leaves} present leaves`);
  let parentEntries = 0;
  for (const sp of vm.livePages())
    if (!sp.tdpMmuPage) parentEntries += pteListCountQuiet(vm.lists, sp.parentPtes);
  if (parentEntries !== links)
    fail('parent_ptes-entries', `${parentEntries} parent_ptes entries for ${links} links`);
}

function fail(rule: string, detail: string): never {
  throw new InvariantError(rule, detail);
}
