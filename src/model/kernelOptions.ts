/**
 * The kernel behaviours that changed over the years, one switch each (spec §1–§6). A kernel
 * version sets them all; a scenario may override any one.
 */
import type { PteListVariantName } from './pteListVariant';

export interface KernelOptions {
  /** The rmap list era. */
  rmap: PteListVariantName;
  /** split_desc_cache capacity: 553 (b9b71f43683a, every release) or 2 x 513 (June 2022 series). */
  splitDescCapacity: 'min+40' | '2xmin';
  /** Before v2.6.36 (2032a93d66fa) direct pages also had the `gfns` page. */
  gfnsForDirectPages: boolean;
  /** 2024: shadowed_translation only for indirect pages of level 1-3. */
  translationOnlyLevels1to3: boolean;
  /** TDP (EPT/NPT) on: KVM's own tables map guest physical memory. Off: shadow paging. */
  tdp: boolean;
  /** The TDP MMU (tdp_mmu=1): its pages have no rmaps and no parent_ptes. */
  tdpMmu: boolean;
  /** Root level of KVM's tables: 4, or 5 with LA57 / 5-level NPT. */
  rootLevel: 4 | 5;
  /** Eager page splitting of nested MMU pages exists (6.0+). */
  eagerSplitNested: boolean;
  /**
   * __link_shadow_page over a present entry (a fault's or a split's): drop the huge SPTE with a
   * ranged flush, or (0cb2af2ea66a, 7.1) zap whatever is there and flush the VM.
   */
  splitLinkZapsAndFlushesAll: boolean;
  /** mmu_shrink_scan: oldest page one at a time (< 5.9), a batch (5.9–6.12), the 2024 proposal, or none (6.13+). */
  shrinker: 'zap-oldest-one' | 'zap-oldest-batch' | 'free-vcpu-caches' | 'none';
  /** RMAP_RECYCLE_THRESHOLD. */
  rmapRecycleThreshold: number;
  /** SHADOW_NONPRESENT_VALUE has bit 63 (6.10+). */
  nonPresentBit63: boolean;
  /**
   * add's return value leaves out the full last descriptor when it appends one (before v5.10,
   * c6c4f961cb87). Null: the era's own default (the golden traces' kernels).
   */
  addReturnLegacy: boolean | null;
  /** kvm_rmap_head.val has KVM_RMAP_LOCKED, bit 1 (6.15+): drawn, held only inside one op. */
  rmapLockBit: boolean;
  /** role.access has ACC_READ_MASK, 4 bits printed "rwux" (7.2+): KVM_MMU_PAGE_PRINTK's access_str[]. */
  roleAccessHasRead: boolean;
  /** Dirty logging off: kvm_tdp_mmu_recover_huge_pages makes huge SPTEs in place (6.13+), no zap and refault. */
  tdpMmuRecoverHugePagesInPlace: boolean;
  /** mmu_set_spte skips trace_kvm_mmu_set_spte when the new SPTE equals the old one (5.16+). */
  setSpteSkipsUnchanged: boolean;
  /**
   * The vCPU page caches: 'mmu_page_cache' (before 5.9: spt and gfns from one cache, minimums
   * 16/8/4, every cache topped up), 'mmu_gfn_array_cache' (5.9: a cache of its own for gfns,
   * filled only for faults that may be indirect), 'mmu_shadowed_info_cache' (6.0, 6a97575d5cff).
   */
  vcpuCaches: 'mmu_page_cache' | 'mmu_gfn_array_cache' | 'mmu_shadowed_info_cache';
  /**
   * kvm_mmu_zap_oldest_mmu_pages' victims: the list tail even when it is a root, stopping at a
   * zap that counts nothing (before 5.9); every non-root page from the newest (5.9, 6b82ef2c9cf1);
   * from the oldest (5.12, 8fc517267fb2).
   */
  zapOldest: 'tail-even-root' | 'newest-first' | 'oldest-first';
  /** A TDP MMU fault still calls make_mmu_pages_available (5.10–6.0; skipped from 6.1, 47b0c2e4c220). */
  tdpMmuFaultMakesPagesAvailable: boolean;
  /** A TDP MMU fault meeting a huge leaf splits it in place (6.2, c4b33d28ea51); before, it zapped it. */
  tdpMmuFaultSplitsHugePage: boolean;
  /** Ranged TLB flushes exist (5.0, c3134ce240ee); before, every flush was kvm_flush_remote_tlbs. */
  rangedTlbFlush: boolean;
  /**
   * kvm_mmu_get_child_sp follows a present link as it is ('any', before 7.1), only to a child of
   * the same gfn ('gfn', 0cb2af2ea66a, 7.1), or of the same gfn and role ('gfn-role', 81ccda30b4e8, 7.2).
   */
  childSpMatch: 'any' | 'gfn' | 'gfn-role';
  /** The function that zaps a whole rmap: kvm_zap_rmapp (< 5.15), pte_list_destroy (5.15), kvm_zap_all_rmap_sptes (6.0). */
  rmapZapName: 'kvm_zap_rmapp' | 'pte_list_destroy' | 'kvm_zap_all_rmap_sptes';
  /** What a corrupt rmap hits in pte_list_remove: BUG() (< 6.6), KVM_BUG_ON_DATA_CORRUPTION (6.6, 52e322eda3d4). */
  rmapCorruption: 'BUG' | 'KVM_BUG_ON_DATA_CORRUPTION';
}

/**
 * Whether the TDP MMU is in use: tdp_mmu=Y asks for it, but it needs TDP. Before 6.3
 * kvm_mmu_init_tdp_mmu() returned early when TDP was off (the parameter still read Y); from 6.3
 * kvm_configure_mmu() sets tdp_mmu_enabled = tdp_mmu_allowed && tdp_enabled.
 */
export function tdpMmuInEffect(o: Pick<KernelOptions, 'tdp' | 'tdpMmu'>): boolean {
  return o.tdpMmu && o.tdp;
}

export const DEFAULT_KERNEL_OPTIONS: Readonly<KernelOptions> = {
  rmap: 'tail_count',
  splitDescCapacity: 'min+40',
  gfnsForDirectPages: false,
  translationOnlyLevels1to3: false,
  tdp: true,
  tdpMmu: true,
  rootLevel: 4,
  eagerSplitNested: true,
  splitLinkZapsAndFlushesAll: false,
  shrinker: 'zap-oldest-batch',
  rmapRecycleThreshold: 1000,
  nonPresentBit63: false,
  addReturnLegacy: null,
  rmapLockBit: false,
  roleAccessHasRead: true,
  tdpMmuRecoverHugePagesInPlace: true,
  setSpteSkipsUnchanged: true,
  vcpuCaches: 'mmu_shadowed_info_cache',
  zapOldest: 'oldest-first',
  tdpMmuFaultMakesPagesAvailable: false,
  tdpMmuFaultSplitsHugePage: true,
  rangedTlbFlush: true,
  childSpMatch: 'gfn-role',
  rmapZapName: 'kvm_zap_all_rmap_sptes',
  rmapCorruption: 'KVM_BUG_ON_DATA_CORRUPTION',
};
