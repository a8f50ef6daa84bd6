/**
 * What the worker keeps between messages: the loaded timeline (and, in compare mode, the same
 * scenario under other kernel options), plus the load in progress. Pure: runs under Vitest.
 */
import type { KernelOptions } from '../model/kernelOptions';
import {
  behavioursAt,
  KERNEL_VERSIONS,
  unmodelled,
  type DatedBehaviour,
  type KernelVersion,
} from '../model/kernelVersions';
import type { MmuOp } from '../model/mmuOps';
import { PRESETS, presetByName } from '../scenario/presets';
import { parseScenario, scenarioOp, type Scenario, type ScenarioProblem } from '../scenario/schema';
import { budgetProblems, formatPath, parseCompareChange, problemsOf } from '../scenario/schema';
import { fmtLimit, LIMITS } from '../scenario/limits';
import { scenarioProblemsByLine, stripBom } from '../scenario/textErrors';
import { buildSnapshot, type SnapshotOptions } from './snapshot';
import { Cancelled, Timeline, type LoadHooks } from './timeline';
import { loadTrace, replayTrace, tracePresetRequest } from './traceSession';
import { TRACE_PRESETS, tracePresetByName } from '../scenario/tracePresets';
import type { Snapshot, TimelineInfo, TimelineSeries } from './viewTypes';

/** A scenario to load, and the kernel version to run it as (else its own). */
export type Source = (
  | { preset: string }
  | { doc: unknown; name?: string }
  | { text: string; name?: string }
  | TraceSource
  /** What is loaded now (a scenario with its appended ops, or a trace), run again. */
  | { loaded: true }
) & { kernel?: KernelVersion };

/**
 * A kernel trace (tracefs or trace-cmd report text, plain or gzip) to replay. `tdp`/`tdpMmu`
 * give KVM's module parameters where the trace does not tell them; `stopBeforeLine` opens only
 * the part before a line (the part before a bad line).
 */
export interface TraceSource {
  trace: Blob;
  name: string;
  tdp?: boolean;
  tdpMmu?: boolean;
  stopBeforeLine?: number;
}

export type LoadProblem = ScenarioProblem & {
  /** A trace that failed to parse: the line, so the page can offer the part before it. */
  traceLine?: number;
};

export type LoadResult =
  | { ok: true; info: TimelineInfo }
  | { ok: false; problems: LoadProblem[] }
  | { ok: false; cancelled: true };

/** What compare mode changes: a kernel version, and/or single options. */
export type CompareChange = Partial<KernelOptions> & { kernel?: KernelVersion };

export interface KernelInfo {
  version: KernelVersion;
  behaviours: DatedBehaviour[];
  unmodelled: string[];
}

export interface PresetInfo {
  name: string;
  title: string;
  caption: string;
  /** A real kernel trace replayed (served under traces/), or a scenario. */
  kind: 'scenario' | 'trace';
}

export class MmuSession {
  timeline: Timeline | null = null;
  compare: Timeline | null = null;
  compareOptions: Partial<KernelOptions> | null = null;
  private cancelRequested = false;

  /** Every named kernel version, what it implies, and what the model leaves out there. */
  kernels(): KernelInfo[] {
    return KERNEL_VERSIONS.map((version) => ({
      version,
      behaviours: behavioursAt(version),
      unmodelled: unmodelled(version),
    }));
  }

  presets(): PresetInfo[] {
    return [
      ...PRESETS.map(({ name, title, caption }) => ({
        name,
        title,
        caption,
        kind: 'scenario' as const,
      })),
      ...TRACE_PRESETS.map(({ name, title, caption }) => ({
        name,
        title,
        caption,
        kind: 'trace' as const,
      })),
    ];
  }

  /**
   * Parses and replays a scenario. A malformed one changes nothing (the previous timeline stays);
   * one with an op the kernel would refuse loads up to that op, and the timeline says where it stopped.
   */
  async load(
    source: Source,
    onProgress?: (done: number, total: number) => void,
  ): Promise<LoadResult> {
    if ('trace' in source || ('preset' in source && tracePresetByName(source.preset)))
      return this.loadTraceSource(source, onProgress);
    if ('loaded' in source) return this.rerun(source.kernel, onProgress);
    const parsed = parse(source);
    if (!parsed.ok) return parsed;
    return this.install((hooks) => Timeline.load(parsed.scenario, parsed.name, hooks), onProgress);
  }

