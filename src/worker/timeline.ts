/**
 * A scenario's history: every op replayed once to count its micro-steps, with checkpoints (world
 * copies) taken every ~12 ms of replay, so any position is a checkpoint, a few ops and one
 * partial op away. Positions run 0 (before anything) to `total`; op i covers
 * (opStart[i], opStart[i + 1]], and position opStart[i] + j is the state after its j-th step.
 * Pure (no worker API): it runs under Vitest.
 */
import { KvmBugError } from '../model/errors';
import { MmuRecorder, Paused, type MmuStep } from '../model/mmuEvents';
import { applyMmuOp, opLabel, type MmuOp, type MmuOpResult, type MmuWorld } from '../model/mmuOps';
import { PAGE_SIZE, SIZEOF_KVM_MMU_PAGE } from '../model/mmuPage';
import { buildWorld } from '../scenario/runScenario';
import type { KernelOptions } from '../model/kernelOptions';
import type { KernelVersion } from '../model/kernelVersions';
import type { Scenario } from '../scenario/schema';
import type { TraceInput } from './traceSession';
import { f64, Growable, u32 } from '../lib/growable';
import type { OpList } from './opList';
import type { TimelineInfo, TimelineSeries, TraceInfo } from './viewTypes';

/** Replay time between checkpoints, to begin with. */
const CHECKPOINT_MS = 12;
/**
 * What the checkpoints may hold (by the worlds' estimated size). Past it the two neighbouring
 * gaps cheapest to replay together become one, and new ones come at half the mean gap: a
 * million-op trace keeps a bounded set whose gaps stay even (by replay time), so the worst seek
 * is about the mean one.
 */
export const CHECKPOINT_BYTES = 512 << 20;
/** Ops with more micro-steps than this keep only a window of them around the current one. */
export const FULL_STEP_LIST = 20_000;
const STEP_WINDOW = 400;

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

export type ProgressUnit = 'operations' | 'bytes';

export interface LoadHooks {
  /** Called now and then with ops done / ops in all (or bytes read / the file's size; 0: unknown). */
  onProgress?: (done: number, total: number, unit?: ProgressUnit) => void;
  /** Checked between chunks; true stops the load with Cancelled. */
  cancelled?: () => boolean;
}

/** One op seen from the inside: its steps (or a window of them) and what it did. */
export interface OpDetail {
  op: number;
  steps: MmuStep[];
  /** Index (0-based step number inside the op) of steps[0]. */
  firstStep: number;
  result: MmuOpResult;
}

export interface PositionState {
  world: MmuWorld;
  /** -1 before the first op. */
  op: number;
  /** Steps of the op done (0 = before the op; = stepsInOp when it is over). */
  stepInOp: number;
  stepsInOp: number;
  detail: OpDetail | null;
}

export class Timeline {
  /** CHECKPOINT_BYTES and CHECKPOINT_MS; tests lower them. */
  static checkpointBudget = CHECKPOINT_BYTES;
  static checkpointEveryMs = CHECKPOINT_MS;
  /** What the replay time of an op is measured with; tests give every op the same. */
  static clock = (): number => performance.now();
  readonly ops: OpList;
  /** opStart[i]: the position before op i; typed, as a trace has millions of ops. */
  private readonly starts = new Growable(f64);
  private readonly series = {
    descriptors: new Growable(u32),
    bytes: new Growable(f64),
    flushes: new Growable(u32),
    pages: new Growable(u32),
  };
  error: { index: number; message: string } | null = null;
  /** For a replayed trace: what the replay found, the VMM's markers. */
  trace: TraceInfo | null = null;
  /** The parsed trace behind it, to replay it again as another kernel. */
  traceInput: TraceInput | null = null;
  markers: { position: number; label: string }[] = [];
  /** `ms`: the replay time from this checkpoint to the next (the last one's still grows). */
  private checkpoints: { op: number; world: MmuWorld; bytes: number; ms: number }[] = [];
  private checkpointMs = Timeline.checkpointEveryMs;
  private checkpointBytes = 0;
  /** The world after the last op: where appended ops run. */
  private end: MmuWorld;
  /** The op last looked into: the world before it, and its detail. */
  private cur: { op: number; before: MmuWorld; detail: OpDetail; after: MmuWorld } | null = null;
  private sinceCheckpoint = 0;

  /** `ops` is where appended ops go: empty (an array, or a trace's store seen from its start). */
  constructor(
    readonly name: string,
    readonly scenario: Scenario,
    ops: OpList = [],
  ) {
    this.ops = ops;
    this.starts.push(0);
    this.end = buildWorld(scenario);
    this.checkpoints.push({ op: 0, world: this.end.clone(), bytes: 0, ms: 0 });
  }

