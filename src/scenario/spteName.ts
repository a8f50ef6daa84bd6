/**
 * SPTEs are named sN in the UI, the scenarios and the golden traces; the model sees a pointer,
 * sN → (N+1)*8 (golden/goldenReplay.ts spteFromName): non-zero multiples of 8, like u64 *sptep.
 * It lives here, not in model/, because the main thread needs it and must not load model code.
 */

/** Largest N the UI accepts: the model's SPTE→head index grows with the pointer value. */
export const SPTE_MAX_N = 65535;

export const sptePtr = (n: number): number => (n + 1) * 8;

export const spteName = (ptr: number): string => `s${ptr / 8 - 1}`;

export { hex } from '../model/hex';

/** "30" or "s30" → 30; anything else is an error message for the form. */
export function parseSpte(text: string): { n: number } | { error: string } {
  const m = /^\s*s?(\d{1,6})\s*$/i.exec(text);
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isInteger(n) || n > SPTE_MAX_N) {
    return { error: `SPTE must be a number from 0 to ${SPTE_MAX_N} (or sN)` };
  }
  return { n };
}

/**
 * A VM's SPTE pointers stand for entry i of shadow page p: (p + 1) * 4096 + 8 * i (see
 * model/mmuPage.ts sptepOf). In a chain they are named "p[i]".
 */
export const pageEntryName = (ptr: number): string =>
  `${Math.floor(ptr / 4096) - 1}[${(ptr % 4096) / 8}]`;
