/**
 * The contract between the worker and the views: view-sized, plain (structured-clone) data.
 * The worker computes these from the model at the step the user looks at; views draw them and
 * never see a model object. Keep this file free of imports from src/model except types.
 */
import type { MemoryReport, PageCounts, RmapReport } from '../model/accounting';
import type { KernelOptions } from '../model/kernelOptions';
import type { RmapStep } from '../model/events';
import type { Frame, VariantInfo } from './chainFrame';

/** What the timeline holds once a scenario (or trace) is loaded. */
export interface TimelineInfo {
  name: string;
  /** Operations in the scenario (applied ones; a refused op ends the timeline). */
  ops: number;
  /** Micro-steps in all; positions run 0 (before anything) .. total (after the last op). */
  total: number;
  /**
   * opStart[i] = the position just before op i (length ops + 1; the last is `total`). A typed
   * array, transferred: a million-op timeline must not cost the main thread a long clone.
   */
  opStart: Float64Array;
  /** The kernel version the scenario runs as ("current" when it names none). */
  kernel: string;
  options: KernelOptions;
  /** Labelled markers on the scrubber (trace markers; scenario ops with a `label`). */
  markers: { position: number; label: string }[];
  /** The op the scenario refused, if any: the timeline ends before it. */
  error: { index: number; message: string } | null;
  /** Set when the timeline is a replayed kernel trace. */
  trace?: TraceInfo;
}

/** A setting of a trace import, and where it came from. */
export interface TraceSetting<T> {
  value: T;
  /** Given by the user, seen in the trace, or assumed (the trace does not tell). */
  how: 'given' | 'seen' | 'assumed';
  why: string;
}

/** What a replayed trace says beyond the timeline: where the kernel's numbers and the model's meet. */
export interface TraceInfo {
  file: string;
  kernel: TraceSetting<string>;
  tdp: TraceSetting<boolean>;
  tdpMmu: TraceSetting<boolean>;
  /** Lines read; when the import stopped before a bad line, the first line left out. */
  lines: number;
  stoppedBeforeLine: number | null;
  /** Each disagreement between the trace and the model, at the step that found it. */
  contradictions: { line: number; message: string; position: number }[];
  /** One per kvm_mmu_zap_all_fast: the kernel's used_pages and the model's n_used_mmu_pages. */
  usedPages: { line: number; kernel: number; model: number; position: number }[];
  /** KVM's statistics printed at kvm-stats lines, checked against the model's (the first 500 lines). */
  kernelStats: {
    total: number;
    agree: number;
    lines: { line: number; scope: string; checks: number; bad: string[]; position: number }[];
    /** The statistics the MMU changes that the model does not keep, with why. */
    notModelled: { name: string; why: string }[];
    /** How many statistics outside the MMU (exits, halt polling, ...) the trace printed. */
    outsideMmu: number;
  };
  /** What the replay inferred (not in the trace), by kind: link, frame, root, topup, ... */
  inferences: { total: number; byKind: Record<string, number> };
  lost: { gaps: number; events: number };
}

/** What the current micro-step touched, for highlighting across views. */
export interface Focus {
  /** Shadow page and entry index (tree view). */
  page?: number;
  index?: number;
  /** rmap head (model head number), descriptor and slot (chain view). */
  head?: number;
  desc?: number;
  slot?: number;
  gfn?: number;
  level?: number;
  /** A cache name (cache view). */
  cache?: string;
}

export interface StepLine {
  position: number;
  caption: string;
  /** Kernel function the step happened in. */
  fn: string;
  /** 0 = an MMU step, 1 = a step inside a pte_list operation. */
  depth: 0 | 1;
}

/** Where the user is on the timeline. */
export interface StepView {
  position: number;
  total: number;
  /** The op this position belongs to (-1 = before the first op). */
  op: number;
  opLabel: string;
  /** What the op did (after it ran whole), e.g. "split 513 huge SPTE(s), 513 new page(s)". */
  opSummary: string;
  /** 1-based micro-step inside the op and how many it has (0/0 before the first op). */
  stepInOp: number;
  stepsInOp: number;
  caption: string;
  /** Micro-steps of the op around the current one (all of them for ops up to 20,000 steps). */
  steps: StepLine[];
  focus: Focus;
  /** The whole op's cost. */
  cost: Record<string, number>;
  /** For a replayed trace: the trace line the op comes from. */
  source?: { line: number; text: string };
}

