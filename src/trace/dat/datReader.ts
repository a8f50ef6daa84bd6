/**
 * trace-cmd's trace.dat, read with no library: no JavaScript one reads the format, so this reader
 * is ours, written from trace-cmd's Documentation/trace-cmd/trace-cmd.dat.v6.5.txt and
 * trace-cmd.dat.v7.5.txt, lib/trace-cmd/trace-input.c (what the documents leave out: the 8-byte
 * section size, the compressed chunks) and libtraceevent's src/kbuffer-parse.c (the ring-buffer
 * page and record format). Versions 6 and 7, uncompressed or with zstd or zlib sections.
 *
 * It drives the text parser's TraceHandlers with the same TraceEvent objects the text parser
 * makes of the same record's printed line (rawDecoders.ts), decoded at the offsets the file's own
 * formats give. What differs, by the nature of the file:
 * - `line` is the record's 1-based ordinal in the merged stream of records and lost-event
 *   notices (every record counts, read or not): a .dat has no lines. With `withText`, `text`
 *   is recordText.ts's "TASK-PID [CPU] SECONDS: NAME: field=value ..." line.
 * - `ts` is the ring buffer's nanoseconds as seconds (the text prints microseconds), with no
 *   DATE, OFFSET or TSC2NSEC option applied, as tracefs prints it.
 * - pointers printed with %p (mark_mmio_spte's and fast_page_fault's sptep) are the pointer
 *   itself: the text prints a hash of it.
 * - every ftrace:print record is a marker (trace_marker writes; a kernel trace_puts too, which
 *   the text shows under the caller's name), counted as tracing_mark_write.
 * CPUs are merged by timestamp as trace-cmd report merges them: the earliest first, the first
 * CPU of the file on a tie. Each CPU is read a block of pages (or one compressed chunk) at a
 * time, so memory holds the metadata and one block per CPU, whatever the file's size.
 */
import type { KernelVersion } from '../../model/kernelVersions';
import { EVENT_FORMATS, type TraceEvent, type TraceEventName } from '../mmutraceFormats';
import { RAW_DECODERS, type RawContext, type RawDecoder, type RawHead } from '../rawDecoders';
import type { Setting } from '../sniffTrace';
import type { TraceHandlers, TraceMarker, TraceSummary } from '../traceParser';
import type { ByteSource } from './byteSource';
import { CpuBlocks } from './cpuBlocks';
import { DatError } from './datError';
import { datKernel } from './datKernel';
import { readInitialHeader, type DatMeta } from './datMeta';
import { readV6 } from './fileV6';
import { readV7 } from './fileV7';
import { knownFormat, rawContextOfFormats } from './formatContext';
import type { EventFormat, FormatField } from './formats';
import { RecordView } from './recordView';
import { recordText } from './recordText';
import { RingCursor } from './ringCursor';

const MARK = 'tracing_mark_write';
const KNOWN = 0;
const PRINT = 1;
const OTHER = 2;

interface Entry {
  format: EventFormat;
  kind: number;
  count: number;
  decoder: RawDecoder | null;
  view: RecordView | null;
}

export interface DatInfo {
  version: number;
  compression: string | null;
  uname: string | null;
  clock: string | null;
  traceCmd: string | null;
  /** The CPUs with data, in the file's order. */
  cpus: number[];
  /** Instances (trace-cmd record -B) not read. */
  otherBuffers: string[];
  kernel: Setting<KernelVersion>;
  context: RawContext;
}

export interface DatSummary extends TraceSummary {
  dat: DatInfo;
}

export interface DatOptions {
  /** The kernel, when the caller knows it (--kernel); else the file tells (datKernel.ts). */
  kernel?: KernelVersion;
}

const utf8 = new TextDecoder();

export class DatTrace {
  private readonly entries: (Entry | undefined)[] = [];
  private readonly typeField: FormatField;
  private readonly pidField: FormatField;
  private readonly bufField: FormatField | null;

  private constructor(
    private readonly src: ByteSource,
    private readonly meta: DatMeta,
    readonly info: DatInfo,
  ) {
    const formats = [...meta.formats.values()];
    for (const f of formats) {
      const known = Object.hasOwn(EVENT_FORMATS, f.name) && knownFormat([f], f.name) !== undefined;
      const kind = known ? KNOWN : f.system === 'ftrace' && f.name === 'print' ? PRINT : OTHER;
      const decoder = known ? RAW_DECODERS[f.name as TraceEventName] : null;
      const view = decoder ? new RecordView(f, decoder.fields, meta.le) : null;
      this.entries[f.id] = {
        format: f,
        kind,
        count: 0,
        decoder: decoder as RawDecoder | null,
        view,
      };
    }
    const common = formats.find((f) => f.field('common_type') && f.field('common_pid'));
    if (!common)
      throw new DatError('event formats', null, 'no format has common_type and common_pid');
    this.typeField = common.field('common_type')!;
    this.pidField = common.field('common_pid')!;
    if (this.typeField.size !== 2 || this.pidField.size !== 4)
      throw new DatError('event formats', null, 'common_type is not 2 bytes or common_pid not 4');
    const print = formats.find((f) => f.system === 'ftrace' && f.name === 'print');
    this.bufField = print?.field('buf') ?? null;
    if (print && !this.bufField)
      throw new DatError(
        'ftrace formats',
        null,
        'ftrace:print has no field buf, which markers need',
      );
  }

