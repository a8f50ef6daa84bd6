/**
 * KVM's own statistics, as KVM_GET_STATS_FD and /sys/kernel/debug/kvm/<vm>/ name them: the ones
 * the MMU changes (struct kvm_vm_stat, arch/x86/include/asm/kvm_host.h), each changed where the
 * kernel changes it. Instant values (pages_*, mmu_unsync, mmu_shadow_pages) go up and down; the
 * rest only grow; the max_* ones are peaks. The vCPU's page-fault counters are in KvmVcpuStat.
 */

export interface KvmVmStat {
  /** kvm_update_page_stats(): a leaf made present (+1) or not (-1): __rmap_add / mmu_spte_clear_track_bits, handle_changed_spte (TDP MMU). */
  pages_4k: number;
  pages_2m: number;
  pages_1g: number;
  /** __kvm_mmu_prepare_zap_page(): every shadow-MMU page zapped, an invalid root's last put included. */
  mmu_shadow_zapped: number;
  /** kvm_mmu_zap_oldest_mmu_pages(): pages zapped to make room (make_mmu_pages_available, the shrinker). */
  mmu_recycled: number;
  /** kvm_mmu_find_shadow_page(): a lookup that found no page. */
  mmu_cache_miss: number;
  /** kvm_unsync_page() (+1), kvm_unlink_unsync_page() (-1). */
  mmu_unsync: number;
  /** __rmap_add(): the largest pte_list_add() return, the entries an rmap had before an add. */
  max_mmu_rmap_size: number;
  /** kvm_mmu_find_shadow_page(): the most pages of other gfns passed in one mmu_page_hash bucket. */
  max_mmu_page_hash_collisions: number;
}

export function newVmStat(): KvmVmStat {
  return {
    pages_4k: 0,
    pages_2m: 0,
    pages_1g: 0,
    mmu_shadow_zapped: 0,
    mmu_recycled: 0,
    mmu_cache_miss: 0,
    mmu_unsync: 0,
    max_mmu_rmap_size: 0,
    max_mmu_page_hash_collisions: 0,
  };
}

/** The pages_* statistic of a leaf at `level` (1: 4K, 2: 2M, 3: 1G). */
export function pagesStatOf(level: number): 'pages_4k' | 'pages_2m' | 'pages_1g' {
  return level === 1 ? 'pages_4k' : level === 2 ? 'pages_2m' : 'pages_1g';
}

/** The level whose leaves a pages_* statistic counts, or 0 for any other name. */
export function levelOfPagesStat(name: string): number {
  return [1, 2, 3].find((level) => pagesStatOf(level) === name) ?? 0;
}

/**
 * Every VM statistic the model keeps, by name: kvm->stat, and mmu_shadow_pages (7.x), which is
 * n_used_mmu_pages (kvm_mod_used_mmu_pages()).
 */
export function kvmVmStatValues(vm: {
  stat: KvmVmStat;
  nUsedMmuPages: number;
}): Record<string, number> {
  return { ...vm.stat, mmu_shadow_pages: vm.nUsedMmuPages };
}

/** VM statistics KVM keeps that the model does not, and why (shown as "not modelled"). */
export const VM_STATS_NOT_MODELLED: Record<string, string> = {
  remote_tlb_flush:
    'kvm_flush_remote_tlbs() counts it only when a vCPU had to be kicked: the model has no running vCPUs',
  remote_tlb_flush_requests:
    'kvm_flush_remote_tlbs() is not traced, and the model does not make every flush the kernel makes',
  mmu_pte_write:
    'kvm_mmu_track_write() counts guest writes the emulator makes to a shadowed page table: the model has no emulator, and no tracepoint records those writes',
  mmu_pde_zapped:
    'kvm_mmu_track_write() (emulated writes to shadowed page tables): not modelled, not traced',
  mmu_flooded: 'kvm_mmu_track_write() (write flooding detection): not modelled, not traced',
  nx_lpage_splits: 'the NX huge page mitigation (nx_huge_pages) is not modelled',
};
