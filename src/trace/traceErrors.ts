/**
 * The one way a parse stops: a line that is not what a trace holds there. The message names the
 * line, the event and what was expected, in the words of the print fmt, so a reader can find the
 * spot in a file of millions of lines:
 *   line 4211: kvm_mmu_get_page: expected "sync" or "unsync" after "root 0", got end of line
 */
import { ACCESS, BANG, LIT, ONE_OF, OPT, type Piece } from './formatPieces';

export class TraceParseError extends Error {
  override readonly name = 'TraceParseError';
  constructor(
    /** 1-based. */
    readonly line: number,
    /** The event whose fields did not parse; null when the line has no event shape at all. */
    readonly event: string | null,
    readonly expected: string,
    /** The text just before the mismatch ("root 0"); '' at the start of the fields. */
    readonly after: string,
    /** What stood there instead; null at the end of the line. */
    readonly got: string | null,
    /** Why this may have happened, when the text suggests a cause. */
    readonly hint: string | null = null,
    /** Says what stood there when quoting it would not help (binary data). */
    gotWhat: string | null = null,
  ) {
    super(
      `line ${line}: ${event === null ? '' : event + ': '}expected ${expected}` +
        (after === '' ? '' : ` after "${after}"`) +
        `, got ${gotWhat ?? (got === null ? 'end of line' : `"${got}"`)}` +
        (hint === null ? '' : ` (${hint})`),
    );
  }

  /** A line whose text read but whose values are wrong: "line 9: kvm_mmu_get_page: WHY". */
  static at(line: number, event: string, why: string): TraceParseError {
    const e = new TraceParseError(line, event, why, '', null);
    e.message = `line ${line}: ${event}: ${why}`;
    return e;
  }
}

/** The word (or the first 24 characters) at `pos`, null at the end of the line. */
export function gotText(s: string, pos: number, end: number): string | null {
  while (pos < end && s.charCodeAt(pos) === 32) pos++;
  if (pos >= end) return null;
  let e = pos;
  while (e < end && s.charCodeAt(e) !== 32 && e - pos < 24) e++;
  return s.slice(pos, e) + (e < end && s.charCodeAt(e) !== 32 ? '…' : '');
}

/** A literal of blanks says nothing: a reader is told what comes after it. */
function expectOf(pieces: readonly Piece[], k: number): string {
  const p = pieces[k];
  if (p === undefined) return 'end of line';
  if (p.k === LIT) {
    const t = p.text.trim();
    return t === '' ? expectOf(pieces, k + 1) : `"${t}"`;
  }
  return p.expect;
}

/**
 * The text before the mismatch, from the last word the format itself prints (a literal, or a
 * role word such as "wux"): "root 0", "gfn", "wux".
 */
function afterText(
  s: string,
  starts: Int32Array,
  pieces: readonly Piece[],
  k: number,
  pos: number,
): string {
  for (let j = k - 1; j >= 0; j--) {
    const p = pieces[j]!;
    let from = -1;
    if (p.k === LIT) {
      // The last word that starts with a letter: "rip" of " rip 0x", never "(" or "0x".
      const t = p.text;
      for (let w = t.length - 1; w >= 0 && from < 0; w--)
        if ((w === 0 || t[w - 1] === ' ') && /[A-Za-z_]/.test(t[w]!)) from = starts[j]! + w;
    } else if (p.k === ACCESS || p.k === BANG || p.k === ONE_OF) from = starts[j]!;
    else if (p.k === OPT && starts[j + 1]! > starts[j]!) from = starts[j]! + 1;
    if (from >= 0) return s.slice(from, pos).trim();
  }
  return '';
}

export function fieldsError(
  line: number,
  event: string,
  s: string,
  bodyStart: number,
  end: number,
  pieces: readonly Piece[],
  scan: { starts: Int32Array; failPiece: number; failPos: number; failExpect: string | null },
  hint: string | null = null,
): TraceParseError {
  const k = scan.failPiece;
  const p = pieces[k];
  const rest = s.slice(scan.failPos, end);
  if (
    p?.k === LIT &&
    scan.failExpect === null &&
    rest.trim() !== '' &&
    rest.trim() === p.text.trim()
  ) {
    // The line ends inside a literal ("... level 1 at"): say what should have followed it.
    return new TraceParseError(
      line,
      event,
      expectOf(pieces, k + 1),
      afterText(s, scan.starts, pieces, k, end),
      null,
    );
  }
  return new TraceParseError(
    line,
    event,
    scan.failExpect ?? expectOf(pieces, k),
    afterText(s, scan.starts, pieces, k, scan.failPos),
    gotText(s, scan.failPos, end),
    hint,
  );
}