  /**
   * Builds a timeline and, once it is whole, puts it in place of the loaded one (and of any
   * comparison). A failure or a cancel changes nothing.
   */
  private async install(
    build: (hooks: LoadHooks) => Promise<Timeline | LoadResult>,
    onProgress?: (done: number, total: number) => void,
  ): Promise<LoadResult> {
    this.cancelRequested = false;
    try {
      const t = await build({ onProgress, cancelled: () => this.cancelRequested });
      if (!(t instanceof Timeline)) return t;
      this.timeline = t;
      this.compare = null;
      this.compareOptions = null;
      return { ok: true, info: t.info() };
    } catch (e) {
      if (e instanceof Cancelled) return { ok: false, cancelled: true };
      throw e;
    }
  }

  /** The loaded timeline's ops again, as `kernel` (a trace keeps its parameters and lines). */
  private rerun(
    kernel: KernelVersion | undefined,
    onProgress?: (done: number, total: number) => void,
  ): Promise<LoadResult> {
    const t = this.need();
    return this.install((hooks) => {
      if (t.traceInput) {
        const k = kernel ?? t.traceInput.settings.kernel.value;
        const settings = {
          ...t.traceInput.settings,
          kernel: { value: k, how: 'given' as const, why: 'the kernel picker' },
        };
        return replayTrace({ ...t.traceInput, settings }, hooks);
      }
      return Timeline.load(t.scenarioAs({ kernel }), t.name, hooks);
    }, onProgress);
  }

  /** A trace file or trace preset; a trace that does not parse changes nothing. */
  private async loadTraceSource(
    source: Source,
    onProgress?: (done: number, total: number) => void,
  ): Promise<LoadResult> {
    const req =
      'trace' in source
        ? { givenBy: 'the page', ...source }
        : await tracePresetRequest((source as { preset: string }).preset);
    if (!req)
      return { ok: false, problems: [{ path: '(preset)', message: 'no such trace preset' }] };
    if (source.kernel && source.kernel !== req.kernel) {
      req.kernel = source.kernel;
      // The kernel picker chose it; the rest is still what the preset (or nobody) gave.
      if (!('trace' in source))
        req.givenBy = "the preset (the run's meta.txt); the kernel: the picker";
    }
    return this.install(async (hooks): Promise<Timeline | LoadResult> => {
      const r = await loadTrace(req, hooks);
      if (r.ok) return r.timeline;
      const at = r.line === null ? {} : { traceLine: r.line };
      const path = r.line === null ? '(trace)' : `line ${r.line}`;
      return { ok: false, problems: [{ path, message: r.message, ...at }] };
    }, onProgress);
  }

  series(compare = false): TimelineSeries | null {
    const t = compare ? this.compare : this.timeline;
    return t ? t.seriesArrays() : null;
  }

  cancel(): void {
    this.cancelRequested = true;
  }

  async snapshot(position: number, opts: SnapshotOptions): Promise<Snapshot> {
    const t = this.need();
    return withSourceLine(t, buildSnapshot(t, t.at(position), position, opts));
  }

  /** The compare timeline at the point matching `position` of the main one: same op, same share of it. */
  async compareSnapshot(position: number, opts: SnapshotOptions): Promise<Snapshot | null> {
    const t = this.need();
    const c = this.compare;
    if (!c) return null;
    const op = t.opAt(position);
    let p = 0;
    if (op >= 0) {
      const share = (position - t.opStart(op)) / Math.max(1, t.opStart(op + 1) - t.opStart(op));
      const i = Math.min(op, c.ops.length - 1);
      p = c.opStart(i) + Math.round(share * (c.opStart(i + 1) - c.opStart(i)));
    }
    return withSourceLine(c, buildSnapshot(c, c.at(p), p, opts));
  }

