/**
 * The streamed trace parser: feed it text in chunks of any size (push), then end(). It keeps only
 * the unfinished last line between chunks, so a trace of any length never sits in memory as one
 * string, and lines are read where they lie in the chunk rather than cut out of it. Platform-free:
 * readers for Node streams and web ReadableStreams live in nodeStream.ts and webStream.ts.
 *
 * What it emits: every event of EVENT_FORMATS with its fields typed (onEvent), trace_marker
 * lines (onMarker), and lost-event notices (onGap). Other events are counted by name and skipped.
 * The first line that is none of these, or a known event whose fields do not parse, stops the
 * parse with a TraceParseError; push() and end() throw it, and throw it again if called after.
 */
import type { Piece } from './formatPieces';
import { LineHeader } from './lineHeader';
import { EVENT_FORMATS, type TraceEvent } from './mmutraceFormats';
import { FieldScanner } from './scanFields';
import { ownCopy } from './scanText';
import { fieldsError, gotText, TraceParseError } from './traceErrors';

/** A trace_marker write: tracefs shows it as "tracing_mark_write: TEXT", trace-cmd as "print:". */
export interface TraceMarker {
  line: number;
  ts: number;
  cpu: number;
  text: string;
  /** The whole line, when the handlers ask for `withText` (as events carry theirs). */
  lineText?: string;
}

/** The ring buffer overwrote or dropped events here. */
export interface TraceGap {
  line: number;
  /** null when the notice names no CPU. */
  cpu: number | null;
  /** null when the kernel did not know how many ("[LOST EVENTS]"). */
  lost: number | null;
}

export interface TraceHandlers {
  /** Events carry their line's text as `text` when `withText` is set. */
  onEvent?: (e: TraceEvent & { text?: string }) => void;
  withText?: boolean;
  onMarker?: (m: TraceMarker) => void;
  onGap?: (g: TraceGap) => void;
}

export interface TraceSummary {
  lines: number;
  /** Event lines of every kind, markers included. */
  events: number;
  /** Per event name: parsed, skipped and marker lines (as tracing_mark_write) alike. */
  counts: Record<string, number>;
  /** The part of `counts` the parser does not read. */
  skipped: Record<string, number>;
  markers: number;
  gaps: number;
  /** Events the gaps say were lost, where they say how many. */
  lost: number;
}

/** A "line" longer than this is not trace text (a trace.dat, a binary): stop instead of buffering. */
const MAX_LINE = 1 << 20;
const MARK = 'tracing_mark_write';

const GAP =
  /^(?:CPU:(\d+) )?\[(?:LOST (\d+) EVENTS|LOST EVENTS|(\d+) EVENTS DROPPED|EVENTS DROPPED)\]$/;
/** What trace-cmd report prints before the events. */
const PREAMBLE = /^(?:cpus=\d+|version = \d+|CPU \d+ is empty)$/;

interface Known {
  name: string;
  pieces: readonly Piece[];
  count: number;
}

export class TraceParser {
  private partial = '';
  private lineNo = 0;
  private failed: TraceParseError | null = null;
  private readonly head = new LineHeader();
  private readonly scanner = new FieldScanner();
  /** Known events by name length: a name is matched where it lies, not cut out of the line. */
  private readonly byLength: Known[][] = [];
  private readonly known: Known[] = [];
  private readonly others = new Map<string, number>();
  private events = 0;
  private markers = 0;
  private gaps = 0;
  private lost = 0;
  private readonly onEvent: TraceHandlers['onEvent'];
  private readonly onMarker: TraceHandlers['onMarker'];
  private readonly onGap: TraceHandlers['onGap'];
  private readonly withText: boolean;

  constructor(handlers: TraceHandlers = {}) {
    this.onEvent = handlers.onEvent;
    this.onMarker = handlers.onMarker;
    this.onGap = handlers.onGap;
    this.withText = handlers.withText ?? false;
    for (const [name, f] of Object.entries(EVENT_FORMATS)) {
      const k: Known = { name, pieces: f.pieces, count: 0 };
      this.known.push(k);
      (this.byLength[name.length] ??= []).push(k);
    }
  }

  push(chunk: string): void {
    if (this.failed) throw this.failed;
    try {
      this.pushLines(chunk);
    } catch (e) {
      if (e instanceof TraceParseError) this.failed = e;
      throw e;
    }
  }

  /** The last line may lack its newline; a cut-off event there is an error like any other. */
  end(): TraceSummary {
    if (this.failed) throw this.failed;
    if (this.partial !== '') {
      const s = this.partial;
      this.partial = '';
      try {
        this.line(s, 0, s.length);
      } catch (e) {
        if (e instanceof TraceParseError) this.failed = e;
        throw e;
      }
    }
    return this.summary();
  }

  summary(): TraceSummary {
    const counts: Record<string, number> = {};
    const skipped: Record<string, number> = {};
    for (const k of this.known) if (k.count > 0) counts[k.name] = k.count;
    for (const [name, n] of this.others) {
      counts[name] = n;
      if (name !== MARK) skipped[name] = n;
    }
    return {
      lines: this.lineNo,
      events: this.events,
      counts,
      skipped,
      markers: this.markers,
      gaps: this.gaps,
      lost: this.lost,
    };
  }

