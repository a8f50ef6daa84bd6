/**
 * union kvm_mmu_page_role as a trace record holds it (the `role` field of kvm_mmu_get_page and
 * the other page events is the whole u32 word), laid out as the release that wrote it lays it
 * out (arch/x86/include/asm/kvm_host.h). Two layouts cover 6.1 to 7.3:
 *
 * - up to 7.1: level:4 has_4_byte_gpte:1 quadrant:2 direct:1 access:3 invalid:1 efer_nx:1
 *   cr0_wp:1 smep_andnot_wp:1 smap_andnot_wp:1 ad_disabled:1 guest_mode:1 passthrough:1, then
 *   is_mirror:1 (the TDX MMU preparation, "KVM: x86/mmu: Add an is_mirror member for union
 *   kvm_mmu_page_role"; 0 in kernels before it), unused bits, smm:8 at bit 24. Read from a
 *   v6.6-era torvalds/linux tree and that patch; 6.1's and 6.12's real traces agree (their
 *   report -N role words against the text's letters, and guest_mode at bit 17 in the nested runs).
 * - from 7.2 (a8827c196146, ACC_READ_MASK, the MBEC/GMET series): access:4 (ACC_READ_MASK 1,
 *   ACC_WRITE_MASK 2, ACC_USER_MASK 4, ACC_EXEC_MASK 8), smep_andnot_wp gone, cr4_smep:1 after
 *   is_mirror: level:4 has_4_byte_gpte:1 quadrant:2 direct:1 access:4 invalid:1 efer_nx:1
 *   cr0_wp:1 smap_andnot_wp:1 ad_disabled:1 guest_mode:1 passthrough:1 is_mirror:1 cr4_smep:1,
 *   unused bits, smm:8. Read from a tree with that series; a posting of the MBEC series kept
 *   smep_andnot_wp and added has_mbec instead, which would put ad_disabled at bit 17. The 7.3
 *   traces cannot tell the two apart (their pages have ad_disabled, smep and smap all 0).
 *
 * The text prints level, has_4_byte_gpte, quadrant, direct, access, invalid, efer_nx and
 * ad_disabled; the rest (cr0_wp, the smep/smap bits, guest_mode, passthrough, is_mirror, smm)
 * is only in the word, and only pageRoleOfWord gives it.
 */
import type { KvmMmuPageRole } from '../model/mmuPageRole';

export interface RoleLayout {
  /** role.access is 4 bits with ACC_READ_MASK (7.2+), else 3 bits. */
  readonly access4: boolean;
  readonly invalid: number;
  readonly eferNx: number;
  readonly cr0Wp: number;
  /** -1: not in this layout. */
  readonly smepAndnotWp: number;
  readonly smapAndnotWp: number;
  readonly adDisabled: number;
  readonly guestMode: number;
  readonly passthrough: number;
  readonly isMirror: number;
  readonly cr4Smep: number;
}

export const ROLE_UP_TO_7_1: RoleLayout = {
  access4: false,
  invalid: 11,
  eferNx: 12,
  cr0Wp: 13,
  smepAndnotWp: 14,
  smapAndnotWp: 15,
  adDisabled: 16,
  guestMode: 17,
  passthrough: 18,
  isMirror: 19,
  cr4Smep: -1,
};

export const ROLE_FROM_7_2: RoleLayout = {
  access4: true,
  invalid: 12,
  eferNx: 13,
  cr0Wp: 14,
  smepAndnotWp: -1,
  smapAndnotWp: 15,
  adDisabled: 16,
  guestMode: 17,
  passthrough: 18,
  isMirror: 19,
  cr4Smep: 20,
};

/** Bits 0-3, 4, 5-6 and 7 are the same in both layouts. */
export const ROLE_LEVEL_MASK = 0xf;
export const ROLE_HAS_4_BYTE_GPTE = 1 << 4;
export const ROLE_QUADRANT_SHIFT = 5;
export const ROLE_DIRECT = 1 << 7;
export const ROLE_ACCESS_SHIFT = 8;
const SMM_SHIFT = 24;

/**
 * role.access in the model's 3-bit numbering (ACC_EXEC_MASK 1, ACC_WRITE_MASK 2, ACC_USER_MASK 4),
 * which is the kernel's own before 7.2; from 7.2 the kernel's READ 1 / WRITE 2 / USER 4 / EXEC 8.
 */
export function modelAccess(word: number, layout: RoleLayout): number {
  const a = word >>> ROLE_ACCESS_SHIFT;
  if (!layout.access4) return a & 7;
  return (a & 6) | ((a >>> 3) & 1);
}

/** ACC_READ_MASK of a 7.2+ role; null before 7.2, whose access has no read bit. */
export function accessRead(word: number, layout: RoleLayout): boolean | null {
  return layout.access4 ? ((word >>> ROLE_ACCESS_SHIFT) & 1) === 1 : null;
}

function bit(word: number, at: number): boolean {
  return at >= 0 && ((word >>> at) & 1) === 1;
}

/** The whole role, also the bits the text never prints. */
export function pageRoleOfWord(
  word: number,
  layout: RoleLayout,
): KvmMmuPageRole & { accessRead: boolean | null; cr4Smep: boolean } {
  return {
    level: word & ROLE_LEVEL_MASK,
    has4ByteGpte: (word & ROLE_HAS_4_BYTE_GPTE) !== 0,
    quadrant: (word >>> ROLE_QUADRANT_SHIFT) & 3,
    direct: (word & ROLE_DIRECT) !== 0,
    access: modelAccess(word, layout),
    accessRead: accessRead(word, layout),
    invalid: bit(word, layout.invalid),
    eferNx: bit(word, layout.eferNx),
    cr0Wp: bit(word, layout.cr0Wp),
    smepAndnotWp: bit(word, layout.smepAndnotWp),
    smapAndnotWp: bit(word, layout.smapAndnotWp),
    adDisabled: bit(word, layout.adDisabled),
    guestMode: bit(word, layout.guestMode),
    passthrough: bit(word, layout.passthrough),
    isMirror: bit(word, layout.isMirror),
    cr4Smep: bit(word, layout.cr4Smep),
    smm: (word >>> SMM_SHIFT) & 0xff,
  };
}
