/**
 * A vCPU's page-fault statistics (struct kvm_vcpu_stat), as KVM_GET_STATS_FD names them, each
 * changed where the kernel changes it. kvm_mmu_do_page_fault() counts every fault it is handed
 * (pf_taken) and its outcome: RET_PF_FIXED (pf_fixed), RET_PF_EMULATE (pf_emulate),
 * RET_PF_SPURIOUS (pf_spurious); fast_page_fault() counts the faults it settles (pf_fast).
 */

export interface KvmVcpuStat {
  /** kvm_mmu_do_page_fault(): a fault that was not a prefetch. */
  pf_taken: number;
  /** kvm_mmu_do_page_fault(): the fault returned RET_PF_FIXED (fast_page_fault's included). */
  pf_fixed: number;
  /** fast_page_fault(): it returned anything but RET_PF_INVALID (fixed or spurious, no mmu_lock). */
  pf_fast: number;
}

export function newVcpuStat(): KvmVcpuStat {
  return { pf_taken: 0, pf_fixed: 0, pf_fast: 0 };
}

/** vCPU statistics KVM keeps that the model does not, and why (shown as "not modelled"). */
export const VCPU_STATS_NOT_MODELLED: Record<string, string> = {
  pf_emulate:
    'RET_PF_EMULATE: the fault is emulated (MMIO, a write to a shadowed page table); the trace does not say which faults were',
  pf_spurious:
    'RET_PF_SPURIOUS: the SPTE was already right; a trace shows no event for it, so the model cannot tell it from a retried fault',
  pf_mmio_spte_created: 'mark_mmio_spte(): MMIO SPTEs are not modelled',
  pf_guest: 'kvm_inject_page_fault(): faults reflected into the guest are not modelled',
};

/** kvm_mmu_do_page_fault(), entered for a fault that is not a prefetch. */
export function notePageFaultTaken(stat: KvmVcpuStat): void {
  stat.pf_taken++;
}

/** kvm_mmu_do_page_fault(): the fault returned RET_PF_FIXED. */
export function notePageFaultFixed(stat: KvmVcpuStat): void {
  stat.pf_fixed++;
}

/** fast_page_fault() settled the fault without mmu_lock (RET_PF_FIXED or RET_PF_SPURIOUS). */
export function noteFastPageFault(stat: KvmVcpuStat): void {
  stat.pf_fast++;
}
