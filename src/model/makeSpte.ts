/**
 * make_spte (spte.c), as far as the model draws it: the bits a new leaf gets from its access and
 * level, and the host frame it points at.
 */
import { ACC_EXEC_MASK, ACC_USER_MASK, ACC_WRITE_MASK } from './mmuPageRole';
import {
  SPTE_ACCESSED,
  SPTE_DIRTY,
  SPTE_EXEC,
  SPTE_HUGE,
  SPTE_PRESENT,
  SPTE_USER,
  SPTE_WRITABLE,
} from './spte';

/** The pfn the host backs a gfn with: a fixed offset, enough to tell frames apart. */
export const hostPfn = (gfn: number): number => 0x100000 + gfn;

/** A leaf's bits from its access: the guest's (shadow/nested) or ACC_ALL (tdp). */
export function leafFlags(access: number, level: number, write: boolean): number {
  let f = SPTE_PRESENT | SPTE_ACCESSED;
  if (access & ACC_WRITE_MASK) f |= SPTE_WRITABLE | (write ? SPTE_DIRTY : 0);
  if (access & ACC_USER_MASK) f |= SPTE_USER;
  if (access & ACC_EXEC_MASK) f |= SPTE_EXEC;
  if (level > 1) f |= SPTE_HUGE;
  return f;
}

/** The access bits an SPTE grants (ACC_*), where no guest access was kept for it. */
export function spteAccess(flags: number): number {
  return (
    (flags & SPTE_WRITABLE ? ACC_WRITE_MASK : 0) |
    (flags & SPTE_USER ? ACC_USER_MASK : 0) |
    (flags & SPTE_EXEC ? ACC_EXEC_MASK : 0)
  );
}

/**
 * make_small_spte / make_huge_page_split_spte: entry `idx` of the table a huge SPTE is split
 * into keeps the huge SPTE's bits (huge only while still above 4 KiB), its pfn advanced by idx.
 */
export function splitSpteFlags(hugeFlags: number, childLevel: number): number {
  return (hugeFlags & ~SPTE_HUGE) | (childLevel > 1 ? SPTE_HUGE : 0);
}
