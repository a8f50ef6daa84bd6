/**
 * Reads one event's fields by walking its pieces over the line, index by index: no regex, no
 * substring per field (only text fields are sliced). The line is s[pos, end) inside a larger
 * chunk, so every scan stops at `end`, never at the string's length. On a mismatch it records
 * which piece failed and where; traceErrors.ts turns that into a message.
 */
import {
  ACCESS,
  BANG,
  BIT,
  DEC,
  FLAGS,
  HEX,
  HEX53,
  HEX64,
  LIT,
  ONE_OF,
  OPT,
  PTR,
  SDEC,
  SPTE_ACCESS,
  UNTIL,
  type Piece,
} from './formatPieces';
import { flagsEnd, flagsValue, HEX_DIGIT, isWordChar, ownCopy, TWO_53 } from './scanText';

export class FieldScanner {
  /** Where each piece began, for the "after ..." part of a message. */
  readonly starts = new Int32Array(64);
  failPiece = -1;
  failPos = 0;
  /** Set when the piece's own `expect` would mislead (a value out of range, flags that disagree). */
  failExpect: string | null = null;
  private lastText = '';
  private readonly texts = new Map<string, string>();

  private fail(k: number, pos: number, expect: string | null = null): false {
    this.failPiece = k;
    this.failPos = pos;
    this.failExpect = expect;
    return false;
  }

