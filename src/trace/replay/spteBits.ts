/**
 * Reading the SPTE a trace printed into the model's SPTE bits, by the host's SPTE layout.
 *
 * 'x86' is the ordinary PTE format: AMD's NPT, and shadow paging on any host (TDP off, Intel
 * too). 'ept' is Intel's EPT format, used by every SPTE when kvm_intel has ept=1 (TDP pages and
 * the shadow pages of an L1's EPT alike): kvm_mmu_set_ept_masks() (arch/x86/kvm/mmu/spte.c) sets
 * the masks once for the whole module, with VMX_EPT_* from arch/x86/include/asm/vmx.h.
 *
 *   bit          x86 (kvm_mmu_reset_all_pte_masks)     ept (kvm_mmu_set_ept_masks)
 *   0            P (shadow_present_mask)               R (shadow_user_mask; also shadow_present_mask
 *                                                        without exec-only support)
 *   1            W (PT_WRITABLE_MASK)                  W (VMX_EPT_WRITABLE_MASK: the same bit)
 *   2            U (shadow_user_mask)                  X (shadow_x_mask, VMX_EPT_EXECUTABLE_MASK)
 *   3, 4         PWT, PCD (KVM never sets them)        memory type, bits 3-5 (WB = 6 << 3)
 *   5, 6         A, D (shadow_accessed/dirty_mask)     memory type bit 5; IPAT (VMX_EPT_IPAT_BIT)
 *   7            PS above level 1 (PT_PAGE_SIZE_MASK)  the same
 *   8            -                                     A (VMX_EPT_ACCESS_BIT; none with ept_ad=0)
 *   9            host-writable (not drawn)             D (VMX_EPT_DIRTY_BIT; none with ept_ad=0)
 *   10           MMU-writable (not drawn)              - (user-execute, with mode-based execute)
 *   11           SPTE_MMU_PRESENT_MASK                 the same
 *   12-51        pfn                                   the same
 *   52-53        -                                     SPTE_TDP_AD_MASK: 1 = A/D disabled
 *   54, 56       -                                     R, X saved by access tracking
 *   57, 58       -                                     host-, MMU-writable (not drawn)
 *   63           NX (shadow_nx_mask)                   suppress #VE (6.10+, in shadow_present_mask)
 *
 * EPT has no user bit: KVM keeps ACC_USER_MASK in R (shadow_user_mask = VMX_EPT_READABLE_MASK,
 * make_spte), so the model's "u" of an EPT SPTE is its R bit, as kvm_mmu_set_spte's printed "u"
 * is (`!!(spte & shadow_user_mask)`); bit 2 is never read as U. Mode-based execute control's
 * user-execute bit is not read. An MMIO SPTE (EPT: bits 2:0 = 110b, VMX_EPT_MISCONFIG_WX_VALUE,
 * for an EPT misconfig exit; x86: bit 51 | P, a reserved-bit fault) never has bit 11: both
 * layouts read it as not present.
 *
 * With ept_ad=0 (or an L1 EPTP without A/D, for its shadow pages) an SPTE carries
 * SPTE_TDP_AD_DISABLED and no A/D bits. KVM tells "accessed" then by access tracking:
 * mark_spte_for_access_track() clears R/W/X, saving R and X at bits 54/56, and is_accessed_spte()
 * is "R/W/X not all clear"; is_dirty_spte() is W. The replay reads such an SPTE as the kernel
 * does: an access-tracked SPTE (bit 11 set, R/W/X clear) is present, not accessed, and has no
 * W/U/X now (the saved bits are not drawn); the fault that restores it (fast_page_fault, or a
 * kvm_tdp_mmu_spte_changed) brings its bits back.
 */
import {
  SPTE_ACCESSED,
  SPTE_DIRTY,
  SPTE_EXEC,
  SPTE_HUGE,
  SPTE_PRESENT,
  SPTE_USER,
  SPTE_WRITABLE,
} from '../../model/spte';
import type { Spte64 } from './kernelEvents';

/** The format of the host's SPTEs: the ordinary PTE format, or Intel's EPT. */
export type SpteLayout = 'x86' | 'ept';
/** The host's CPU vendor: kvm_intel (VMX) or kvm_amd (SVM). */
export type Host = 'amd' | 'intel';

/** EPT's layout is used exactly when TDP is on an Intel host (ept=1); shadow paging is x86 anywhere. */
export function spteLayoutOf(host: Host, tdp: boolean): SpteLayout {
  return host === 'intel' && tdp ? 'ept' : 'x86';
}

/** SPTE_TDP_AD_MASK (bits 52-53) == SPTE_TDP_AD_DISABLED: an EPT SPTE without A/D bits. */
export const spteAdDisabled = (s: Spte64): boolean => ((s.hi >>> 20) & 3) === 1;

/** is_access_track_spte (EPT only: x86 SPTEs always have A/D bits): A/D disabled, R/W/X clear. */
export function spteIsAccessTracked(s: Spte64, layout: SpteLayout): boolean {
  return layout === 'ept' && spteAdDisabled(s) && (s.lo & 7) === 0;
}

/**
 * The model's SPTE bits for a present SPTE the kernel wrote, read by `layout`. `printed` gives
 * W/X/U where the trace printed them (kvm_mmu_set_spte's "rwxu", computed by the kernel with its
 * own masks, so right for either layout).
 */
export function flagsOfSpte(
  s: Spte64,
  level: number,
  printed: { w?: boolean; x?: boolean; u?: boolean | null } = {},
  layout: SpteLayout = 'x86',
): number {
  let f = SPTE_PRESENT;
  if (printed.w ?? (s.lo & 2) !== 0) f |= SPTE_WRITABLE;
  if (level > 1 && s.lo & 0x80) f |= SPTE_HUGE;
  if (layout === 'ept') {
    if (printed.u ?? (s.lo & 1) !== 0) f |= SPTE_USER;
    if (printed.x ?? (s.lo & 4) !== 0) f |= SPTE_EXEC;
    if (spteAdDisabled(s)) {
      if (s.lo & 7) f |= SPTE_ACCESSED;
      if (s.lo & 2) f |= SPTE_DIRTY;
    } else {
      if (s.lo & 0x100) f |= SPTE_ACCESSED;
      if (s.lo & 0x200) f |= SPTE_DIRTY;
    }
    return f;
  }
  if (printed.u ?? (s.lo & 4) !== 0) f |= SPTE_USER;
  if (printed.x ?? (s.hi & 0x80000000) === 0) f |= SPTE_EXEC;
  if (s.lo & 0x20) f |= SPTE_ACCESSED;
  if (s.lo & 0x40) f |= SPTE_DIRTY;
  return f;
}
