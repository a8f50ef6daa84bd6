/**
 * struct kvm_lpage_info (x86.c, mmu.c): per memslot and huge level, how many reasons forbid a
 * huge mapping of each 2 MiB / 1 GiB range. A range the memslot covers only in part is forbidden
 * for good (kvm_alloc_memslot_metadata); a shadowed guest table adds one
 * (kvm_mmu_gfn_disallow_lpage) until its page is zapped (kvm_mmu_gfn_allow_lpage).
 */
import { KVM_MAX_HUGEPAGE_LEVEL, PG_LEVEL_4K, pagesPerEntry } from './spte';
import type { Kvm } from './vm';

/** The key of the huge range holding gfn at level: its first gfn, per level. */
function rangeKey(gfn: number, level: number): number {
  const size = pagesPerEntry(level);
  return (gfn - (gfn % size)) * 4 + level;
}

/** kvm_mmu_gfn_disallow_lpage (delta 1) / kvm_mmu_gfn_allow_lpage (delta -1): every huge level. */
export function kvmMmuGfnDisallowLpage(vm: Kvm, gfn: number, delta: 1 | -1): void {
  for (let level = PG_LEVEL_4K + 1; level <= KVM_MAX_HUGEPAGE_LEVEL; level++) {
    const key = rangeKey(gfn, level);
    const n = (vm.lpageDisallowed.get(key) ?? 0) + delta;
    if (n > 0) vm.lpageDisallowed.set(key, n);
    else vm.lpageDisallowed.delete(key);
  }
}

/** __kvm_mmu_max_mapping_level's lpage_info part: the largest level up to `maxLevel` allowed at gfn. */
export function kvmMmuMaxMappingLevel(vm: Kvm, gfn: number, maxLevel: number): number {
  const slot = vm.memslotOf(gfn);
  for (let level = Math.min(maxLevel, KVM_MAX_HUGEPAGE_LEVEL); level > PG_LEVEL_4K; level--) {
    const size = pagesPerEntry(level);
    const start = gfn - (gfn % size);
    const inSlot = slot && start >= slot.baseGfn && start + size <= slot.baseGfn + slot.npages;
    if (inSlot && !vm.lpageDisallowed.has(rangeKey(gfn, level))) return level;
  }
  return PG_LEVEL_4K;
}
