/**
 * What a trace tells of each fault's outcome, for the vCPU's pf_* statistics. A fault is the
 * window from its kvm_page_fault to the next exit or marker. Its outcome, as
 * kvm_mmu_do_page_fault() counts it:
 * - fast_page_fault printed `fixed 1` or `spurious 1`: fast_page_fault() settled it (pf_fast), and
 *   `fixed 1` is RET_PF_FIXED (pf_fixed);
 * - otherwise a kvm_mmu_set_spte in the window is RET_PF_FIXED, except for a TDP MMU fault, whose
 *   set_spte is also printed for a spurious one (tdp_mmu_map_handle_target_level): there a
 *   kvm_tdp_mmu_spte_changed must come first.
 * Held at all 222 kvm-stats vcpu0 lines of the shared traces. RET_PF_EMULATE, RET_PF_SPURIOUS
 * and RET_PF_RETRY leave no event of their own, so pf_emulate and pf_spurious are not modelled.
 */
import {
  noteFastPageFault,
  notePageFaultFixed,
  notePageFaultTaken,
} from '../../model/kvmVcpuStats';
import type { KvmMmuPage } from '../../model/mmuPage';
import type { Replay } from './replayState';

/** The fault in progress, as its outcome is known so far. */
export interface FaultWindow {
  seq: number;
  fixed: boolean;
  fast: boolean;
  tdpMmuChanged: boolean;
}

const stat = (x: Replay) => x.vm.vcpus[0]!.stat;

/** kvm_page_fault: pf_taken, and a new window. */
export function faultTaken(x: Replay, seq: number): string {
  notePageFaultTaken(stat(x));
  x.r.faultWindow = { seq, fixed: false, fast: false, tdpMmuChanged: false };
  return `fault #${seq} taken (pf_taken ${stat(x).pf_taken})`;
}

function windowOf(x: Replay, seq: number): FaultWindow | null {
  const w = x.r.faultWindow;
  return w && w.seq === seq ? w : null;
}

/** fast_page_fault settled the fault (fixed or spurious). */
export function fastOutcome(x: Replay, seq: number, fixed: boolean): void {
  const w = windowOf(x, seq);
  if (!w || w.fast) return;
  w.fast = true;
  noteFastPageFault(stat(x));
  if (fixed && !w.fixed) {
    w.fixed = true;
    notePageFaultFixed(stat(x));
  }
}

/** A kvm_tdp_mmu_spte_changed inside the fault. */
export function tdpMmuChangedInFault(x: Replay, seq: number): void {
  const w = windowOf(x, seq);
  if (w) w.tdpMmuChanged = true;
}

/** A kvm_mmu_set_spte inside the fault, into `sp`. */
export function setSpteInFault(x: Replay, seq: number, sp: KvmMmuPage): void {
  const w = windowOf(x, seq);
  if (!w || w.fixed || w.fast) return;
  if (sp.tdpMmuPage && !w.tdpMmuChanged) return;
  w.fixed = true;
  notePageFaultFixed(stat(x));
}
