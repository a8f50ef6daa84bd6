/**
 * Opening a kernel trace in the worker: stream the whole file through the parser once (never one
 * string: a File's stream, gunzipped natively), turn each model-changing event into a
 * `kernel_event` op, tell the kernel and KVM's parameters from its first MiB, and replay the ops
 * as a timeline. The raw text of each op's line is kept for the step view; what the replay checked
 * and inferred becomes the timeline's TraceInfo.
 */
import type { KernelVersion } from '../model/kernelVersions';
import type { MmuOp } from '../model/mmuOps';
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
import { traceStateOf } from '../trace/replay/replayKernelEvent';
import { OUTSIDE_MMU } from '../trace/replay/kvmStats';
import type { TraceReplay } from '../trace/replay/replayState';
import type { TraceInfo } from './viewTypes';
import { Timeline, type LoadHooks } from './timeline';

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
  const ops: MmuOp[] = [];
  const texts: string[] = [];
  const stop = req.stopBeforeLine ?? Infinity;
  const imp = new TraceImport((ev, text) => {
    if (ev.line >= stop) return;
    ops.push({ op: 'kernel_event', ev });
    texts.push(text ?? '');
  }, true);
  const parser = new TraceParser(imp.handlers);
  // The events are replayed only once the file is read: its first MiB, kept on the way, tells
  // the kernel and parameters (one read of the file, not two).
  let head = '';
  const reading = {
    push(chunk: string) {
      if (head.length < SNIFF_BYTES) head += chunk;
      parser.push(chunk);
    },
    end: () => parser.end(),
  };
  let lines: number;
  try {
    lines = (await parseWebStream(req.trace.stream(), reading)).lines;
  } catch (e) {
    if (!(e instanceof TraceParseError))
      return { ok: false, line: null, message: `${req.name}: could not be read (${String(e)})` };
    if (e.line < stop) return { ok: false, line: e.line, message: `${req.name}: ${e.message}` };
    lines = e.line - 1;
  }
  const input: TraceInput = {
    file: req.name,
    settings: sniffTrace(head.slice(0, SNIFF_BYTES), req),
    ops,
    texts,
    markers: imp.markers.filter((m) => m.line < stop),
    gaps: imp.gaps.length,
    lost: imp.gaps.reduce((n, g) => n + (g.lost ?? 0), 0),
    lines,
    stoppedBeforeLine: Number.isFinite(stop) ? stop : null,
  };
  return { ok: true, timeline: await replayTrace(input, hooks) };
}

/** A parsed trace, kept with its timeline so it can be replayed again as another kernel. */
export interface TraceInput {
  file: string;
  settings: ImportSettings;
  ops: MmuOp[];
  texts: string[];
  markers: { line: number; text: string; op: number }[];
  gaps: number;
  lost: number;
  lines: number;
  stoppedBeforeLine: number | null;
}

/** The trace's kernel events as a timeline, with what the replay checked and inferred. */
export async function replayTrace(input: TraceInput, hooks: LoadHooks = {}): Promise<Timeline> {
  const { settings, ops } = input;
  const scenario = {
    format: 'kvm-mmu-scenario/1',
    name: input.file,
    kernel: settings.kernel.value,
    options: { tdp: settings.tdp.value, tdpMmu: settings.tdpMmu.value },
    vm: { memslots: [], vcpus: 1, rmapHeads: 0 },
    ops,
    // Not a scenario field: buildWorld hands it to the trace replay (TraceScenarioExtras).
    spteLayout: importSpteLayout(settings),
  } as unknown as Scenario;
  const t = await Timeline.load(scenario, input.file, hooks);
  t.sourceText = input.texts;
  t.traceInput = input;
  const r = traceStateOf(t.endWorld());
  const positionOfLine = (line: number) => t.opStart[opOfLine(ops, line) + 1] ?? t.total;
  t.trace = {
    file: input.file,
    kernel: settings.kernel,
    tdp: settings.tdp,
    tdpMmu: settings.tdpMmu,
    lines: input.lines,
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
    position: t.opStart[Math.min(m.op, t.ops.length)]!,
    label: m.text,
  }));
  return t;
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

/** The op that came from `line` (ops are in line order). */
function opOfLine(ops: MmuOp[], line: number): number {
  let lo = 0;
  let hi = ops.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const l = (ops[mid] as Extract<MmuOp, { op: 'kernel_event' }>).ev.line;
    if (l < line) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