  private pushLines(chunk: string): void {
    let start = 0;
    if (this.lineNo === 0 && this.partial === '') notText(chunk);
    if (this.partial !== '') {
      const nl = chunk.indexOf('\n');
      if (nl < 0) {
        this.partial += chunk;
        if (this.partial.length > MAX_LINE) this.tooLong();
        return;
      }
      const s = this.partial + chunk.slice(0, nl);
      this.partial = '';
      this.line(s, 0, s.length);
      start = nl + 1;
    }
    for (let nl = chunk.indexOf('\n', start); nl >= 0; nl = chunk.indexOf('\n', start)) {
      this.line(chunk, start, nl);
      start = nl + 1;
    }
    if (start < chunk.length) {
      this.partial = chunk.slice(start);
      if (this.partial.length > MAX_LINE) this.tooLong();
    }
  }

  private tooLong(): never {
    const what = 'over 1 MiB without a newline';
    throw new TraceParseError(this.lineNo + 1, null, 'a line of trace text', '', null, null, what);
  }

  private line(s: string, start: number, end: number): void {
    const n = ++this.lineNo;
    if (end > start && s.charCodeAt(end - 1) === 13) end--;
    // Header lines ("#"), notices and trace-cmd's preamble start in column 0; an event line
    // mostly starts with the blanks that right-align its task name, and goes straight on.
    const c0 = s.charCodeAt(start);
    if (c0 !== 32) {
      if (c0 === 35 && this.events > 0 && s.startsWith('# tracer:', start))
        throw new TraceParseError(
          n,
          null,
          'more of the same run',
          '',
          s.slice(start, end).trim(),
          'a second trace starts here, with its own header: open each run on its own',
        );
      if (start === end || c0 === 35) return;
      // "CPU:0 [LOST 12 EVENTS]", "[LOST 3 EVENTS]", "cpus=2": rare, so a regex is fine once the
      // first characters say the line may be one ("vmm-225 ..." starts with a "v" too).
      if (mayBeNotice(s, start, c0) && this.notice(s.slice(start, end), n)) return;
    }
    const h = this.head;
    if (!h.scan(s, start, end)) {
      if (s.slice(start, end).trim() === '') return; // blank lines say nothing
      throw new TraceParseError(n, null, h.failExpect, '', gotText(s, h.failPos, end));
    }
    this.events++;
    const len = h.nameEnd - h.nameStart;
    const cands = this.byLength[len];
    if (cands !== undefined) {
      for (let i = 0; i < cands.length; i++) {
        const k = cands[i]!;
        if (!sameText(s, h.nameStart, k.name)) continue;
        k.count++;
        let body = h.bodyStart;
        while (body < end && s.charCodeAt(body) === 32) body++; // trace-cmd pads the name
        const rec: Record<string, unknown> = {
          event: k.name,
          line: n,
          ts: h.ts,
          cpu: h.cpu,
          pid: h.pid,
        };
        if (!this.scanner.scan(s, body, end, k.pieces, rec))
          throw fieldsError(n, k.name, s, body, end, k.pieces, this.scanner);
        if (this.withText) rec.text = ownCopy(s.slice(start, end));
        this.onEvent?.(rec as unknown as TraceEvent);
        return;
      }
    }
    const name = s.slice(h.nameStart, h.nameEnd);
    if (name.includes(' ') || name.includes('\t'))
      throw new TraceParseError(
        n,
        null,
        'an event name followed by ":"',
        '',
        gotText(s, h.nameStart, end),
      );
    // A marker counts as tracing_mark_write however it is shown (trace-cmd: "print: ...").
    let text = -1;
    if (name === MARK) text = h.bodyStart;
    else if (name === 'print') {
      let b = h.bodyStart;
      while (b < end && s.charCodeAt(b) === 32) b++;
      if (s.startsWith(MARK + ': ', b) && b + MARK.length + 2 <= end) text = b + MARK.length + 2;
    }
    const counted = text >= 0 ? MARK : name;
    this.others.set(counted, (this.others.get(counted) ?? 0) + 1);
    if (text >= 0) {
      this.markers++;
      const m: TraceMarker = { line: n, ts: h.ts, cpu: h.cpu, text: ownCopy(s.slice(text, end)) };
      if (this.withText) m.lineText = ownCopy(s.slice(start, end));
      this.onMarker?.(m);
    }
  }

  private notice(t: string, n: number): boolean {
    const gap = GAP.exec(t);
    if (gap !== null) {
      const lost = gap[2] ?? gap[3];
      this.gaps++;
      if (lost !== undefined) this.lost += Number(lost);
      this.onGap?.({
        line: n,
        cpu: gap[1] === undefined ? null : Number(gap[1]),
        lost: lost === undefined ? null : Number(lost),
      });
      return true;
    }
    return PREAMBLE.test(t);
  }
}

/**
 * s[at, at + t.length) === t, compared from the end: names of one length share their "kvm_mmu_"
 * start and differ at the end. (A JS loop: startsWith with a position costs more per line.)
 */
function sameText(s: string, at: number, t: string): boolean {
  for (let i = t.length - 1; i >= 0; i--)
    if (s.charCodeAt(at + i) !== t.charCodeAt(i)) return false;
  return true;
}

function mayBeNotice(s: string, p: number, c0: number): boolean {
  if (c0 === 91) return true;
  if (c0 === 67) return s.startsWith('CPU', p);
  if (c0 === 99) return s.startsWith('cpus=', p);
  return c0 === 118 && s.startsWith('version = ', p);
}

/** Bytes that are not trace text at all get a message that says what they are. */
function notText(chunk: string): void {
  let what: string | null = null;
  if (chunk.charCodeAt(0) === 0x1f) what = 'gzip data (decompress it first)';
  else if (chunk.startsWith('\x17\x08\x44tracing'))
    what = 'a trace-cmd trace.dat (turn it into text with trace-cmd report)';
  if (what !== null) throw new TraceParseError(1, null, 'trace text', '', null, null, what);
}