  /**
   * Replays the loaded scenario under another kernel (a version, and/or some options changed),
   * for side-by-side stepping.
   */
  async loadCompare(asked: unknown): Promise<TimelineInfo> {
    const t = this.need();
    // Every way in (a link's #compare=, an embed, the menu) goes through the options schema.
    const parsed = parseCompareChange(asked);
    if (!parsed.ok)
      throw new Error(parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    const change = parsed.change as CompareChange;
    this.compare = await Timeline.load(t.scenarioAs(change), `${t.name} (${describe(change)})`);
    this.compareOptions = change;
    return this.compare.info();
  }

  closeCompare(): void {
    this.compare = null;
    this.compareOptions = null;
  }

  /** Validates and runs one more op at the end; a refused or malformed op changes nothing. */
  append(
    op: unknown,
  ): { ok: true; info: TimelineInfo } | { ok: false; problems: ScenarioProblem[] } {
    const t = this.need();
    if (t.traceInput)
      return {
        ok: false,
        problems: [
          {
            path: '(op)',
            message: 'a replayed trace is the kernel’s record: it takes no composed operations',
          },
        ],
      };
    const r = scenarioOp.safeParse(op);
    if (!r.success)
      return {
        ok: false,
        problems: problemsOf(r.error),
      };
    // The composer's op joins the document: the document's budget covers it too.
    const ops = t.scenario.ops.slice(0, t.ops.length).concat(appended(t), [r.data]);
    const over = budgetProblems({ vm: t.scenario.vm, ops });
    if (over.length)
      return {
        ok: false,
        problems: over.map((p) => ({
          path: p.path[0] === 'ops' && p.path.length > 1 ? '(op)' : formatPath(p.path),
          message: p.message,
        })),
      };
    if (!t.append(r.data as MmuOp)) {
      const message = t.error!.message;
      t.error = null;
      return { ok: false, problems: [{ path: '(op)', message }] };
    }
    if (this.compare && !this.compare.append(r.data as MmuOp)) this.compare = null;
    return { ok: true, info: t.info() };
  }

  /** The scenario as it stands (the loaded ops plus appended ones), as JSON text. */
  scenarioText(): string {
    const t = this.need();
    if (t.traceInput) throw new Error('a replayed trace is not a scenario document');
    return JSON.stringify(
      { ...t.scenario, ops: t.scenario.ops.slice(0, t.ops.length).concat(appended(t)) },
      null,
      2,
    );
  }

  private need(): Timeline {
    if (!this.timeline) throw new Error('no scenario loaded');
    return this.timeline;
  }
}

/** The step's trace line, read from the trace (from disk, for a plain file) when it is shown. */
async function withSourceLine(t: Timeline, s: Snapshot): Promise<Snapshot> {
  const lines = t.traceInput?.lines;
  const source = s.step.source;
  if (!source || !lines) return s;
  const op = t.opAt(s.step.position);
  return {
    ...s,
    step: { ...s.step, source: { ...source, text: await lines.text(op, source.line) } },
  };
}

/** Ops appended after loading are in the timeline, not yet in its scenario. */
function appended(t: Timeline): Scenario['ops'] {
  return (t.ops as MmuOp[]).slice(t.scenario.ops.length) as Scenario['ops'];
}

/** A source's scenario, run as `source.kernel` when it names one. */
function parse(source: Source): ParseResult {
  const r = parseSource(source);
  if (!r.ok || !source.kernel) return r;
  return { ...r, scenario: { ...r.scenario, kernel: source.kernel } };
}

type ParseResult =
  { ok: true; scenario: Scenario; name: string } | { ok: false; problems: ScenarioProblem[] };

function parseSource(source: Source): ParseResult {
  if ('preset' in source) {
    const p = presetByName(source.preset);
    if (!p)
      return {
        ok: false,
        problems: [{ path: '(preset)', message: `no preset named "${source.preset}"` }],
      };
    const r = parseScenario(p.scenario);
    return r.ok ? { ok: true, scenario: r.scenario, name: p.name } : r;
  }
  let doc: unknown;
  if ('text' in source && source.text.length > LIMITS.docBytes)
    return {
      ok: false,
      problems: [
        {
          path: '(document)',
          message: `${fmtLimit(source.text.length)} characters; a document may have ${fmtLimit(LIMITS.docBytes)}`,
        },
      ],
    };
  if ('text' in source) {
    try {
      doc = JSON.parse(stripBom(source.text));
    } catch {
      doc = undefined;
    }
  } else if ('doc' in source) doc = source.doc;
  const r = doc === undefined ? null : parseScenario(doc);
  if (r?.ok)
    return {
      ok: true,
      scenario: r.scenario,
      name: ('name' in source ? source.name : undefined) ?? r.scenario.name ?? 'scenario',
    };
  // Text that does not load: find the line of every problem (here, off the main thread).
  if ('text' in source) return { ok: false, problems: scenarioProblemsByLine(source.text) };
  return r ?? { ok: false, problems: [{ path: '(document)', message: 'not a scenario' }] };
}

function describe(options: CompareChange): string {
  return Object.entries(options)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
}
