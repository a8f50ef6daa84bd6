/**
 * A trace import, platform-free: what the trace lets one tell about the kernel and KVM's module
 * parameters (from its first MiB), the parser's handlers that turn lines into kernel events, and
 * the summary `npm run import -- --json` prints. Node and browser readers feed it (nodeImport.ts,
 * the worker's traceSession.ts).
 */
import {
  optionsForKernel,
  resolveKernelRelease,
  type KernelVersion,
} from '../model/kernelVersions';
import type { KernelEvent } from './replay/kernelEvents';
import { spteLayoutOf, type Host, type SpteLayout } from './replay/spteBits';
import type { KernelOptions } from '../model/kernelOptions';
import type { MmuWorld } from '../model/mmuOps';
import { rmapReport } from '../model/accounting';
import { isLastSpte, isPresent, SPTE_ENT_PER_PAGE } from '../model/spte';
import { spteFlags } from '../model/sptes';
import { TraceReplay, type Contradiction } from './replay/replayState';
import { traceStateOf } from './replay/replayKernelEvent';
import { KernelEventsOf } from './kernelEventsOf';
import { parseKvmStatsLine } from './kvmStatsLine';
import type { KernelStatCheck } from './replay/kvmStats';
import type { TraceGap, TraceHandlers, TraceMarker, TraceSummary } from './traceParser';
import type { ImportSettings, Setting } from './sniffTrace';

export {
  sniffTrace,
  SNIFF_BYTES,
  type ImportOptions,
  type ImportSettings,
  type Setting,
} from './sniffTrace';

export function importKernelOptions(s: ImportSettings): Partial<KernelOptions> {
  return { ...optionsForKernel(s.kernel.value), tdp: s.tdp.value, tdpMmu: s.tdpMmu.value };
}

/** The SPTE layout the replay reads the trace by (installTraceReplay): EPT for TDP on Intel. */
export function importSpteLayout(s: ImportSettings): SpteLayout {
  return spteLayoutOf(s.host.value, s.tdp.value);
}

/**
 * Any release, as uname -r prints it too: the newest modelled version at or below it
 * (resolveKernelRelease). Behaviours a release between two modelled ones has on top (its
 * `options`) are not carried by ImportOptions.
 */