  /** Fills `rec` from s[pos, end); false (with failPiece/failPos set) when the text does not match. */
  scan(
    s: string,
    pos: number,
    end: number,
    pieces: readonly Piece[],
    rec: Record<string, unknown>,
  ): boolean {
    const n = pieces.length;
    for (let k = 0; k < n; k++) {
      const p = pieces[k]!;
      this.starts[k] = pos;
      // Fields a newer kernel adds at the end (kvm_exit's requests): an older one ends the line here.
      if (p.opens && blankTo(s, pos, end)) return true;
      switch (p.k) {
        case LIT: {
          const t = p.codes;
          const tn = t.length;
          let i = 0;
          if (pos + tn <= end) while (i < tn && s.charCodeAt(pos + i) === t[i]) i++;
          if (i === tn) pos += tn;
          else if (pos >= end - 1 && this.emptyTail(s, pos, end, pieces, k, rec)) return true;
          else if (!p.opens || s.slice(pos, end).trim() === p.text.trim()) return this.fail(k, pos);
          // A line that ends in the literal is told what follows it (traceErrors.ts).
          else return this.fail(k, pos, `"${p.text.trim()}" or end of line`);
          break;
        }
        case HEX:
        case HEX53:
        case HEX64:
        case PTR: {
          if (p.alt) {
            // %#llx: "0x" before a nonzero value, a bare "0" for zero.
            if (pos + 1 < end && s.charCodeAt(pos) === 48 && s.charCodeAt(pos + 1) === 120)
              pos += 2;
            else if (
              pos < end &&
              s.charCodeAt(pos) === 48 &&
              (pos + 1 === end || !isWordChar(s.charCodeAt(pos + 1)))
            ) {
              rec[p.nameHi] = 0;
              rec[p.nameLo] = 0;
              pos++;
              break;
            } else return this.fail(k, pos, '"0x" and hex digits');
          }
          // trace-cmd report prints %p through glibc: the unhashed pointer as "0x..." (or "(nil)").
          let glibc = false;
          if (p.k === PTR && s.charCodeAt(pos) === 40 && s.startsWith('(nil)', pos)) {
            rec[p.nameHi] = 0;
            rec[p.nameLo] = 0;
            pos += 5;
            break;
          }
          if (p.k === PTR && s.charCodeAt(pos) === 48 && s.charCodeAt(pos + 1) === 120) {
            glibc = true;
            pos += 2;
          }
          // One pass in 32-bit integer ops: digits fill lo, those pushed out of it move into hi.
          // More than 16 digits overflow hi, and are refused below.
          let e = pos;
          let hi = 0;
          let lo = 0;
          for (; e < end; e++) {
            const c = s.charCodeAt(e);
            const d = c < 128 ? HEX_DIGIT[c]! : -1;
            if (d < 0) break;
            hi = (hi << 4) | (lo >>> 28);
            lo = (lo << 4) | d;
          }
          hi >>>= 0;
          lo >>>= 0;
          const digits = e - pos;
          if (digits === 0 || (e < end && isWordChar(s.charCodeAt(e)))) return this.fail(k, pos);
          if (p.k === HEX64 || p.k === PTR) {
            if (p.k === PTR && !glibc ? digits !== 16 : digits > 16)
              return this.fail(k, pos, p.k === PTR ? p.expect : 'at most 16 hex digits');
            rec[p.nameHi] = hi;
            rec[p.nameLo] = lo;
          } else {
            const v = hi * 0x100000000 + lo;
            if (p.k === HEX ? hi !== 0 : digits > 14 || v >= TWO_53)
              return this.fail(
                k,
                pos,
                p.k === HEX ? 'a 32-bit hex value' : 'a hex value below 2^53',
              );
            if (p.same && rec[p.name] !== v) return this.fail(k, pos, 'the same value as before');
            rec[p.name] = v;
          }
          pos = e;
          break;
        }
        case DEC:
        case SDEC: {
          let e = pos;
          const neg = p.k === SDEC && e < end && s.charCodeAt(e) === 45;
          if (neg) e++;
          const d0 = e;
          let v = 0;
          for (let c = s.charCodeAt(e); e < end && c >= 48 && c <= 57; c = s.charCodeAt(++e))
            v = v * 10 + (c - 48);
          if (e === d0 || e - d0 > 15 || (e < end && isWordChar(s.charCodeAt(e))))
            return this.fail(k, pos);
          rec[p.name] = neg ? -v : v;
          pos = e;
          break;
        }
        case BIT: {
          const c = pos < end ? s.charCodeAt(pos) : 0;
          if ((c !== 48 && c !== 49) || (pos + 1 < end && isWordChar(s.charCodeAt(pos + 1))))
            return this.fail(k, pos);
          rec[p.name] = c === 49;
          pos++;
          break;
        }
        case FLAGS: {
          const e = flagsEnd(s, pos, end);
          const v = flagsValue(s, pos, e);
          if (v < 0) return this.fail(k, pos);
          if (p.same && rec[p.name] !== v)
            return this.fail(
              k,
              pos,
              `flag names that add up to ${p.name} ${(rec[p.name] as number).toString(16)}`,
            );
          rec[p.name] = v;
          pos = e;
          break;
        }
        case ACCESS: {
          // Before 7.2 access_str[] is "wux", indexed by ACC_EXEC_MASK 1 | ACC_WRITE_MASK 2 |
          // ACC_USER_MASK 4; from 7.2 it is "rwux", indexed by ACC_READ_MASK 1 | ACC_WRITE_MASK 2 |
          // ACC_USER_MASK 4 | ACC_EXEC_MASK 8. Both become the 3-bit number; r is its own property.
          const c0 = pos < end ? s.charCodeAt(pos) : 0;
          const c1 = pos + 1 < end ? s.charCodeAt(pos + 1) : 0;
          const c2 = pos + 2 < end ? s.charCodeAt(pos + 2) : 0;
          const c3 = pos + 3 < end ? s.charCodeAt(pos + 3) : 0;
          const four =
            (c0 === 114 || c0 === 45) &&
            (c1 === 119 || c1 === 45) &&
            (c2 === 117 || c2 === 45) &&
            (c3 === 120 || c3 === 45) &&
            (pos + 4 === end || !isWordChar(s.charCodeAt(pos + 4)));
          if (four) {
            rec[p.name] = (c1 === 119 ? 2 : 0) | (c2 === 117 ? 4 : 0) | (c3 === 120 ? 1 : 0);
            rec[p.text] = c0 === 114;
            pos += 4;
            break;
          }
          const three =
            (c0 === 119 || c0 === 45) &&
            (c1 === 117 || c1 === 45) &&
            (c2 === 120 || c2 === 45) &&
            (pos + 3 === end || !isWordChar(c3));
          if (!three)
            return this.fail(
              k,
              pos,
              c0 === 114 || c3 === 120 || c3 === 45 ? 'an access string ("----" to "rwux")' : null,
            );
          rec[p.name] = (c0 === 119 ? 2 : 0) | (c1 === 117 ? 4 : 0) | (c2 === 120 ? 1 : 0);
          pos += 3;
          break;
        }
        case SPTE_ACCESS: {
          // 7.3 always prints the fourth letter, "u" also for u == -1 (EPT): see SPTE_ACCESS.
          if (pos + 3 > end) return this.fail(k, pos);
          const r = s.charCodeAt(pos);
          const w = s.charCodeAt(pos + 1);
          const x = s.charCodeAt(pos + 2);
          if ((r !== 114 && r !== 45) || (w !== 119 && w !== 45) || (x !== 120 && x !== 45))
            return this.fail(k, pos);
          rec.r = r === 114;
          rec.w = w === 119;
          rec.x = x === 120;
          const u = pos + 3 < end ? s.charCodeAt(pos + 3) : 0;
          // No fourth letter when the SPTE format has no user bit (u == -1: EPT).
          if (u === 117 || u === 45) {
            rec.u = u === 117;
            pos += 4;
          } else {
            rec.u = null;
            pos += 3;
          }
          break;
        }
        case OPT: {
          const t = p.text;
          const e = pos + t.length;
          const has =
            e <= end && s.startsWith(t, pos) && (e === end || !isWordChar(s.charCodeAt(e)));
          rec[p.name] = has;
          if (has) pos = e;
          break;
        }
        case BANG: {
          const banged = pos < end && s.charCodeAt(pos) === 33;
          const b = banged ? pos + 1 : pos;
          const e = b + p.text.length;
          if (e > end || !s.startsWith(p.text, b) || (e < end && isWordChar(s.charCodeAt(e))))
            return this.fail(k, pos);
          rec[p.name] = p.invert ? !banged : banged;
          pos = e;
          break;
        }
        case ONE_OF: {
          const words = p.words;
          let i = 0;
          for (; i < words.length; i++) {
            const w = words[i]!;
            const e = pos + w.length;
            if (e <= end && s.startsWith(w, pos) && (e === end || !isWordChar(s.charCodeAt(e))))
              break;
          }
          if (i === words.length) return this.fail(k, pos);
          rec[p.name] = p.values[i];
          pos += words[i]!.length;
          break;
        }
        case UNTIL: {
          const i = s.indexOf(p.text, pos);
          if (i < 0 || i + p.text.length > end || i === pos) return this.fail(k, pos);
          rec[p.name] = this.intern(s, pos, i);
          pos = i;
          break;
        }
      }
    }
    // Trailing blanks carry nothing (copies and trace-cmd may leave them); anything else is wrong.
    while (pos < end && (s.charCodeAt(pos) === 32 || s.charCodeAt(pos) === 9)) pos++;
    if (pos < end) return this.fail(n, pos, 'end of line');
    return true;
  }

