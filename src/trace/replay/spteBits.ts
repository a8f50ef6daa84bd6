/**
 * Reading the SPTE a trace printed into the model's SPTE bits.
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

/**
 * The model's SPTE bits for a leaf the kernel wrote (AMD NPT / x86 PTE format: W bit 1, U bit 2,
 * NX bit 63). `printed` gives W/X/U where the trace printed them (kvm_mmu_set_spte's "rwxu").
 */
export function flagsOfSpte(
  s: Spte64,
  level: number,
  printed: { w?: boolean; x?: boolean; u?: boolean | null } = {},
): number {
  let f = SPTE_PRESENT;
  if (printed.w ?? (s.lo & 2) !== 0) f |= SPTE_WRITABLE;
  if (printed.u ?? (s.lo & 4) !== 0) f |= SPTE_USER;
  if (printed.x ?? (s.hi & 0x80000000) === 0) f |= SPTE_EXEC;
  if (s.lo & 0x20) f |= SPTE_ACCESSED;
  if (s.lo & 0x40) f |= SPTE_DIRTY;
  if (level > 1 && s.lo & 0x80) f |= SPTE_HUGE;
  return f;
}
