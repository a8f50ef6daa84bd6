/**
 * Shadow PTEs (arch/x86/kvm/mmu/spte.h). The model stores an SPTE as a byte of the bits worth
 * drawing plus a 32-bit target (a host pfn for a leaf, a shadow page id for a link).
 */
export const SPTE_PRESENT = 1 << 0; // KVM's own "MMU present" bit 11 (SPTE_MMU_PRESENT_MASK)
export const SPTE_WRITABLE = 1 << 1;
export const SPTE_USER = 1 << 2;
export const SPTE_EXEC = 1 << 3;
export const SPTE_ACCESSED = 1 << 4;
export const SPTE_DIRTY = 1 << 5;
/** PT_PAGE_SIZE_MASK (bit 7): a leaf above level 1. */
export const SPTE_HUGE = 1 << 6;
/** An MMIO SPTE: not present, caches the gfn for emulation. */
export const SPTE_MMIO = 1 << 7;

/** What a non-leaf link carries: present, and every permission left to the level below. */
export const SPTE_LINK_FLAGS = SPTE_PRESENT | SPTE_WRITABLE | SPTE_USER | SPTE_EXEC | SPTE_ACCESSED;

/** Entries per page table (SPTE_ENT_PER_PAGE). */
export const SPTE_ENT_PER_PAGE = 512;
export const PT64_LEVEL_BITS = 9;

export const PG_LEVEL_4K = 1;
export const PG_LEVEL_2M = 2;
export const PG_LEVEL_1G = 3;
/** KVM_MAX_HUGEPAGE_LEVEL. */
export const KVM_MAX_HUGEPAGE_LEVEL = PG_LEVEL_1G;

/** 4 KiB pages one entry at `level` maps (KVM_PAGES_PER_HPAGE). */
export function pagesPerEntry(level: number): number {
  return 2 ** (PT64_LEVEL_BITS * (level - 1));
}

/** SPTE_INDEX: which entry of a level-`level` table maps `gfn`. */
export function spteIndex(gfn: number, level: number): number {
  return Math.floor(gfn / pagesPerEntry(level)) % SPTE_ENT_PER_PAGE;
}

export function isPresent(flags: number): boolean {
  return (flags & SPTE_PRESENT) !== 0;
}

/** is_last_spte: a leaf at level 1, or a huge leaf above. */
export function isLastSpte(flags: number, level: number): boolean {
  return level === PG_LEVEL_4K || (flags & SPTE_HUGE) !== 0;
}

export function spteBitsText(flags: number): string {
  if (flags & SPTE_MMIO) return 'mmio';
  if (!isPresent(flags)) return '-';
  return (
    (flags & SPTE_WRITABLE ? 'w' : '-') +
    (flags & SPTE_USER ? 'u' : '-') +
    (flags & SPTE_EXEC ? 'x' : '-') +
    (flags & SPTE_ACCESSED ? 'a' : '-') +
    (flags & SPTE_DIRTY ? 'd' : '-') +
    (flags & SPTE_HUGE ? 'H' : '')
  );
}
