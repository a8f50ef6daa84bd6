/**
 * Opening a kernel trace in the worker: stream the whole file through the parser once (never one
 * string: a File's stream, gunzipped natively), turn each model-changing event into a
 * `kernel_event` op, tell the kernel and KVM's parameters from its first MiB, and replay the ops
 * as a timeline. The raw text of each op's line is kept for the step view; what the replay checked
 * and inferred becomes the timeline's TraceInfo.
 */
import type { KernelVersion } from '../model/kernelVersions';
import { tracePresetByName } from '../scenario/tracePresets';
import type { Scenario } from '../scenario/schema';
import { TraceParseError } from '../trace/traceErrors';
import { TraceParser } from '../trace/traceParser';
import {
  importSpteLayout,
  sniffTrace,
  SNIFF_BYTES,
  TraceImport,
  type ImportSettings,
} from '../trace/traceImport';
import { parseWebStream } from '../trace/webStream';
import { KernelEventStore } from '../trace/replay/eventStore';
import type { KernelEvent } from '../trace/replay/kernelEvents';
import { FileLines, LineIndex, PackedLines, type SourceLines } from '../trace/sourceLines';
import { TraceOps } from './opList';
import { traceStateOf } from '../trace/replay/replayKernelEvent';
import { OUTSIDE_MMU } from '../trace/replay/kvmStats';
import type { TraceReplay } from '../trace/replay/replayState';
import type { TraceInfo } from './viewTypes';
import { Cancelled, Pace, Timeline, type LoadHooks } from './timeline';

export interface TraceRequest {
  trace: Blob;
  name: string;
  kernel?: KernelVersion;
  tdp?: boolean;
  tdpMmu?: boolean;
  stopBeforeLine?: number;
  /** Who gave kernel/tdp/tdpMmu (a preset: its trace's meta.txt). */
  givenBy?: string;
}

export type TraceLoad =
  { ok: true; timeline: Timeline } | { ok: false; line: number | null; message: string };

/** A trace preset as a request: its file fetched, its kernel and parameters as its meta.txt has them. */
export async function tracePresetRequest(name: string): Promise<TraceRequest | null> {
  const p = tracePresetByName(name);
  if (!p) return null;
  // Served beside the app (vite.config.ts, traceAssets), fetched when asked for.
  const url = new URL(
    `${import.meta.env.BASE_URL}traces/linux-${p.kernel}/${p.workload}.txt.gz`,
    self.location.href,
  );
  const res = await fetch(url);
  if (!res.ok) throw new Error(`trace preset ${name}: ${res.status} ${res.statusText}`);
  return {
    trace: await res.blob(),
    name: p.name,
    kernel: p.kernel,
    tdp: p.tdp,
    tdpMmu: p.tdpMmu,
    givenBy: "the preset (the run's meta.txt)",
  };
}

export async function loadTrace(req: TraceRequest, hooks: LoadHooks = {}): Promise<TraceLoad> {
  const stop = req.stopBeforeLine ?? Infinity;
  const gzip = await isGzip(req.trace);
  const events = new KernelEventStore();
  const index = gzip ? null : new LineIndex();
  const packed = gzip ? new PackedLines() : null;
  // The events replay as they are read, once the first MiB (kept on the way) has told the kernel
  // and parameters: one read of the file, and no op objects kept (memory follows the model).
  let head = '';
  let replay: LiveReplay | null = null;
  const imp = new TraceImport((ev, text) => {
    if (ev.line >= stop) return;
    events.push(ev);
    packed?.push(text ?? '');
    replay?.next(ev);
  }, gzip);
  const parser = new TraceParser(imp.handlers);
  const input = (): TraceInput => ({
    file: req.name,
    settings: sniffTrace(head.slice(0, SNIFF_BYTES), req),
    events,
    lines: index ? new FileLines(req.trace, index) : packed!,
    markers: [],
    gaps: 0,
    lost: 0,
    lineCount: 0,
    stoppedBeforeLine: Number.isFinite(stop) ? stop : null,
  });
  const reading = {
    push(chunk: string) {
      if (head.length < SNIFF_BYTES) head += chunk;
      parser.push(chunk);
      if (!replay && head.length >= SNIFF_BYTES) replay = new LiveReplay(input(), hooks);
    },
    end: () => parser.end(),
  };
  const pace = new Pace(hooks, 'bytes');
  // A gzip file's size says nothing of its text's: progress then counts bytes without a total.
  const size = gzip ? 0 : req.trace.size;
  let read = 0;
  let lines: number;
  try {
    const parsed = await parseWebStream(req.trace.stream(), reading, {
      onBytes: (b) => {
        read += b.length;
        index?.feed(b);
      },
      afterChunk: () => pace.tick(read, size),
    });
    lines = parsed.lines;
  } catch (e) {
    if (e instanceof Cancelled) throw e;
    if (!(e instanceof TraceParseError))
      return { ok: false, line: null, message: `${req.name}: could not be read (${String(e)})` };
    if (e.line < stop) return { ok: false, line: e.line, message: `${req.name}: ${e.message}` };
    lines = e.line - 1;
  }
  replay ??= new LiveReplay(input(), hooks);
  const t = replay.finish();
  const done: TraceInput = {
    ...replay.input,
    markers: imp.markers.filter((m) => m.line < stop),
    gaps: imp.gaps.length,
    lost: imp.gaps.reduce((n, g) => n + (g.lost ?? 0), 0),
    lineCount: lines,
  };
  describeTrace(t, done);
  return { ok: true, timeline: t };
}