  /** Replays `ops` (the scenario's own unless given: a trace's packed events) into a new timeline. */
  static async load(
    scenario: Scenario,
    name: string,
    hooks: LoadHooks = {},
    ops: OpList = scenario.ops as MmuOp[],
  ): Promise<Timeline> {
    const t = new Timeline(name, scenario, ops.slice(0, 0));
    const pace = new Pace(hooks);
    for (let i = 0; i < ops.length; i++) {
      if (!t.append(ops.at(i)!)) break;
      await pace.tick(i + 1, ops.length);
    }
    hooks.onProgress?.(ops.length, ops.length);
    return t;
  }

  /** opStart[i] for i in 0..ops: the position before op i (after op i - 1). */
  opStart(i: number): number {
    return this.starts.get(i);
  }

  /** Its ops (appended ones too) as a scenario, under another kernel and/or options. */
  scenarioAs(change: Partial<KernelOptions> & { kernel?: KernelVersion } = {}): Scenario {
    const { kernel, ...options } = change;
    return {
      ...this.scenario,
      kernel: kernel ?? this.scenario.kernel,
      options: { ...this.scenario.options, ...options },
      ops: this.ops.slice(0) as unknown as Scenario['ops'],
    };
  }

  /** The world after the last op (read only: appended ops run on it). */
  endWorld(): MmuWorld {
    return this.end;
  }

  get total(): number {
    return this.starts.get(this.starts.length - 1);
  }

  /** Runs `op` after the last one. False (and nothing changes) when the kernel would refuse it. */
  append(op: MmuOp): boolean {
    const i = this.ops.length;
    const counter = new MmuRecorder({ keep: false });
    const t0 = Timeline.clock();
    const before = this.sinceCheckpoint >= this.checkpointMs ? this.end.clone() : null;
    try {
      applyMmuOp(this.end, op, { recorder: counter });
    } catch (e) {
      if (!(e instanceof KvmBugError)) throw e;
      this.error = { index: i, message: `ops[${i}] (${op.op}): ${e.message}` };
      return false;
    }
    const ms = Timeline.clock() - t0;
    if (before) {
      const bytes = worldBytes(before);
      this.checkpoints.push({ op: i, world: before, bytes, ms: 0 });
      this.checkpointBytes += bytes;
      if (this.checkpointBytes > Timeline.checkpointBudget) this.thinCheckpoints();
      this.sinceCheckpoint = 0;
    }
    this.sinceCheckpoint += ms;
    this.checkpoints.at(-1)!.ms += ms;
    this.error = null;
    this.ops.push(op);
    this.starts.push(this.total + counter.count);
    const vm = this.end.vm;
    this.series.descriptors.push(vm.lists.liveDescs);
    this.series.pages.push(vm.nUsedMmuPages + vm.tdpMmuPages);
    this.series.flushes.push(vm.stats.tlbFlushes + vm.stats.rangeFlushes);
    const pages = vm.nUsedMmuPages + vm.tdpMmuPages;
    const cacheBytes = vm.allCaches().reduce((n, c) => n + c.bytes, 0);
    this.series.bytes.push(
      pages * PAGE_SIZE +
        vm.nUsedMmuPages * SIZEOF_KVM_MMU_PAGE +
        vm.translationPages * PAGE_SIZE +
        vm.lists.liveDescs * vm.lists.variant.layout.size +
        cacheBytes,
    );
    return true;
  }

  info(): TimelineInfo {
    return {
      name: this.name,
      ops: this.ops.length,
      total: this.total,
      opStart: this.starts.copy(),
      kernel: this.scenario.kernel ?? 'current',
      options: this.end.vm.opts,
      markers: this.markers,
      error: this.error,
      ...(this.trace && { trace: this.trace }),
    };
  }

  /** Short label of op i, e.g. "fault nested gfn 0x40000". */
  opLabel(i: number): string {
    return opLabel(this.ops.at(i)!, this.end.trace);
  }

  seriesArrays(): TimelineSeries {
    const s = this.series;
    return {
      descriptors: s.descriptors.copy(),
      bytes: s.bytes.copy(),
      flushes: s.flushes.copy(),
      pages: s.pages.copy(),
    };
  }

  /** Bytes of its per-op arrays and its checkpoints (as estimated): for the benches. */
  get heldBytes(): { arrays: number; checkpoints: number; count: number } {
    const s = this.series;
    const arrays = [this.starts, s.descriptors, s.bytes, s.flushes, s.pages];
    return {
      arrays: arrays.reduce((n, a) => n + a.bytes, 0),
      checkpoints: this.checkpointBytes,
      count: this.checkpoints.length,
    };
  }

  /** The op each checkpoint is taken before: for the tests of their spacing. */
  get checkpointOps(): number[] {
    return this.checkpoints.map((c) => c.op);
  }

