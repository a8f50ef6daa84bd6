/**
 * kvm_mmu_slot_gfn_write_protect: walk a gfn's rmaps (levels minLevel..maxLevel) and clear the
 * writable bit of every leaf there (spte_write_protect), then the TDP MMU's leaves of the gfn
 * (kvm_tdp_mmu_write_protect_gfn). The caller flushes if anything changed.
 */
import { sptepIndex, sptepPage } from './mmuPage';
import { forEachRmapSpte } from './rmap';
import { SPTE_DIRTY, SPTE_WRITABLE } from './spte';
import { entryGfn, setSpte, spteFlags, spteTarget } from './sptes';
import { kvmTdpMmuWriteProtectGfn } from './tdpMmu';
import type { Kvm } from './vm';

export function writeProtectGfn(vm: Kvm, gfn: number, minLevel = 1, maxLevel = 3): number {
  let cleared = 0;
  for (let level = minLevel; level <= maxLevel; level++) {
    const head = vm.gfnToRmap(gfn - (gfn % 512 ** (level - 1)), level);
    if (head < 0 || vm.lists.headVal[head] === 0) continue;
    const sptes: number[] = [];
    forEachRmapSpte(vm.lists, head, (s) => sptes.push(s));
    for (const sptep of sptes) {
      const sp = vm.pages[sptepPage(sptep)]!;
      const i = sptepIndex(sptep);
      const f = spteFlags(vm, sp, i);
      if (!(f & SPTE_WRITABLE)) continue;
      setSpte(
        vm,
        sp,
        i,
        f & ~(SPTE_WRITABLE | SPTE_DIRTY),
        spteTarget(vm, sp, i),
        entryGfn(vm, sp, i),
        'rmap_write_protect',
      );
      cleared++;
    }
  }
  if (vm.opts.tdpMmu) cleared += kvmTdpMmuWriteProtectGfn(vm, gfn);
  vm.rec?.push({ k: 'writeProtect', fn: 'rmap_write_protect', gfn, cleared });
  return cleared;
}