export interface TreePage {
  id: number;
  gfn: number;
  level: number;
  roleWord: number;
  direct: boolean;
  guestMode: boolean;
  /** A TDP MMU page (no rmaps, not in n_used_mmu_pages). */
  tdpMmu: boolean;
  unsync: boolean;
  rootCount: number;
  /** Present entries. */
  present: number;
  /** Relative to the current op: built by it, found by it (a split reusing a page), or zapped by it. */
  mark: 'new' | 'reused' | 'zapped' | null;
  /** The page's access bits as "wux". */
  access: string;
}

/** Kinds of entries in the 512-slot grid of a page. */
export const ENTRY_EMPTY = 0;
export const ENTRY_LEAF = 1;
export const ENTRY_HUGE = 2;
export const ENTRY_LINK = 3;

export interface TreeEdge {
  parent: number;
  index: number;
  child: number;
  /** A trace replay placed this link by inference (the kernel does not trace non-leaf links). */
  inferred?: boolean;
}

export interface TreeSnapshot {
  pages: TreePage[];
  /** pages.length * 512 entry kinds (ENTRY_*), page-major, in `pages` order. */
  entries: Uint8Array;
  edges: TreeEdge[];
  /** Pages with no parent link (roots, and orphans a zap left behind). */
  roots: number[];
}

export interface CacheInfo {
  name: string;
  kind: string;
  nobjs: number;
  min: number;
  /** 0 before the first top-up. */
  capacity: number;
  objectBytes: number;
  bytes: number;
  emergencyAllocs: number;
}

export interface StatsSnapshot {
  memory: MemoryReport;
  pages: PageCounts;
  rmap: RmapReport;
  flushes: { tlb: number; range: number };
  lockDrops: number;
  splits: { done: number; refused: number };
  /** KVM's own statistics as the model keeps them, named as /sys/kernel/debug/kvm/<vm>/ names them. */
  kvm: { vm: [string, number][]; vcpu0: [string, number][]; notModelled: string[] };
}

/** Per op (after it), for charts over the timeline: each as long as TimelineInfo.ops. Sent once per timeline. */
export interface TimelineSeries {
  descriptors: Uint32Array;
  bytes: Float64Array;
  flushes: Uint32Array;
  pages: Uint32Array;
}

/** One rmap head drawn by the chain view. */
export interface ChainHead {
  /** "head 0", "rmap gfn 0x400 (4K)", "parent_ptes of page 12". */
  label: string;
  head: number;
  entries: number;
  frame: Frame;
  /** A free-standing head of an rmap-only scenario (its SPTEs are named sN). */
  scratch: boolean;
}

export interface ChainSnapshot {
  /** The rmap era and its struct layout, for drawing. */
  era: VariantInfo;
  heads: ChainHead[];
  /** pte_list steps of the current op up to the shown position (the last 2,000 at most). */
  listSteps: RmapStep[];
  /** The shown step, when it is a pte_list step. */
  current: RmapStep | null;
  /** The selected SPTE's pointer, to mark wherever it sits in these chains. */
  selectedSptep: number | null;
  /** What the selection resolved to, in words ("page 5[17]: 4K leaf for gfn 0x1234"). */
  selectionNote: string | null;
}

/** What the chain view should show. */
export type ChainSelection =
  | { kind: 'scratch' }
  | { kind: 'gfn'; gfn: number }
  | { kind: 'parents'; page: number }
  /** Entry `index` of shadow page `page`: the rmaps of the gfn it maps (a leaf), or the child's parent_ptes (a link). */
  | { kind: 'entry'; page: number; index: number }
  /** The head the current micro-step touches (default). */
  | { kind: 'focus' };

/** Everything the page draws at one position. */
export interface Snapshot {
  step: StepView;
  chain: ChainSnapshot;
  tree: TreeSnapshot;
  caches: CacheInfo[];
  stats: StatsSnapshot;
}