  /**
   * Back under the budget: again and again, the checkpoint between the two gaps cheapest to
   * replay together goes (never the first), so the gaps stay even by replay time. New ones then
   * come at half the mean gap, two of which make one of the mean.
   */
  private thinCheckpoints(): void {
    const cps = this.checkpoints;
    while (this.checkpointBytes > Timeline.checkpointBudget && cps.length > 2) {
      let k = 1;
      for (let j = 2; j < cps.length; j++)
        if (cps[j - 1]!.ms + cps[j]!.ms < cps[k - 1]!.ms + cps[k]!.ms) k = j;
      cps[k - 1]!.ms += cps[k]!.ms;
      this.checkpointBytes -= cps[k]!.bytes;
      cps.splice(k, 1);
    }
    const replayMs = cps.reduce((n, c) => n + c.ms, 0);
    this.checkpointMs = Math.max(this.checkpointMs, replayMs / cps.length / 2);
  }

  /** The op that position `p` belongs to: -1 for 0, else i with opStart[i] < p <= opStart[i + 1]. */
  opAt(p: number): number {
    if (p <= 0) return -1;
    let lo = 0;
    let hi = this.ops.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts.get(mid) < p) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The model at position `p`: a private copy the caller may read (and throw away). */
  at(p: number): PositionState {
    const pos = Math.max(0, Math.min(this.total, Math.round(p)));
    const op = this.opAt(pos);
    if (op < 0)
      return {
        world: this.checkpoints[0]!.world.clone(),
        op: -1,
        stepInOp: 0,
        stepsInOp: 0,
        detail: null,
      };
    const cur = this.enter(op);
    const stepsInOp = this.starts.get(op + 1) - this.starts.get(op);
    const j = pos - this.starts.get(op);
    if (j === stepsInOp)
      return {
        world: cur.after.clone(),
        op,
        stepInOp: j,
        stepsInOp,
        detail: this.windowed(cur.detail, j),
      };
    const world = cur.before.clone();
    try {
      applyMmuOp(world, this.ops.at(op)!, {
        recorder: new MmuRecorder({ keep: false, stopAfter: j }),
      });
    } catch (e) {
      if (!(e instanceof Paused)) throw e;
    }
    return { world, op, stepInOp: j, stepsInOp, detail: this.windowed(cur.detail, j) };
  }

  /** Makes op `i` the current one: the world before it, its steps, the world after it. */
  private enter(i: number): NonNullable<Timeline['cur']> {
    if (this.cur?.op === i) return this.cur;
    const before = this.worldBefore(i);
    const after = before.clone();
    const steps = this.starts.get(i + 1) - this.starts.get(i);
    const rec = new MmuRecorder(steps <= FULL_STEP_LIST ? {} : { keep: false });
    const result = applyMmuOp(after, this.ops.at(i)!, { recorder: rec });
    this.cur = { op: i, before, after, detail: { op: i, steps: rec.steps, firstStep: 0, result } };
    return this.cur;
  }

  /** For a long op, the steps around j, recorded on a copy (the full list would not fit). */
  private windowed(detail: OpDetail, j: number): OpDetail {
    const steps = this.starts.get(detail.op + 1) - this.starts.get(detail.op);
    if (steps <= FULL_STEP_LIST) return detail;
    const from = Math.max(0, j - STEP_WINDOW / 2);
    const rec = new MmuRecorder({
      keep: { from, to: from + STEP_WINDOW },
      stopAfter: Math.min(steps, from + STEP_WINDOW),
    });
    try {
      applyMmuOp(this.cur!.before.clone(), this.ops.at(detail.op)!, { recorder: rec });
    } catch (e) {
      if (!(e instanceof Paused)) throw e;
    }
    return { ...detail, steps: rec.steps, firstStep: from };
  }

  private worldBefore(i: number): MmuWorld {
    if (this.cur && this.cur.op === i - 1) return this.cur.after.clone();
    let c = this.checkpoints[0]!;
    for (const cp of this.checkpoints) if (cp.op <= i) c = cp;
    const w = c.world.clone();
    for (let k = c.op; k < i; k++) applyMmuOp(w, this.ops.at(k)!);
    return w;
  }
}

/** Lets messages in (a cancel, progress) every 16 ms of a long replay. */
export class Pace {
  private since = performance.now();

  constructor(
    private readonly hooks: LoadHooks,
    private readonly unit: ProgressUnit = 'operations',
  ) {}

  async tick(done: number, total: number): Promise<void> {
    if (performance.now() - this.since <= 16) return;
    this.hooks.onProgress?.(done, total, this.unit);
    await new Promise((r) => setTimeout(r, 0));
    if (this.hooks.cancelled?.()) throw new Cancelled();
    this.since = performance.now();
  }
}

/**
 * A world copy's size, roughly: each page's entries (10 bytes each, SptStore) and header, each
 * descriptor, and what every world has. Only the checkpoint budget uses it.
 */
function worldBytes(w: MmuWorld): number {
  const vm = w.vm;
  return (vm.nUsedMmuPages + vm.tdpMmuPages) * 5632 + vm.lists.liveDescs * 160 + (64 << 10);
}
