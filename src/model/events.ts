/**
 * Micro-steps: what one rmap operation did, one memory access or decision at a time, in the
 * order the kernel does them. A UI replays them one by one; folding the mutating ones over the
 * layout before an operation gives the layout after it (see rmapLayout.applyStep).
 *
 * `fn` names the kernel function the step happens in, so captions speak kernel.
 */
export type RmapFn =
  | 'pte_list_add'
  | 'pte_list_remove'
  | 'pte_list_desc_remove_entry'
  | 'pte_list_count'
  | 'pte_list_destroy'
  | 'kvm_zap_rmapp'
  | 'kvm_zap_all_rmap_sptes'
  | 'rmap_iterate';

/** A descriptor is named by its index in the descriptor arena (its simulated slab slot). */
export type DescId = number;

export type RmapStep =
  // --- reads and decisions (change nothing) ---
  | { k: 'readHead'; fn: RmapFn; head: number; val: number }
  | { k: 'walk'; fn: RmapFn; head: number; desc: DescId; index: number }
  | {
      k: 'compare';
      fn: RmapFn;
      head: number;
      desc: DescId;
      slot: number;
      spte: number;
      match: boolean;
    }
  | { k: 'readCount'; fn: RmapFn; head: number; desc: DescId; spteCount: number; tailCount: number }
  | { k: 'return'; fn: RmapFn; head: number; value: number | null }
  // --- writes ---
  | { k: 'alloc'; fn: RmapFn; head: number; desc: DescId }
  | { k: 'writeSlot'; fn: RmapFn; head: number; desc: DescId; slot: number; spte: number }
  | { k: 'setCounts'; fn: RmapFn; head: number; desc: DescId; spteCount: number; tailCount: number }
  | {
      k: 'moveEntry';
      fn: RmapFn;
      head: number;
      from: DescId;
      fromSlot: number;
      to: DescId;
      toSlot: number;
      spte: number;
    }
  | { k: 'clearSlot'; fn: RmapFn; head: number; desc: DescId; slot: number; spte: number }
  | { k: 'setMore'; fn: RmapFn; head: number; desc: DescId; more: DescId | null }
  | { k: 'setHead'; fn: RmapFn; head: number; val: number }
  | { k: 'free'; fn: RmapFn; head: number; desc: DescId };

export type RmapStepKind = RmapStep['k'];

/**
 * Collects micro-steps when recording is on; the model holds `null` for "off". One method per
 * kind, taking plain values, keeps the list code's hot paths small enough for V8 to inline
 * (object literals at every call site pushed them over its inlining budget: bench/rmapBench.ts).
 */
export class StepRecorder {
  readonly steps: RmapStep[] = [];
  clear(): void {
    this.steps.length = 0;
  }
  /** Where every step goes; a VM's recorder forwards them into its own stream instead. */
  protected emit(step: RmapStep): void {
    this.steps.push(step);
  }
  readHead(fn: RmapFn, head: number, val: number): void {
    this.emit({ k: 'readHead', fn, head, val });
  }
  walk(fn: RmapFn, head: number, desc: DescId, index: number): void {
    this.emit({ k: 'walk', fn, head, desc, index });
  }
  compare(
    fn: RmapFn,
    head: number,
    desc: DescId,
    slot: number,
    spte: number,
    match: boolean,
  ): void {
    this.emit({ k: 'compare', fn, head, desc, slot, spte, match });
  }
  readCount(fn: RmapFn, head: number, desc: DescId, spteCount: number, tailCount: number): void {
    this.emit({ k: 'readCount', fn, head, desc, spteCount, tailCount });
  }
  ret(fn: RmapFn, head: number, value: number | null): void {
    this.emit({ k: 'return', fn, head, value });
  }
  alloc(fn: RmapFn, head: number, desc: DescId): void {
    this.emit({ k: 'alloc', fn, head, desc });
  }
  writeSlot(fn: RmapFn, head: number, desc: DescId, slot: number, spte: number): void {
    this.emit({ k: 'writeSlot', fn, head, desc, slot, spte });
  }
  setCounts(fn: RmapFn, head: number, desc: DescId, spteCount: number, tailCount: number): void {
    this.emit({ k: 'setCounts', fn, head, desc, spteCount, tailCount });
  }
  moveEntry(
    fn: RmapFn,
    head: number,
    from: DescId,
    fromSlot: number,
    to: DescId,
    toSlot: number,
    spte: number,
  ): void {
    this.emit({ k: 'moveEntry', fn, head, from, fromSlot, to, toSlot, spte });
  }
  setMore(fn: RmapFn, head: number, desc: DescId, more: DescId | null): void {
    this.emit({ k: 'setMore', fn, head, desc, more });
  }
  setHead(fn: RmapFn, head: number, val: number): void {
    this.emit({ k: 'setHead', fn, head, val });
  }
  free(fn: RmapFn, head: number, desc: DescId): void {
    this.emit({ k: 'free', fn, head, desc });
  }
}
