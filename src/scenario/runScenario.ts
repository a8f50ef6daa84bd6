/**
 * Runs a parsed scenario through the model, op by op. An op the kernel would refuse stops the
 * run with its index and message; the ops before it stay applied.
 */
import {
  memoryReport,
  pageCounts,
  rmapReport,
  type MemoryReport,
  type PageCounts,
  type RmapReport,
} from '../model/accounting';
import { KvmBugError } from '../model/errors';
import {
  applyMmuOp,
  MmuWorld,
  type MmuOp,
  type MmuOpCost,
  type MmuOpResult,
} from '../model/mmuOps';
import type { KernelOptions } from '../model/kernelOptions';
import {
  behavioursAt,
  optionsForKernel,
  unmodelled,
  type DatedBehaviour,
} from '../model/kernelVersions';
import { installTraceReplay, type TraceScenarioExtras } from '../trace/replay/replayKernelEvent';
import type { Scenario } from './schema';

export interface OpError {
  index: number;
  message: string;
}

export interface ScenarioRun {
  scenario: Scenario;
  world: MmuWorld;
  results: MmuOpResult[];
  error: OpError | null;
}

/** The kernel options a scenario runs with: its kernel version's, then its own overrides. */
export function scenarioOptions(s: Scenario): Partial<KernelOptions> {
  const base = s.kernel ? optionsForKernel(s.kernel) : {};
  return { ...base, ...(s.options as Partial<KernelOptions>) };
}

export function buildWorld(s: Scenario): MmuWorld {
  const world = new MmuWorld(s.vm, scenarioOptions(s));
  // A replayed trace's ops are kernel events: the world replays them through a trace replay.
  const extras = s as Scenario & Partial<TraceScenarioExtras>;
  if (extras.spteLayout !== undefined || (s.ops[0] as MmuOp | undefined)?.op === 'kernel_event')
    installTraceReplay(world, extras.spteLayout);
  return world;
}

export function runScenario(
  s: Scenario,
  opts: { record?: boolean; onOp?: (i: number, r: MmuOpResult) => void } = {},
): ScenarioRun {
  const world = buildWorld(s);
  const results: MmuOpResult[] = [];
  for (let i = 0; i < s.ops.length; i++) {
    try {
      const r = applyMmuOp(world, s.ops[i] as MmuOp, opts);
      results.push(r);
      opts.onOp?.(i, r);
    } catch (e) {
      if (!(e instanceof KvmBugError)) throw e;
      return {
        scenario: s,
        world,
        results,
        error: { index: i, message: `ops[${i}] (${s.ops[i]!.op}): ${e.message}` },
      };
    }
  }
  return { scenario: s, world, results, error: null };
}

/** The figures `npm run replay -- --json` prints and docs quote. */
export interface ScenarioFigures {
  /** The kernel version asked for ("current" when the scenario names none) and what it implied. */
  kernel: { version: string; behaviours: DatedBehaviour[]; unmodelled: string[] };
  options: KernelOptions;
  memory: MemoryReport;
  caches: {
    name: string;
    nobjs: number;
    capacity: number;
    min: number;
    bytes: number;
    emergencyAllocs: number;
  }[];
  pages: PageCounts;
  rmap: RmapReport;
  costs: MmuOpCost;
  flushes: { tlb: number; range: number };
  lockDrops: number;
  splits: { done: number; refused: number };
  rmapRecycles: number;
  error: OpError | null;
}

export function figures(run: ScenarioRun): ScenarioFigures {
  const vm = run.world.vm;
  const costs = run.results.reduce<MmuOpCost>(
    (sum, r) => {
      for (const k of Object.keys(sum) as (keyof MmuOpCost)[]) sum[k] += r.cost[k];
      return sum;
    },
    {
      pagesCreated: 0,
      pagesReused: 0,
      pagesZapped: 0,
      leafSptesSet: 0,
      descsAllocated: 0,
      descsFreed: 0,
      tlbFlushes: 0,
      rangeFlushes: 0,
      lockDrops: 0,
      descsVisited: 0,
      slotCompares: 0,
      cacheLines: 0,
    },
  );
  const version = run.scenario.kernel ?? 'current';
  return {
    kernel: { version, behaviours: behavioursAt(version), unmodelled: unmodelled(version) },
    options: vm.opts,
    memory: memoryReport(vm),
    caches: vm.allCaches().map((c) => ({
      name: c.name,
      nobjs: c.nobjs,
      capacity: c.capacity,
      min: c.min,
      bytes: c.bytes,
      emergencyAllocs: c.emergencyAllocs,
    })),
    pages: pageCounts(vm),
    rmap: rmapReport(vm),
    costs,
    flushes: { tlb: vm.stats.tlbFlushes, range: vm.stats.rangeFlushes },
    lockDrops: vm.stats.lockDrops,
    splits: { done: vm.stats.splitsDone, refused: vm.stats.splitsRefused },
    rmapRecycles: vm.stats.rmapRecycles,
    error: run.error,
  };
}
