/**
 * `trace-cmd report -N` prints an event whose print fmt libtraceevent cannot parse as its raw
 * fields: "[FAILED TO PARSE] mmu_valid_gen=0 gfn=16 role=14084 root_count=0 unsync=0 created=1".
 * libtraceevent (print_event_fields) writes each field " NAME=" then its value: unsigned as %llu,
 * signed as %lld (a 2-byte one as %2d, hence a blank may follow "="), a long or a pointer as
 * 0x%llx; strings and arrays as text, which no event the parser reads has. Read by index, as
 * the rest of a line is.
 */
import type { RawFields, RawValue } from './rawEvent';
import { TWO_53 } from './scanText';

export const FAILED_TO_PARSE = '[FAILED TO PARSE]';

/** Where the fields stopped being NAME=NUMBER, and what should have stood there. */
export interface RawFieldsError {
  pos: number;
  expect: string;
}

/** The fields of s[pos, end), pos just after "[FAILED TO PARSE]"; or where they go wrong. */
export function scanRawFields(
  s: string,
  pos: number,
  end: number,
): { fields: RawFields } | { error: RawFieldsError } {
  const out: Record<string, RawValue> = {};
  for (;;) {
    while (pos < end && s.charCodeAt(pos) === 32) pos++;
    if (pos >= end) return { fields: out };
    const name = pos;
    while (pos < end && isNameChar(s.charCodeAt(pos))) pos++;
    if (pos === name || pos >= end || s.charCodeAt(pos) !== 61)
      return { error: { pos: name, expect: '"NAME=VALUE" fields' } };
    const key = s.slice(name, pos);
    pos++;
    while (pos < end && s.charCodeAt(pos) === 32) pos++;
    const v = valueAt(s, pos, end);
    if (v === null) return { error: { pos, expect: `a number for ${key}` } };
    out[key] = v.value;
    pos = v.end;
  }
}

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** A decimal (maybe negative) or 0x-hex number ending at a blank or the end of the line. */
function valueAt(s: string, pos: number, end: number): { value: RawValue; end: number } | null {
  let e = pos;
  while (e < end && s.charCodeAt(e) !== 32) e++;
  const t = s.slice(pos, e);
  if (!/^(?:-?\d{1,20}|0x[0-9a-f]{1,16})$/.test(t)) return null;
  const neg = t.startsWith('-');
  const big = BigInt(t);
  const value = big < BigInt(TWO_53) && big > -BigInt(TWO_53) ? Number(big) : big;
  if (!neg && big >= 1n << 64n) return null;
  return { value, end: e };
}
