/**
 * The loaded scenario under each of the four rmap list eras, stepped together with the main
 * timeline: per era a Timeline (for the state at any position) and an EraPass (the log of every
 * add, for "the last add" and "the first add over RMAP_RECYCLE_THRESHOLD"). Pure: runs under
 * Vitest.
 *
 * Each era is the scenario with `rmap` set to it and `addReturnLegacy` back to the era's own
 * (null), not a kernel version: a version would also change the shrinker, the gfns pages, eager
 * splitting and the rest, and the panes would no longer differ by the list alone. The era's
 * add return is the one its traced kernel has (2.6.37 leaves out the full last descriptor, v5.14
 * does not), which is why addReturnLegacy is reset even when the scenario names a kernel.
 */
import type { KernelVersion } from '../model/kernelVersions';
import type { PteListVariant, PteListVariantName } from '../model/pteListVariant';
import { buildWorld } from '../scenario/runScenario';
import type { Scenario } from '../scenario/schema';
import { EraPass } from './eraLog';
import { probeThreshold, type ThresholdProbe } from './eraProbe';
import { eraPane } from './eraPane';
import type { ErasInfo, ErasSnapshot } from './eraTypes';
import { Cancelled, Timeline, type LoadHooks } from './timeline';

/** The four eras, oldest first, each with the release its golden traces (or KERNEL_VERSIONS) name. */
export const ERAS: readonly { era: PteListVariantName; traced: KernelVersion }[] = [
  { era: 'rmap_ext4', traced: '2.6.37' },
  { era: 'pte_list_ext3', traced: '5.14' },
  { era: 'spte_count', traced: '6.1' },
  { era: 'tail_count', traced: '6.4' },
];

export class EraRun {
  /** Main-timeline ops this era has been given (an era that refused one stops there). */
  opsSeen: number;
  constructor(
    readonly era: PteListVariantName,
    readonly traced: KernelVersion,
    readonly timeline: Timeline,
    readonly pass: EraPass,
    readonly probe: ThresholdProbe,
  ) {
    this.opsSeen = timeline.ops.length;
  }

  get variant(): PteListVariant {
    return this.pass.world.vm.lists.variant;
  }

  get threshold(): number {
    return this.pass.world.vm.opts.rmapRecycleThreshold;
  }
}

/** The scenario as era `era` runs it (the ops the main timeline holds, appended ones included). */
export function eraScenario(main: Timeline, era: PteListVariantName): Scenario {
  return main.scenarioAs({ rmap: era, addReturnLegacy: null });
}

/** The longest timeline the Eras view replays: four more timelines of it must fit beside it. */
export const ERAS_MAX_OPS = 1_000_000;

export class EraSet {
  private constructor(
    readonly source: Timeline,
    readonly runs: EraRun[],
    readonly ms: number,
  ) {}

  /** Replays `main`'s scenario under every era: progress counts ops over the eight passes. */
  static async load(main: Timeline, hooks: LoadHooks = {}): Promise<EraSet> {
    if (main.ops.length > ERAS_MAX_OPS)
      throw new Error(
        `the Eras view replays the timeline once per era, four times: it takes up to ${ERAS_MAX_OPS.toLocaleString('en')} operations, and this one has ${main.ops.length.toLocaleString('en')}`,
      );
    const t0 = performance.now();
    const n = Math.max(1, main.ops.length);
    const runs: EraRun[] = [];
    for (const [k, { era, traced }] of ERAS.entries()) {
      const scenario = eraScenario(main, era);
      const at = (pass: number, done: number) =>
        hooks.onProgress?.((2 * k + pass) * n + done, 2 * ERAS.length * n);
      const timeline = await Timeline.load(scenario, `${main.name} (${era})`, {
        cancelled: hooks.cancelled,
        onProgress: (done) => at(0, done),
      });
      const world = buildWorld(scenario);
      const pass = new EraPass(world, world.vm.opts.rmapRecycleThreshold);
      let chunk = performance.now();
      for (let i = 0; i < timeline.ops.length; i++) {
        pass.apply(timeline.ops.at(i)!);
        if (performance.now() - chunk > 16) {
          at(1, i + 1);
          await new Promise((r) => setTimeout(r, 0)); // let cancel and snapshots in
          if (hooks.cancelled?.()) throw new Cancelled();
          chunk = performance.now();
        }
      }
      const probe = probeThreshold(world.vm.lists.variant, world.vm.opts.rmapRecycleThreshold);
      const run = new EraRun(era, traced, timeline, pass, probe);
      // The era's timeline stops at a refused op; the main timeline's later ops never reach it.
      if (timeline.error) run.opsSeen = main.ops.length;
      runs.push(run);
    }
    hooks.onProgress?.(2 * ERAS.length * n, 2 * ERAS.length * n);
    return new EraSet(main, runs, performance.now() - t0);
  }

  /** Runs ops appended to the main timeline since (the op composer) in every era. */
  catchUp(): void {
    const ops = this.source.ops;
    for (const run of this.runs) {
      for (; run.opsSeen < ops.length; run.opsSeen++) {
        if (run.timeline.error || run.pass.error) continue;
        const op = ops.at(run.opsSeen)!;
        if (run.timeline.append(op)) run.pass.apply(op);
      }
    }
  }

  info(): ErasInfo {
    return {
      eras: this.runs.map((r) => ({
        era: r.era,
        total: r.timeline.total,
        adds: r.pass.log.n,
        truncated: r.pass.log.truncated,
      })),
      ms: Math.round(this.ms),
    };
  }

  snapshot(position: number): ErasSnapshot {
    this.catchUp();
    const panes = this.runs.map((run) =>
      eraPane(run, mapPosition(this.source, run.timeline, position)),
    );
    return { position, threshold: this.runs[0]!.threshold, panes };
  }
}

/**
 * The position of `other` matching `position` of `main`: the same op, the same share of its
 * micro-steps (as compare mode steps its second kernel). Op boundaries match exactly.
 */
export function mapPosition(main: Timeline, other: Timeline, position: number): number {
  const op = main.opAt(position);
  if (op < 0 || other.ops.length === 0) return 0;
  if (op >= other.ops.length) return other.total;
  const steps = Math.max(1, main.opStart(op + 1) - main.opStart(op));
  const share = (position - main.opStart(op)) / steps;
  return other.opStart(op) + Math.round(share * (other.opStart(op + 1) - other.opStart(op)));
}
