/**
 * From the model at one position to what the page draws (viewTypes.ts): the step line and its
 * focus, the chain view's heads, the caches, the stats. The tree comes from treeSnapshot.ts.
 */
import { memoryReport, pageCounts, rmapReport } from '../model/accounting';
import type { MmuStep } from '../model/mmuEvents';
import type { MmuWorld } from '../model/mmuOps';
import { sptepIndex, sptepOf, sptepPage } from '../model/mmuPage';
import { isLastSpte, isPresent } from '../model/spte';
import { childOf, entryGfn, spteFlags } from '../model/sptes';
import { mmuCaption } from '../model/mmuStepCaption';
import { headState } from '../model/rmapLayout';
import { pteListCountQuiet } from '../model/rmapStats';
import { spteName } from '../scenario/spteName';
import { frameOf, variantInfo } from './chainFrame';
import type { PositionState, Timeline } from './timeline';
import { kvmVmStatValues, VM_STATS_NOT_MODELLED } from '../model/kvmStats';
import { VCPU_STATS_NOT_MODELLED } from '../model/kvmVcpuStats';
import { traceStateOf } from '../trace/replay/replayKernelEvent';
import { treeSnapshot } from './treeSnapshot';
import type {
  CacheInfo,
  ChainHead,
  ChainSelection,
  ChainSnapshot,
  Focus,
  Snapshot,
  StatsSnapshot,
  StepView,
} from './viewTypes';
import { hex } from '../model/hex';

export interface SnapshotOptions {
  chain: ChainSelection;
  /** Leave the tree out (it is the largest part) when no view shows it. */
  tree: boolean;
}

const LEVEL_NAME: Record<number, string> = { 1: '4K', 2: '2M', 3: '1G' };

const pageEntry = (p: number) => `page ${sptepPage(p)}[${sptepIndex(p)}]`;

/** Names SPTE pointers in a step: "s5" on the free-standing heads, "page 3[17]" elsewhere. */
function namerFor(world: MmuWorld, step: MmuStep): (p: number) => string {
  const h = step.k === 'list' ? step.step.head : -1;
  return h >= world.scratchBase && h < world.scratchBase + world.scratchHeads
    ? spteName
    : pageEntry;
}

export function buildSnapshot(
  t: Timeline,
  st: PositionState,
  position: number,
  opts: SnapshotOptions,
): Snapshot {
  const step = stepView(t, st, position);
  return {
    step,
    chain: chainSnapshot(st, opts.chain, step.focus),
    tree: opts.tree
      ? treeSnapshot(
          st.world.vm,
          st.world.vm.opIndex,
          undefined,
          traceStateOf(st.world)?.inferredLinks,
        )
      : { pages: [], entries: new Uint8Array(0), edges: [], roots: [] },
    caches: caches(st.world),
    stats: stats(st.world),
  };
}

function stepView(t: Timeline, st: PositionState, position: number): StepView {
  const d = st.detail;
  const base: StepView = {
    position,
    total: t.total,
    op: st.op,
    opLabel: st.op >= 0 ? t.opLabel(st.op) : 'before the first operation',
    opSummary: d ? d.result.summary : '',
    stepInOp: st.stepInOp,
    stepsInOp: st.stepsInOp,
    caption: st.op >= 0 ? '' : `${t.ops.length} operation(s), ${t.total} micro-step(s)`,
    steps: [],
    focus: {},
    cost: d ? { ...d.result.cost, ...d.result.rmap } : {},
  };
  const op = st.op >= 0 ? t.ops.at(st.op)! : undefined;
  if (op?.op === 'kernel_event')
    // The line's text is read from the trace by the session (it may be on disk): mmuSession.ts.
    base.source = { line: op.ev.line, text: '' };
  if (!d) return base;
  const tail = st.world.vm.opts.rmap === 'tail_count';
  const start = t.opStart(st.op);
  base.steps = d.steps.map((s, k) => ({
    position: start + d.firstStep + k + 1,
    caption: mmuCaption(s, namerFor(st.world, s), tail),
    fn: s.k === 'list' ? s.step.fn : s.fn,
    depth: s.k === 'list' ? 1 : 0,
  }));
  const current = d.steps[st.stepInOp - 1 - d.firstStep];
  if (current) {
    base.caption = mmuCaption(current, namerFor(st.world, current), tail);
    base.focus = focusOf(current, d.steps.slice(0, st.stepInOp - d.firstStep));
  }
  return base;
}

/** What a step touched; for a list step, the head comes from the rmap step around it. */
export function focusOf(step: MmuStep, upTo: MmuStep[]): Focus {
  switch (step.k) {
    case 'setSpte':
    case 'clearSpte':
    case 'link':
      return { page: step.page, index: step.index };
    case 'getPage':
    case 'zapPage':
    case 'freePage':
    case 'split':
      return { page: step.page };
    case 'rmap':
      return {
        head: step.head,
        gfn: step.gfn,
        level: step.level,
        page: sptepPage(step.sptep),
        index: sptepIndex(step.sptep),
      };
    case 'parentPte':
      return { page: step.page };
    case 'topup':
      return { cache: step.cache };
    case 'flush':
    case 'recycle':
    case 'writeProtect':
    case 'refuse':
      return { gfn: step.gfn, level: 'level' in step ? step.level : undefined };
    case 'list': {
      const s = step.step;
      const f: Focus = { head: s.head };
      if ('desc' in s) f.desc = s.desc;
      if ('slot' in s) f.slot = s.slot;
      if (s.k === 'moveEntry') {
        f.desc = s.to;
        f.slot = s.toSlot;
      }
      void upTo;
      return f;
    }
    default:
      return {};
  }
}

