/**
 * The streamed trace parser: feed it text in chunks of any size (push), then end(). It keeps only
 * the unfinished last line between chunks, so a trace of any length never sits in memory as one
 * string, and lines are read where they lie in the chunk rather than cut out of it. Platform-free:
 * readers for Node streams and web ReadableStreams live in nodeStream.ts and webStream.ts.
 *
 * What it emits: every event of EVENT_FORMATS with its fields typed (onEvent), trace_marker
 * lines (onMarker), and lost-event notices (onGap). Other events are counted by name and skipped.
 * trace-cmd report's own forms of an event (its kvm plugin's text, -N's raw fields) are read too
 * (reportLines.ts); their role words need the release, so from the first such line until the
 * first MiB has told it, what the parser emits waits, in order.
 * The first line that is none of these, or a known event whose fields do not parse, stops the
 * parse with a TraceParseError; push() and end() throw it, and throw it again if called after.
 */
import type { KernelVersion } from '../model/kernelVersions';
import type { Piece } from './formatPieces';
import { LineHeader } from './lineHeader';
import { EVENT_FORMATS, type TraceEvent, type TraceEventName } from './mmutraceFormats';
import { ReportLines, type Convert } from './reportLines';
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
  /** After the last line: end() calls it before it returns. */
  onEnd?: () => void;
  /**
   * The release the user gave: a report's role words are read by its layout. Without it, the
   * trace's first MiB tells (roleLayoutKernel).
   */
  kernel?: KernelVersion;
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
  /**
   * Lines read from trace-cmd report's kvm plugin text (which leaves fields out: pluginLines.ts)
   * and from report -N's raw fields.
   */
  pluginLines: number;
  rawLines: number;
}

/** A "line" longer than this is not trace text (a trace.dat, a binary): stop instead of buffering. */
const MAX_LINE = 1 << 20;
const MARK = 'tracing_mark_write';

const GAP =
  /^(?:CPU:(\d+) )?\[(?:LOST (\d+) EVENTS|LOST EVENTS|(\d+) EVENTS DROPPED|EVENTS DROPPED)\]$/;
/**
 * What trace-cmd report prints besides events: "cpus=N" first, "version = N" (--version), "CPU N
 * is empty" (a CPU whose buffer held nothing), and with --boundary or --debug "CPU:N [SUBBUFFER
 * START]" before each sub-buffer's first event (--debug adds " [TS:0xOFFSET]").
 */
const PREAMBLE =
  /^(?:cpus=\d+|version = \d+|CPU \d+ is empty|CPU:\d+ \[SUBBUFFER START\](?: \[\d+:0x[0-9a-f]+\])?)$/;

interface Known {
  name: TraceEventName;
  pieces: readonly Piece[];
  count: number;
  /** trace-cmd report's kvm plugin prints it its own way. */
  plugin: boolean;
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
  private readonly onEnd: TraceHandlers['onEnd'];
  private readonly withText: boolean;
  private readonly report: ReportLines;
  /** What waits for the release (see the top): null while nothing does. */
  private held: (() => void)[] | null = null;

  constructor(handlers: TraceHandlers = {}) {
    this.onEvent = handlers.onEvent;
    this.onMarker = handlers.onMarker;
    this.onGap = handlers.onGap;
    this.onEnd = handlers.onEnd;
    this.withText = handlers.withText ?? false;
    this.report = new ReportLines(handlers.kernel);
    for (const [name, f] of Object.entries(EVENT_FORMATS) as [
      TraceEventName,
      { pieces: readonly Piece[] },
    ][]) {
      const k: Known = {
        name,
        pieces: f.pieces,
        count: 0,
        plugin: ReportLines.pluginFormat(name) !== undefined,
      };
      this.known.push(k);
      (this.byLength[name.length] ??= []).push(k);
    }
  }

  push(chunk: string): void {
    if (this.failed) throw this.failed;
    try {
      if (this.report.feed(chunk)) this.release();
      this.pushLines(chunk);
    } catch (e) {
      if (e instanceof TraceParseError) this.failed = e;
      throw e;
    }
  }

  /** The last line may lack its newline; a cut-off event there is an error like any other. */
  end(): TraceSummary {
    if (this.failed) throw this.failed;
    try {
      if (this.partial !== '') {
        const s = this.partial;
        this.partial = '';
        this.line(s, 0, s.length);
      }
      this.report.decide();
      this.release();
      this.onEnd?.();
    } catch (e) {
      if (e instanceof TraceParseError) this.failed = e;
      throw e;
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
      pluginLines: this.report.plugin,
      rawLines: this.report.raw,
    };
  }

  /** The release is known: what waited for it goes out, in order. */
  private release(): void {
    const held = this.held;
    if (held === null) return;
    this.held = null;
    for (const f of held) f();
  }

  private emit(e: TraceEvent): void {
    if (this.held !== null) this.held.push(() => this.onEvent?.(e));
    else this.onEvent?.(e);
  }

  /** A report line's event, now or once the release is known. */
  private emitConverted(convert: Convert, text: string | undefined): void {
    const out = (kernel: KernelVersion) => {
      const e = convert(kernel) as (TraceEvent & { text?: string }) | null;
      if (e === null) return;
      if (text !== undefined) e.text = text;
      this.onEvent?.(e);
    };
    const kernel = this.report.kernel;
    if (kernel !== null && this.held === null) out(kernel);
    else (this.held ??= []).push(() => out(this.report.kernel!));
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
        if (!this.scanner.scan(s, body, end, k.pieces, rec)) {
          this.otherForm(k, s, start, body, end, h);
          return;
        }
        if (this.withText) rec.text = ownCopy(s.slice(start, end));
        if (this.held === null) this.onEvent?.(rec as unknown as TraceEvent);
        else this.emit(rec as unknown as TraceEvent);
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
      if (this.held !== null) this.held.push(() => this.onMarker?.(m));
      else this.onMarker?.(m);
    }
  }

  /**
   * A known event whose kernel text did not scan: trace-cmd report's plugin text or raw fields,
   * else the error of whichever form the line followed further.
   */
  private otherForm(
    k: Known,
    s: string,
    start: number,
    body: number,
    end: number,
    h: LineHeader,
  ): void {
    const n = this.lineNo;
    const kernelFail = this.scanner.failPos;
    const head = { line: n, ts: h.ts, cpu: h.cpu, pid: h.pid };
    const convert = this.report.read(k.name, s, body, end, head, this.scanner);
    if (convert !== null) {
      this.emitConverted(convert, this.withText ? ownCopy(s.slice(start, end)) : undefined);
      return;
    }
    const plugin = ReportLines.pluginError(n, k.name, s, body, end, this.scanner, kernelFail);
    if (plugin !== null) throw plugin;
    this.scanner.scan(s, body, end, k.pieces, {});
    throw fieldsError(n, k.name, s, body, end, k.pieces, this.scanner);
  }

  private notice(t: string, n: number): boolean {
    const gap = GAP.exec(t);
    if (gap !== null) {
      const lost = gap[2] ?? gap[3];
      this.gaps++;
      if (lost !== undefined) this.lost += Number(lost);
      const g: TraceGap = {
        line: n,
        cpu: gap[1] === undefined ? null : Number(gap[1]),
        lost: lost === undefined ? null : Number(lost),
      };
      if (this.held !== null) this.held.push(() => this.onGap?.(g));
      else this.onGap?.(g);
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
