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
import { tdpMmuInEffect, type KernelOptions } from '../model/kernelOptions';
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

/** How much of a trace's text the importer reads first to tell its kernel and parameters. */
export const SNIFF_BYTES = 1 << 20;

export interface ImportOptions {
  kernel?: KernelVersion;
  tdp?: boolean;
  tdpMmu?: boolean;
  /** The host's CPU vendor (`--host`): with TDP on, Intel's SPTEs have EPT's layout. */
  host?: Host;
  /** kvm_intel's `ept` (`--ept on|off`): tdp, on an Intel host. */
  ept?: boolean;
  /** Who gave them, for the `why` of each setting (default: the CLI's flags). */
  givenBy?: string;
}

/** A setting, and whether the user gave it, the trace showed it, or the importer assumed it. */
export interface Setting<T> {
  value: T;
  how: 'given' | 'seen' | 'assumed';
  why: string;
}

export interface ImportSettings {
  kernel: Setting<KernelVersion>;
  tdp: Setting<boolean>;
  tdpMmu: Setting<boolean>;
  /** Intel (VMX; EPT with TDP on) or AMD (SVM; NPT): which SPTE layout the trace has. */
  host: Setting<Host>;
}

/** Reads the start of a trace for what it tells: a 6.10+ empty SPTE, a TDP root, the TDP MMU. */
export function sniffTrace(head: string, given: ImportOptions = {}): ImportSettings {
  const asked = given;
  if (given.ept !== undefined) given = { ...given, tdp: given.tdp ?? given.ept };
  const bit63Empty =
    /(?:old_spte|new_spte|old|new) (?:0x)?8000000000000000\b|\|0x[0-9a-f]{9,}/.test(head);
  const oldEmpty = /kvm_tdp_mmu_spte_changed: .*(?:old_spte|new_spte) (?:0|5a0)\b/.test(head);
  // 7.2 widened role.access to 4 bits (ACC_READ_MASK): "q0 rwux", "q0 direct r--x".
  const roleAccess4 =
    /: sp gen \d+ gfn [0-9a-f]+ l\d \d-byte q\d+(?: direct)? [r-][w-][u-][x-] /.test(head);
  const kernel: Setting<KernelVersion> = given.kernel
    ? { value: given.kernel, how: 'given', why: given.givenBy ?? '--kernel' }
    : roleAccess4
      ? {
          value: '7.3',
          how: 'seen',
          why: 'the role access prints 4 letters ("rwux": ACC_READ_MASK, 7.2+); read as 7.3, the newest such release modelled',
        }
      : bit63Empty
        ? {
            value: '6.12',
            how: 'seen',
            why: 'empty SPTEs carry bit 63 (6.10+) or fast_page_fault prints a 64-bit error code (6.12+)',
          }
        : oldEmpty
          ? { value: '6.1', how: 'seen', why: 'empty SPTEs without bit 63 (before 6.10)' }
          : { value: 'current', how: 'assumed', why: 'nothing in the first MiB tells the version' };
  const tdpMmuSeen = head.includes('kvm_tdp_mmu_spte_changed:');
  const root = /kvm_mmu_get_page: sp gen \d+ gfn [0-9a-f]+ l[45] \d-byte q\d( direct)?/.exec(head);
  const tdp: Setting<boolean> =
    given.tdp !== undefined
      ? { value: given.tdp, how: 'given', why: given.givenBy ?? '--tdp' }
      : tdpMmuSeen
        ? {
            value: true,
            how: 'seen',
            why: 'kvm_tdp_mmu_spte_changed events (the TDP MMU needs TDP)',
          }
        : root
          ? {
              value: root[1] !== undefined,
              how: 'seen',
              why: `the first root page is ${root[1] ? 'direct (TDP)' : 'a shadow of the guest CR3 (shadow paging)'}`,
            }
          : { value: true, how: 'assumed', why: 'no root page in the first MiB' };
  const tdpMmu: Setting<boolean> =
    given.tdpMmu !== undefined
      ? { value: given.tdpMmu, how: 'given', why: given.givenBy ?? '--tdp-mmu' }
      : tdpMmuSeen
        ? { value: true, how: 'seen', why: 'kvm_tdp_mmu_spte_changed events' }
        : tdp.value
          ? {
              value: false,
              how: 'assumed',
              why: 'TDP faults but no kvm_tdp_mmu_spte_changed in the first MiB',
            }
          : { value: false, how: 'seen', why: 'shadow paging' };
  return withHost(head, asked, { kernel, tdp, tdpMmu: tdpMmuAsWorks(tdp, tdpMmu) });
}