function chainSnapshot(st: PositionState, sel: ChainSelection, focus: Focus): ChainSnapshot {
  const world = st.world;
  const vm = world.vm;
  const L = vm.lists;
  const heads: ChainHead[] = [];
  const isScratch = (h: number) =>
    h >= world.scratchBase && h < world.scratchBase + world.scratchHeads;
  const add = (label: string, head: number) =>
    heads.push({
      label,
      head,
      entries: pteListCountQuiet(L, head),
      frame: frameOf(headState(L, head)),
      scratch: isScratch(head),
    });
  /** The free-standing heads in use, and the one the step touches even if it is empty now. */
  const scratch = () => {
    for (let h = 0; h < world.scratchHeads; h++) {
      const head = world.scratchBase + h;
      if (h === 0 || L.headVal[head] !== 0 || head === focus.head) add(`head ${h}`, head);
    }
  };
  const gfnHeads = (gfn: number) => {
    for (let level = 1; level <= 3; level++) {
      const h = vm.gfnToRmap(gfn, level);
      if (h >= 0) add(`rmap of gfn ${hex(gfn)} (${LEVEL_NAME[level]})`, h);
    }
  };
  let selectedSptep: number | null = null;
  let selectionNote: string | null = null;
  if (sel.kind === 'entry') {
    const sp = vm.pages[sel.page];
    const f = sp ? spteFlags(vm, sp, sel.index) : 0;
    if (!sp) selectionNote = `page ${sel.page} is gone at this step`;
    else if (!isPresent(f)) selectionNote = `page ${sp.id}[${sel.index}] is empty at this step`;
    else if (sp.tdpMmuPage)
      selectionNote = `page ${sp.id}[${sel.index}]: a TDP MMU entry (no rmaps)`;
    else if (isLastSpte(f, sp.level)) {
      const gfn = entryGfn(vm, sp, sel.index);
      selectedSptep = sptepOf(sp.id, sel.index);
      selectionNote = `page ${sp.id}[${sel.index}]: ${LEVEL_NAME[sp.level]} leaf for gfn ${hex(gfn)}`;
      gfnHeads(gfn);
    } else {
      const child = childOf(vm, sp, sel.index)!;
      selectedSptep = sptepOf(sp.id, sel.index);
      selectionNote = `page ${sp.id}[${sel.index}]: link to page ${child.id}, in its parent_ptes`;
      add(`parent_ptes of page ${child.id}`, child.parentPtes);
    }
  } else if (sel.kind === 'scratch') scratch();
  else if (sel.kind === 'gfn') gfnHeads(sel.gfn);
  else if (sel.kind === 'parents') {
    const sp = vm.pages[sel.page];
    if (sp) add(`parent_ptes of page ${sp.id}`, sp.parentPtes);
  } else if (focus.head !== undefined) {
    const h = focus.head;
    const scratchHead = h >= world.scratchBase && h < world.scratchBase + world.scratchHeads;
    if (scratchHead) scratch();
    else if (focus.gfn !== undefined) gfnHeads(focus.gfn);
    else add(headLabel(world, h), h);
  } else scratch();
  const done = st.detail
    ? st.detail.steps.slice(0, Math.max(0, st.stepInOp - st.detail.firstStep))
    : [];
  const listSteps = done.flatMap((s) => (s.k === 'list' ? [s.step] : [])).slice(-2000);
  const last = done[done.length - 1];
  return {
    era: variantInfo(L.variant.name),
    heads,
    listSteps,
    current: last?.k === 'list' ? last.step : null,
    selectedSptep,
    selectionNote,
  };
}

/** What a head is: an rmap of some gfn and level, or some page's parent_ptes. */
function headLabel(world: MmuWorld, h: number): string {
  const vm = world.vm;
  for (const slot of vm.memslots) {
    for (let level = 1; level <= 3; level++) {
      const k = h - slot.rmapBase[level - 1]!;
      if (k >= 0 && k < slot.rmapLen[level - 1]!) {
        const per = 512 ** (level - 1);
        const gfn = Math.max(slot.baseGfn, (Math.floor(slot.baseGfn / per) + k) * per);
        return `rmap of gfn ${hex(gfn)} (${LEVEL_NAME[level]})`;
      }
    }
  }
  for (const sp of vm.livePages()) if (sp.parentPtes === h) return `parent_ptes of page ${sp.id}`;
  return `head ${h}`;
}

function caches(world: MmuWorld): CacheInfo[] {
  return world.vm.allCaches().map((c) => ({
    name: c.name,
    kind: c.kind,
    nobjs: c.nobjs,
    min: c.min,
    capacity: c.capacity,
    objectBytes: c.objectBytes,
    bytes: c.bytes,
    emergencyAllocs: c.emergencyAllocs,
  }));
}

function stats(world: MmuWorld): StatsSnapshot {
  const vm = world.vm;
  return {
    memory: memoryReport(vm),
    pages: pageCounts(vm),
    rmap: rmapReport(vm),
    flushes: { tlb: vm.stats.tlbFlushes, range: vm.stats.rangeFlushes },
    lockDrops: vm.stats.lockDrops,
    splits: { done: vm.stats.splitsDone, refused: vm.stats.splitsRefused },
    kvm: {
      vm: Object.entries(kvmVmStatValues(vm)),
      vcpu0: Object.entries(vm.vcpus[0]?.stat ?? {}),
      notModelled: [...Object.keys(VM_STATS_NOT_MODELLED), ...Object.keys(VCPU_STATS_NOT_MODELLED)],
    },
  };
}
