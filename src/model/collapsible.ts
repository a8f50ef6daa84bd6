/**
 * Dirty logging turned off (kvm_mmu_slot_apply_flags -> kvm_mmu_zap_collapsible_sptes, later
 * kvm_mmu_recover_huge_pages): the shadow MMU zaps every direct leaf mapped below the level its
 * gfn could be mapped at, so the next fault maps it huge again (kvm_rmap_zap_collapsible_sptes).
 * Indirect pages follow the guest's own tables and stay. No tracepoint marks these zaps.
 */
import { sptepIndex, sptepPage } from './mmuPage';
import { rmapSptes } from './rmap';
import { dropLeaf } from './sptes';
import { KVM_MAX_HUGEPAGE_LEVEL } from './spte';
import type { Kvm, Memslot } from './vm';

/**
 * kvm_rmap_zap_collapsible_sptes over one memslot; `maxMappingLevel(gfn)` is
 * kvm_mmu_max_mapping_level (the host's mapping and the slot's lpage_info decide it). Returns the
 * leaves zapped, or with `dryRun` the leaves it would zap.
 */
export function kvmRmapZapCollapsibleSptes(
  vm: Kvm,
  slot: Memslot,
  maxMappingLevel: (gfn: number) => number,
  dryRun = false,
): number {
  let zapped = 0;
  // KVM_MAX_HUGEPAGE_LEVEL - 1: a leaf at the top huge level cannot grow.
  for (let level = 1; level < KVM_MAX_HUGEPAGE_LEVEL; level++) {
    const base = slot.rmapBase[level - 1]!;
    for (let k = 0; k < slot.rmapLen[level - 1]!; k++) {
      if (vm.lists.headVal[base + k] === 0) continue;
      for (const sptep of rmapSptes(vm.lists, base + k)) {
        const sp = vm.pages[sptepPage(sptep)]!;
        if (!sp.role.direct || sp.tdpMmuPage || sp.level >= maxMappingLevel(sp.gfn)) continue;
        zapped++;
        if (!dryRun) dropLeaf(vm, sp, sptepIndex(sptep), 'kvm_mmu_zap_collapsible_sptes');
      }
    }
  }
  return zapped;
}
