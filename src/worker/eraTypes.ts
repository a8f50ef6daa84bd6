/**
 * The Eras view's contract: the loaded scenario replayed under each of the four rmap list eras,
 * seen at one position of the main timeline. Plain data (structured clone; the per-descriptor
 * arrays are transferred). Types only from src/model.
 */
import type { PteListVariantName } from '../model/pteListVariant';

/** One 8-byte word of the era's descriptor, at its offset (every field of every era is a u64 or two u32s). */
export interface EraField {
  /** "sptes[0]", "more", "spte_count", "spte_count | tail_count". */
  name: string;
  offset: number;
  bytes: number;
  kind: 'slot' | 'more' | 'count';
}

/** One add: the entry it made (the list's length after it), what it returned, where it ran. */
export interface AddPoint {
  entry: number;
  ret: number;
  /** 64-byte lines this one pte_list_add touched. */
  cacheLines: number;
  /** Op index in the era's timeline, and the position just after the add. */
  op: number;
  position: number;
  /** The head's name: "rmap of gfn 0x400 (4K)", "head 0". */
  label: string;
  /** rmap_add (a memslot rmap: RMAP_RECYCLE_THRESHOLD applies) or a free-standing head (never recycled). */
  rmapAdd: boolean;
}

export interface EraThreshold {
  /** The scenario's first rmap_add whose return exceeds the threshold (the rmap was recycled there). */
  exceed: AddPoint | null;
  /** The shown position is at or after `exceed`. */
  passed: boolean;
  /** The largest rmap_add return in the whole scenario. */
  peak: AddPoint | null;
  /** rmap_add calls in the scenario (0: only free-standing heads, which nothing recycles). */
  rmapAdds: number;
  /** Recycles up to the shown position. */
  recyclesSoFar: number;
  /** A fresh head under this era's list code: the first entry whose add returns more, or null within `freshLimit`. */
  fresh: { entry: number; ret: number } | null;
  freshLimit: number;
  /** The fresh head's returns from the threshold-th entry up to the first one over it. */
  freshReturns: { entry: number; ret: number }[];
}

export interface EraPane {
  era: PteListVariantName;
  structName: string;
  /** The era's span of releases, e.g. "v5.15–v6.3". */
  kernels: string;
  /** The kernel release the era's golden traces come from, e.g. "2.6.37". */
  traced: string;
  /** PTE_LIST_EXT (RMAP_EXT). */
  ext: number;
  descBytes: number;
  fields: EraField[];
  /** How this era's add counts what it returns, in words. */
  addReturn: string;
  /** Where the era's timeline is for the shown position, and its length. */
  position: number;
  total: number;
  /** The op the era's timeline refused, if any (its timeline ends before it). */
  error: string | null;
  /** The rmap drawn: the one the last add at or before this position went to. */
  head: { head: number; label: string; entries: number } | null;
  /** Per descriptor of that rmap, in chain order from the head: entries in it. */
  used: Uint8Array;
  /** Per descriptor: 1 if the current op's list work has touched it up to this position. */
  touched: Uint8Array;
  /**
   * The op's micro-steps `touched` looks at (1-based, inclusive): all of them up to this one, or
   * for an op too long to keep whole (over 20,000 steps), the window Timeline keeps before it.
   */
  touchedSteps: { from: number; to: number; whole: boolean };
  descs: number;
  bytes: number;
  /** The op at this position and what its list work cost (the whole op, as the Stats view). */
  op: {
    index: number;
    kind: string;
    label: string;
    cacheLines: number;
    descsVisited: number;
  } | null;
  /** The era has pte_list_count (v5.15+); before, a count op does nothing. */
  hasCount: boolean;
  /** The last add at or before this position (on any rmap or free-standing head). */
  lastAdd: AddPoint | null;
  threshold: EraThreshold;
}

export interface ErasSnapshot {
  /** The main timeline's position these panes match. */
  position: number;
  /** RMAP_RECYCLE_THRESHOLD of the loaded scenario. */
  threshold: number;
  panes: EraPane[];
}

/** What loading the four eras gave: per era, its length and whether its add log is complete. */
export interface ErasInfo {
  eras: { era: PteListVariantName; total: number; adds: number; truncated: boolean }[];
  ms: number;
}