/** kvm_exit's reason: VMX's print in capitals (EPT_VIOLATION), SVM's in lower case (npf, "PF excp"). */
const KVM_EXIT_REASON = /kvm_exit: (?:vcpu \d+ )?reason (.+?) rip /g;
/** An SPTE a kvmmmu line prints (spte, old_spte, new_spte; fast_page_fault's new). */
const PRINTED_SPTE = /(?:spte|old 0x[0-9a-f]+ new) ([0-9a-f]+)\b/g;

/**
 * The host, given (`--host`, or `--ept`, which gives tdp too: its `why` says so), else seen: the
 * first kvm_exit whose reason is VMX's or SVM's, else an MMU-present SPTE (bit 11) with a bit
 * only EPT SPTEs have (3-4: the memory type, PWT/PCD in x86 SPTEs; 8: EPT's A bit, x86's G;
 * KVM sets neither x86 bit); else assumed AMD.
 */
function withHost(
  head: string,
  given: ImportOptions,
  s: Omit<ImportSettings, 'host'>,
): ImportSettings {
  const by = given.givenBy;
  if (given.ept !== undefined) {
    const tdp = given.tdp === undefined ? { ...s.tdp, why: by ?? '--ept' } : s.tdp;
    return { ...s, tdp, host: { value: 'intel', how: 'given', why: by ?? '--ept (kvm_intel)' } };
  }
  if (given.host) return { ...s, host: { value: given.host, how: 'given', why: by ?? '--host' } };
  return { ...s, host: hostSeen(head) };
}

function hostSeen(head: string): Setting<Host> {
  for (const [, reason] of head.matchAll(KVM_EXIT_REASON)) {
    if (/^0x[0-9a-f]+$/.test(reason!)) continue; // a code __print_symbolic has no name for
    if (/^[A-Z][A-Z0-9_]*(?: FAILED_VMENTRY)?$/.test(reason!))
      return { value: 'intel', how: 'seen', why: `kvm_exit prints VMX exit reasons ("${reason}")` };
    return { value: 'amd', how: 'seen', why: `kvm_exit prints SVM exit reasons ("${reason}")` };
  }
  for (const [, hex] of head.matchAll(PRINTED_SPTE)) {
    const low = parseInt(hex!.slice(-3), 16);
    if (low & 0x800 && low & 0x118)
      return {
        value: 'intel',
        how: 'seen',
        why: `SPTE ${hex} sets bit 3, 4 or 8 (EPT's memory type or A bit; KVM's x86 SPTEs never do)`,
      };
  }
  return {
    value: 'amd',
    how: 'assumed',
    why: 'no kvm_exit reason or EPT SPTE in the first MiB tells the CPU',
  };
}

/** tdp_mmu=Y without TDP: the setting in effect is off (tdpMmuInEffect), and the summary says so. */
function tdpMmuAsWorks(tdp: Setting<boolean>, tdpMmu: Setting<boolean>): Setting<boolean> {
  const value = tdpMmuInEffect({ tdp: tdp.value, tdpMmu: tdpMmu.value });
  if (value === tdpMmu.value) return tdpMmu;
  return {
    value,
    how: tdpMmu.how,
    why: `${tdpMmu.why}; tdp_mmu=Y has no effect: TDP is off`,
  };
}

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

  constructor(onOp: (e: KernelEvent, text?: string) => void, withText = false) {
    let text: string | undefined;
    const emit = (e: KernelEvent) => {
      onOp(e, text);
      this.ops++;
    };
    this.convert = new KernelEventsOf(emit);
    const clock = new CpuClocks(emit);
    this.handlers = {
      withText,
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
        if (stats) return this.convert.kvmStats(m.line, stats);
        this.markers.push({ line: m.line, text: m.text, op: this.ops });
        this.convert.marker();
      },
      onGap: (g: TraceGap) => {
        this.gaps.push(g);
        text = undefined;
        this.convert.gap(g.line, g.lost);
      },
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
