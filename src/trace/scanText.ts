/**
 * Character-level helpers of the field scanner, and the reading of __print_flags text.
 */
import { PFERR_FLAGS } from './mmutraceFormats';

export const TWO_53 = 2 ** 53;

/** HEX_DIGIT[c] is hexVal(c) for c < 128: one load where the scanner reads most characters. */
export const HEX_DIGIT = Int8Array.from({ length: 128 }, (_, c) => hexVal(c));

/** 0..15 for a lowercase hex digit (the kernel prints %x lowercase), else -1. */
export function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** A character that would continue a number or word: its absence ends one. */
export function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

const PFERR_NAMES = PFERR_FLAGS.map(([name]) => name);
const PFERR_BITS = PFERR_FLAGS.map(([, b]) => b);

export function flagsEnd(s: string, pos: number, end: number): number {
  let e = pos;
  while (e < end && s.charCodeAt(e) !== 32) e++;
  return e;
}

/**
 * The value of a __print_flags text: names joined by "|", then any bits without a name as one
 * 0x%lx. Bits 32 and up (6.12's u64 error_code) are added, not OR-ed: JS bitwise ops are 32-bit,
 * and the kernel never prints a bit twice. -1 when a part is neither a name nor hex.
 */
export function flagsValue(s: string, pos: number, e: number): number {
  let v = 0;
  while (pos < e) {
    let part = s.indexOf('|', pos);
    if (part < 0 || part > e) part = e;
    if (part - pos > 2 && s.charCodeAt(pos) === 48 && s.charCodeAt(pos + 1) === 120) {
      let x = 0;
      for (let i = pos + 2; i < part; i++) {
        const d = hexVal(s.charCodeAt(i));
        if (d < 0) return -1;
        x = x * 16 + d;
      }
      if (x >= TWO_53) return -1;
      v += x;
    } else {
      let bitValue = -1;
      for (let i = 0; i < PFERR_NAMES.length; i++) {
        const name = PFERR_NAMES[i]!;
        if (name.length === part - pos && s.startsWith(name, pos)) {
          bitValue = PFERR_BITS[i]!;
          break;
        }
      }
      if (bitValue < 0) return -1;
      v += bitValue;
    }
    pos = part + 1;
    if (part === e - 1) return -1; // a trailing "|"
  }
  return v;
}

/**
 * A string that does not share memory with `t`'s source. V8 makes a slice of 13 or more
 * characters a view into the string it was cut from, which here is a whole chunk of the trace;
 * a record that keeps such a view keeps the chunk. Used for rare texts only (new values, markers).
 */
export function ownCopy(t: string): string {
  return JSON.parse(JSON.stringify(t)) as string;
}
