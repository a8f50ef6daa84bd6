/**
 * 64-bit trace values arrive as two uint32 halves (see formatPieces.ts for why). These turn a
 * pair back into what a reader or a comparison needs, only when one is needed.
 */

/** The value as the kernel's %llx prints it: lowercase, no leading zeros. */
export function u64Hex(hi: number, lo: number): string {
  return hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, '0');
}

export function u64BigInt(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Bit `n` (0..63), e.g. 63 for NX or for 6.10+'s SHADOW_NONPRESENT_VALUE. */
export function u64Bit(hi: number, lo: number, n: number): boolean {
  return ((n < 32 ? lo >>> n : hi >>> (n - 32)) & 1) === 1;
}

/** The value as a number when it is exact (below 2^53), else null. */
export function u64Number(hi: number, lo: number): number | null {
  return hi < 0x200000 ? hi * 0x100000000 + lo : null;
}
