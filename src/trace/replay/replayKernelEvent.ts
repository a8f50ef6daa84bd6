/**
 * Replaying a real kernel's kvmmmu events through the model: one event at a time, each to the
 * file of its family (shadow pages, leaf SPTEs, the TDP MMU, KVM's statistics). The model's own
 * code does the work; these files only say which model call each event is.
 */
import { KvmBugError } from '../../model/errors';
import type { EventReplayer, MmuWorld, RecordedEvent } from '../../model/mmuOps';
import { PT64_ROOT_MAX_LEVEL, type Kvm } from '../../model/vm';
import { kernelEventLabel, type KernelEvent } from './kernelEvents';
import { fastOutcome, faultTaken, tdpMmuChangedInFault } from './faultOutcome';
import { checkKvmStats } from './kvmStats';
import { fastPageFault, setSpte } from './leaves';
import { agree, contradict, TraceReplay, type Replay } from './replayState';
import { getPage, prepareZap, syncState } from './shadowPages';
import { shadowSplitEvent } from './shadowSplit';
import type { SpteLayout } from './spteBits';
import { replayTdpMmuEvent } from './tdpMmu';

/** Applies one kernel event; returns the op's summary. Never throws on a disagreement. */
export function replayKernelEvent(vm: Kvm, r: TraceReplay, e: KernelEvent): string {
  const x: Replay = { vm, r, line: e.line };
  r.line = e.line;
  vm.onRmapChange = r.rmapHook();
  try {
    const summary = apply(x, e);
    if (e.ev !== 'prepare_zap' && e.ev !== 'sync_page') {
      r.lastZapped = null;
      // The kernel paths the kvm plugin's gfn-less zaps are placed by end here (pluginPages.ts).
      r.zapFollowers.length = 0;
      r.obsoleteZaps = e.ev === 'zap_all_fast';
    }
    if (e.ev !== 'tdp_spte_changed' && e.ev !== 'prepare_zap') r.tdpUnlinked = -1;
    const descs = vm.lists.liveDescs;
    if (descs > r.peak.descriptors) r.peak.descriptors = descs;
    return summary;
  } finally {
    vm.onRmapChange = null;
  }
}

/** A level no x86 page table has (PT64_ROOT_MAX_LEVEL is 5): the line is wrong, not the model. */
function impossibleLevel(e: KernelEvent): number | null {
  const level =
    'page' in e && typeof e.page === 'object' ? e.page.level : 'level' in e ? e.level : null;
  return level !== null && (level < 1 || level > PT64_ROOT_MAX_LEVEL) ? level : null;
}

/** The replay's memory is bounded by its pages: one more past the bound refuses the trace here. */
function checkPageBound(x: Replay, line: number): void {
  const held = x.vm.nUsedMmuPages + x.vm.tdpMmuPages;
  if (held < x.r.pageLimit) return;
  throw new KvmBugError(
    'trace page bound',
    -1,
    0,
    `line ${line}: a new page past ${held.toLocaleString('en-US')} held at once, the most a replay keeps (LIMITS.tracePages)`,
  );
}

function apply(x: Replay, e: KernelEvent): string {
  const bad = impossibleLevel(e);
  if (bad !== null) {
    contradict(x, 'trace', `level ${bad}: x86 page tables have levels 1 to ${PT64_ROOT_MAX_LEVEL}`);
    return `${e.ev} at level ${bad}: not replayed`;
  }
  switch (e.ev) {
    case 'get_page':
      if (e.created) checkPageBound(x, e.line);
      return getPage(x, e.page, e.created, e.fault);
    case 'set_spte':
      return setSpte(x, e);
    case 'prepare_zap':
      return prepareZap(x, e.page);
    case 'zap_all_fast': {
      const model = x.vm.nUsedMmuPages;
      x.r.usedPages.push({ line: e.line, kernel: e.usedPages, model });
      const text = `used_pages ${e.usedPages} (kernel) vs n_used_mmu_pages ${model} (model)`;
      if (model === e.usedPages) agree(x, 'kvm_mmu_zap_all_fast', text);
      else contradict(x, 'kvm_mmu_zap_all_fast', text);
      return `kvm_mmu_zap_all_fast: ${text}; the zaps of every obsolete page follow`;
    }
    case 'unsync_page':
    case 'sync_page':
      return syncState(x, e.page, e.ev === 'unsync_page');
    case 'split_huge_page':
      return shadowSplitEvent(x, e) ?? replayTdpMmuEvent(x, e);
    case 'tdp_spte_changed':
      tdpMmuChangedInFault(x, e.faultSeq);
      return replayTdpMmuEvent(x, e);
    case 'page_fault':
      return faultTaken(x, e.seq);
    case 'fast_page_fault':
      fastOutcome(x, e.faultSeq, e.fixed);
      return e.fixed ? fastPageFault(x, e.page, e.old, e.new) : 'fast_page_fault: spurious';
    case 'kvm_stats':
      return checkKvmStats(x, e);
    case 'clock_back': {
      const text = clockBackText(e);
      contradict(x, 'trace', text);
      return text;
    }
    case 'gap':
      x.r.lastGapLine = e.line;
      x.vm.rec?.push({
        k: 'note',
        fn: 'trace',
        text: `the ring buffer lost ${e.lost ?? 'some'} events here`,
      });
      return `lost ${e.lost ?? 'some'} events`;
  }
}

/** What a CPU's clock going back means; `npm run trace:stats` says it in the same words. */
export function clockBackText(e: Extract<KernelEvent, { ev: 'clock_back' }>): string {
  return `timestamp ${seconds(e.ts)} on CPU ${e.cpu} is before line ${e.prevLine}'s ${seconds(e.prevTs)}: the events are out of order, or a second run (a new VM) starts here; open each run on its own`;
}

/** A trace clock's seconds as printed: microseconds, or nanoseconds where it has them. */
function seconds(ts: number): string {
  return ts.toFixed(9).replace(/000$/, '');
}

/** The world's replayer of `kernel_event` ops: one trace's replay state. */
export class TraceReplayer implements EventReplayer {
  constructor(readonly state = new TraceReplay()) {}

  replay(vm: Kvm, ev: RecordedEvent): string {
    return replayKernelEvent(vm, this.state, ev as KernelEvent);
  }

  label(ev: RecordedEvent): string {
    return kernelEventLabel(ev as KernelEvent);
  }

  clone(): TraceReplayer {
    return new TraceReplayer(this.state.clone());
  }
}

/**
 * Installs a fresh trace replay in a world (before its first kernel event), reading SPTEs by
 * the host's layout: 'ept' for TDP on an Intel host, else 'x86' (spteLayoutOf).
 */
export function installTraceReplay(w: MmuWorld, spteLayout: SpteLayout = 'x86'): TraceReplay {
  const r = new TraceReplayer();
  r.state.spteLayout = spteLayout;
  w.trace = r;
  return r.state;
}

/** A trace replayed as a scenario carries its SPTE layout beside its ops (not a document field). */
export interface TraceScenarioExtras {
  spteLayout?: SpteLayout;
}

/** The trace replay state of a world, if it replays a trace. */
export function traceStateOf(w: MmuWorld): TraceReplay | null {
  return w.trace instanceof TraceReplayer ? w.trace.state : null;
}