  /** Reads the metadata and checks the formats of the events it decodes; the events stay unread. */
  static async open(src: ByteSource, opts: DatOptions = {}): Promise<DatTrace> {
    const h = await readInitialHeader(src);
    const meta = h.version === 6 ? await readV6(src, h) : await readV7(src, h);
    const kernel = datKernel(meta, opts.kernel);
    const info: DatInfo = {
      version: meta.version,
      compression: meta.codec,
      uname: meta.uname,
      clock: meta.clock,
      traceCmd: meta.traceCmd,
      cpus: meta.cpus.filter((c) => c.size > 0).map((c) => c.cpu),
      otherBuffers: meta.otherBuffers,
      kernel,
      context: rawContextOfFormats(meta.formats.values(), kernel.value),
    };
    return new DatTrace(src, meta, info);
  }

  /** Every record, in time order, into `handlers` (again from the start at each call). */
  async read(handlers: TraceHandlers = {}): Promise<DatSummary> {
    const { onEvent, onMarker, onGap } = handlers;
    const withText = handlers.withText ?? false;
    const le = this.meta.le;
    const ctx = this.info.context;
    const typeAt = this.typeField.offset;
    const pidAt = this.pidField.offset;
    const minLength = Math.max(typeAt + 2, pidAt + 4);
    const head: RawHead = { line: 0, ts: 0, cpu: 0, pid: 0 };
    for (const e of this.entries) if (e) e.count = 0;
    const cursors = this.meta.cpus
      .filter((c) => c.size > 0)
      .map((c) => new RingCursor(new CpuBlocks(this.src, this.meta, c), this.meta));
    for (const c of cursors) await c.advance();
    let line = 0;
    let events = 0;
    let markers = 0;
    let gaps = 0;
    let lost = 0;
    const gap = (c: RingCursor) => {
      for (const n of c.gaps) {
        gaps++;
        if (n !== null) lost += n;
        onGap?.({ line: ++line, cpu: c.cpu, lost: n });
      }
      c.gaps.length = 0;
    };
    for (;;) {
      let c: RingCursor | null = null;
      for (let i = 0; i < cursors.length; i++) {
        const k = cursors[i]!;
        if (!k.done && (c === null || k.ts < c.ts)) c = k;
      }
      if (c === null) break;
      if (c.gaps.length > 0) gap(c);
      line++;
      events++;
      const dv = c.dv;
      const base = c.start;
      if (c.length < minLength) this.fail(c, `a ${c.length}-byte record, too short for its header`);
      const id = dv.getUint16(base + typeAt, le);
      const e = this.entries[id];
      if (e === undefined)
        this.fail(c, `a record of event ID ${id}, which no format in the file describes`);
      e.count++;
      if (e.kind === KNOWN && onEvent) {
        const view = e.view!;
        if (c.length < view.minLength)
          this.fail(
            c,
            `a ${c.length}-byte ${e.format.name} record, shorter than its format's ${view.minLength}`,
          );
        view.dv = dv;
        view.base = base;
        head.line = line;
        head.ts = c.ts / 1e9;
        head.cpu = c.cpu;
        head.pid = dv.getInt32(base + pidAt, le);
        const ev = e.decoder!.decode(view, head, ctx) as (TraceEvent & { text?: string }) | string;
        if (typeof ev === 'string') this.fail(c, ev);
        if (withText) ev.text = this.text(e.format, c, head.pid);
        onEvent(ev);
      } else if (e.kind === PRINT) {
        markers++;
        if (onMarker) {
          const m: TraceMarker = { line, ts: c.ts / 1e9, cpu: c.cpu, text: this.markerText(c) };
          if (withText) m.lineText = this.text(e.format, c, dv.getInt32(base + pidAt, le));
          onMarker(m);
        }
      }
      if (!c.nextInBlock()) await c.advance();
    }
    for (const c of cursors) gap(c);
    return { ...this.summary(line, events, markers, gaps, lost), dat: this.info };
  }

  private fail(c: RingCursor, why: string): never {
    const p = c.place();
    throw new DatError(p.where, p.offset, why);
  }

  /** ftrace:print's buf: the marker's text up to its NUL, without the newline trace_marker adds. */
  private markerText(c: RingCursor): string {
    const f = this.bufField!;
    const start = c.start + f.offset;
    const end = c.start + c.length;
    let e = start;
    while (e < end && c.bytes[e] !== 0) e++;
    if (e > start && c.bytes[e - 1] === 10) e--;
    return utf8.decode(c.bytes.subarray(Math.min(start, e), e));
  }

  private text(format: EventFormat, c: RingCursor, pid: number): string {
    const task = pid === 0 ? '<idle>' : (this.meta.cmdlines.get(pid) ?? '<...>');
    return recordText(
      format,
      task,
      pid,
      c.cpu,
      c.tsHi,
      c.tsLo,
      c.dv,
      c.bytes,
      c.start,
      c.length,
      this.meta.le,
    );
  }

  private summary(
    lines: number,
    events: number,
    markers: number,
    gaps: number,
    lost: number,
  ): TraceSummary {
    const counts: Record<string, number> = {};
    const skipped: Record<string, number> = {};
    for (const e of this.entries) {
      if (e === undefined || e.count === 0) continue;
      const name = e.kind === PRINT ? MARK : e.format.name;
      counts[name] = (counts[name] ?? 0) + e.count;
      if (e.kind === OTHER) skipped[name] = (skipped[name] ?? 0) + e.count;
    }
    // No report text in a .dat: its plugin and raw-field line counts are 0.
    return { lines, events, counts, skipped, markers, gaps, lost, pluginLines: 0, rawLines: 0 };
  }
}

/** Opens and reads a trace.dat in one call. */
export async function parseDat(
  src: ByteSource,
  handlers: TraceHandlers = {},
  opts: DatOptions = {},
): Promise<DatSummary> {
  return (await DatTrace.open(src, opts)).read(handlers);
}