  /**
   * Text fields repeat a handful of values ("npf", "PF excp"): the last one is reused when it
   * matches, else the text is looked up, and a new value is stored as a copy of its own.
   */
  private intern(s: string, pos: number, e: number): string {
    const last = this.lastText;
    if (last.length === e - pos && s.startsWith(last, pos)) return last;
    const t = s.slice(pos, e);
    let v = this.texts.get(t);
    if (v === undefined) {
      v = ownCopy(t);
      this.texts.set(v, v);
    }
    this.lastText = v;
    return v;
  }

  /**
   * A line that ends where only a blank and empty flags remain: "pferr 0 " prints its flags as
   * nothing, and a copy may have lost the trailing blank.
   */
  private emptyTail(
    s: string,
    pos: number,
    end: number,
    pieces: readonly Piece[],
    k: number,
    rec: Record<string, unknown>,
  ): boolean {
    if (pieces[k]!.text.trim() !== '' || (pos < end && s.charCodeAt(pos) !== 32)) return false;
    for (let j = k + 1; j < pieces.length; j++) {
      const q = pieces[j]!;
      if (q.k !== FLAGS || (q.same && rec[q.name] !== 0)) return false;
    }
    for (let j = k + 1; j < pieces.length; j++) rec[pieces[j]!.name] = 0;
    return true;
  }
}

/** Only blanks from `pos` to `end`. */
function blankTo(s: string, pos: number, end: number): boolean {
  while (pos < end && (s.charCodeAt(pos) === 32 || s.charCodeAt(pos) === 9)) pos++;
  return pos === end;
}