export function parseKernelFlag(v: string): KernelVersion {
  try {
    return resolveKernelRelease(v).version;
  } catch (e) {
    throw new Error(`--kernel ${v}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Each CPU's clock as the trace goes: a line before its CPU's last one is a `clock_back` event,
 * said once, after which the CPU's clock is that line's (a joined second run says so once, not
 * at each of its lines).
 */
export class CpuClocks {
  /** By CPU number: two plain arrays, as this runs at every line (no object per line). */
  private readonly ts: number[] = [];
  private readonly line: number[] = [];

  constructor(private readonly emit: (e: KernelEvent) => void) {}

  tick(line: number, cpu: number, ts: number): void {
    const prevTs = this.ts[cpu];
    // Compared as parsed: equal stamps are fine (two events in one microsecond).
    if (prevTs !== undefined && ts < prevTs)
      this.emit({ ev: 'clock_back', line, cpu, ts, prevTs, prevLine: this.line[cpu]! });
    this.ts[cpu] = ts;
    this.line[cpu] = line;
  }
}

/** The parser's handlers for an import: each event that changes the model goes to `onOp`. */
export class TraceImport {
  readonly markers: { line: number; text: string; op: number }[] = [];
  readonly gaps: TraceGap[] = [];
  /** Kernel events emitted so far: the op index a marker is placed before. */
  ops = 0;
  private readonly convert: KernelEventsOf;

  /**
   * `kernel`: the release the user gave (--kernel), by whose layout a trace-cmd report's role
   * words are read; without it the trace's first MiB tells, as it tells the replay's.
   */
  constructor(
    onOp: (e: KernelEvent, text?: string) => void,
    withText = false,
    kernel?: KernelVersion,
  ) {
    this.convert = new KernelEventsOf((e, text) => {
      onOp(e, text);
      this.ops++;
    });
    let text: string | undefined;
    const clock = new CpuClocks((e) => this.convert.pass(e, text));
    this.handlers = {
      withText,
      kernel,
      onEvent: (e) => {
        text = e.text;
        clock.tick(e.line, e.cpu, e.ts);
        this.convert.event(e);
      },
      onMarker: (m: TraceMarker) => {
        // The ops a marker line gives (kvm_stats, clock_back) show that line, not the last event's.
        text = m.lineText;
        clock.tick(m.line, m.cpu, m.ts);
        const stats = parseKvmStatsLine(m.text);
        if (stats) return this.convert.kvmStats(m.line, stats, text);
        this.convert.marker();
        this.markers.push({ line: m.line, text: m.text, op: this.ops });
      },
      onGap: (g: TraceGap) => {
        this.gaps.push(g);
        text = undefined;
        this.convert.gap(g.line, g.lost);
      },
      onEnd: () => this.convert.flush(),
    };
  }

  readonly handlers: TraceHandlers;
}

export interface RmapFigures {
  heads: number;
  maxChain: number;
  descriptors: number;
}

/** What `npm run import -- --json` prints. */
export interface ImportSummary {
  kernel: Setting<string>;
  tdp: Setting<boolean>;
  tdpMmu: Setting<boolean>;
  host: Setting<Host>;
  lines: number;
  events: Record<string, number>;
  skipped: Record<string, number>;
  markers: { line: number; text: string }[];
  lost: {
    gaps: number;
    events: number;
    at: { line: number; cpu: number | null; lost: number | null }[];
  };
  replayed: number;
  pages: { created: number; reused: number; zapped: number; live: number; liveTdpMmu: number };
  usedPages: { line: number; kernel: number; model: number }[];
  /** Every value of a kvm-stats line the model keeps, with the model's at that line (the first 20,000). */
  kernelStats: KernelStatCheck[];
  /** Checks in all, and how many agree. */
  kernelStatsChecked: { total: number; agree: number };
  /** Statistics the trace printed that the model does not keep, with why. */
  notModelled: { name: string; why: string }[];
  rmaps: { end: RmapFigures; peak: RmapFigures };
  teardown: {
    shadowPages: number;
    leafSptes: number;
    rmapEntries: number;
    tdpMmuPages: number;
    note: string;
  };
  inferences: {
    total: number;
    byKind: Record<string, number>;
    first: { line: number; kind: string; text: string }[];
  };
  contradictions: Contradiction[];
}

export function importSummary(
  world: MmuWorld,
  parsed: TraceSummary,
  imp: TraceImport,
  settings: ImportSettings,
): ImportSummary {
  const vm = world.vm;
  const r = traceStateOf(world) ?? new TraceReplay();
  const events: Record<string, number> = {};
  for (const [name, n] of Object.entries(parsed.counts))
    if (!(name in parsed.skipped)) events[name] = n;
  const end = rmapReport(vm);
  let shadowPages = 0;
  let live = 0;
  let tdpMmuPages = 0;
  let leafSptes = 0;
  for (const sp of vm.livePages()) {
    if (sp.tdpMmuPage) {
      tdpMmuPages++;
      continue;
    }
    shadowPages++;
    if (!sp.zapped) live++;
    for (let i = 0; i < SPTE_ENT_PER_PAGE; i++) {
      const f = spteFlags(vm, sp, i);
      if (isPresent(f) && isLastSpte(f, sp.level)) leafSptes++;
    }
  }
  const byKind = r.inferred as Record<string, number>;
  return {
    kernel: settings.kernel,
    tdp: settings.tdp,
    tdpMmu: settings.tdpMmu,
    host: settings.host,
    lines: parsed.lines,
    events,
    skipped: parsed.skipped,
    markers: imp.markers.map(({ line, text }) => ({ line, text })),
    lost: { gaps: parsed.gaps, events: parsed.lost, at: imp.gaps },
    replayed: imp.ops,
    pages: {
      ...r.pages,
      live,
      liveTdpMmu: tdpMmuPages,
    },
    usedPages: r.usedPages,
    kernelStats: r.kernelStats,
    kernelStatsChecked: {
      total: r.statsChecked,
      agree: r.statsAgreed,
    },
    notModelled: [...r.statsNotModelled].map(([name, why]) => ({ name, why })),
    rmaps: {
      end: { heads: end.heads, maxChain: end.maxChain, descriptors: end.descriptors },
      peak: { ...r.peak },
    },
    teardown: {
      shadowPages,
      leafSptes,
      rmapEntries: end.entries,
      tdpMmuPages,
      note:
        tdpMmuPages > 0
          ? `${tdpMmuPages} TDP MMU page(s) left: the kernel frees TDP MMU roots without an event (RCU), so the model cannot tell when`
          : 'nothing left',
    },
    inferences: {
      total: Object.values(byKind).reduce((a, b) => a + b, 0),
      byKind,
      first: r.inferences,
    },
    contradictions: r.contradictions,
  };
}