/** A trace's first bytes: gzip (1f 8b) or not. */
async function isGzip(file: Blob): Promise<boolean> {
  const b = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  return b[0] === 0x1f && b[1] === 0x8b;
}

/**
 * The timeline of a trace being read: the events read before it started (the first MiB) replay
 * at once, each later one as it comes.
 */
class LiveReplay {
  readonly timeline: Timeline;
  private stopped = false;

  constructor(
    readonly input: TraceInput,
    private readonly hooks: LoadHooks,
  ) {
    this.timeline = new Timeline(input.file, traceScenario(input), new TraceOps(input.events, 0));
    for (let i = 0; i < input.events.length && !this.stopped; i++) this.next(input.events.get(i));
  }

  next(ev: KernelEvent): void {
    // A refused event (a KvmBugError: the trace's page bound) ends the timeline there.
    if (!this.stopped && !this.timeline.append({ op: 'kernel_event', ev })) this.stopped = true;
  }

  finish(): Timeline {
    this.hooks.onProgress?.(this.timeline.ops.length, this.input.events.length);
    return this.timeline;
  }
}

/** A parsed trace, kept with its timeline so it can be replayed again as another kernel. */
export interface TraceInput {
  file: string;
  settings: ImportSettings;
  /** Its kernel events, packed (the ops), and where to read each one's line. */
  events: KernelEventStore;
  lines: SourceLines;
  markers: { line: number; text: string; op: number }[];
  gaps: number;
  lost: number;
  lineCount: number;
  stoppedBeforeLine: number | null;
}

/** The scenario a trace replays as: no memslots or ops of its own, its kernel and parameters. */
function traceScenario(input: TraceInput): Scenario {
  const { settings } = input;
  return {
    format: 'kvm-mmu-scenario/1',
    name: input.file,
    kernel: settings.kernel.value,
    options: { tdp: settings.tdp.value, tdpMmu: settings.tdpMmu.value },
    vm: { memslots: [], vcpus: 1, rmapHeads: 0 },
    ops: [],
    // Not a scenario field: buildWorld hands it to the trace replay (TraceScenarioExtras).
    spteLayout: importSpteLayout(settings),
  } as unknown as Scenario;
}

/** The trace's kernel events as a timeline again (another kernel), with what the replay found. */
export async function replayTrace(input: TraceInput, hooks: LoadHooks = {}): Promise<Timeline> {
  const t = await Timeline.load(
    traceScenario(input),
    input.file,
    hooks,
    new TraceOps(input.events),
  );
  describeTrace(t, input);
  return t;
}

/** What the replay checked and inferred, placed on the timeline; its markers. */
function describeTrace(t: Timeline, input: TraceInput): void {
  const { settings } = input;
  const ops = new TraceOps(input.events, t.ops.length);
  t.traceInput = input;
  const r = traceStateOf(t.endWorld());
  const positionOfLine = (line: number) => t.opStart(ops.opOfLine(line) + 1) ?? t.total;
  t.trace = {
    file: input.file,
    kernel: settings.kernel,
    tdp: settings.tdp,
    tdpMmu: settings.tdpMmu,
    lines: input.lineCount,
    stoppedBeforeLine: input.stoppedBeforeLine,
    contradictions: (r?.contradictions ?? []).map((c) => ({
      ...c,
      position: positionOfLine(c.line),
    })),
    usedPages: (r?.usedPages ?? []).map((u) => ({ ...u, position: positionOfLine(u.line) })),
    kernelStats: kernelStatsInfo(r, positionOfLine),
    inferences: {
      total: Object.values(r?.inferred ?? {}).reduce((a, b) => a + b, 0),
      byKind: { ...(r?.inferred ?? {}) },
    },
    lost: { gaps: input.gaps, events: input.lost },
  };
  t.markers = input.markers.map((m) => ({
    position: t.opStart(Math.min(m.op, t.ops.length)),
    label: m.text,
  }));
}

/** The kvm-stats checks, one entry per printed line, with the names that disagreed. */
function kernelStatsInfo(
  r: TraceReplay | null,
  positionOf: (line: number) => number,
): TraceInfo['kernelStats'] {
  const lines: TraceInfo['kernelStats']['lines'] = [];
  for (const k of r?.kernelStats ?? []) {
    let l = lines.at(-1);
    if (!l || l.line !== k.line) {
      if (lines.length >= 500) break;
      l = { line: k.line, scope: k.scope, checks: 0, bad: [], position: positionOf(k.line) };
      lines.push(l);
    }
    l.checks++;
    if (!k.agrees) l.bad.push(k.name);
  }
  const notModelled = [...(r?.statsNotModelled ?? [])].map(([name, why]) => ({ name, why }));
  return {
    total: r?.statsChecked ?? 0,
    agree: r?.statsAgreed ?? 0,
    lines,
    notModelled: notModelled.filter((n) => n.why !== OUTSIDE_MMU),
    outsideMmu: notModelled.filter((n) => n.why === OUTSIDE_MMU).length,
  };
}
