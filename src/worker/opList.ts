/**
 * A timeline's ops. A scenario's are an array; a replayed trace's are its kernel events packed in
 * typed arrays (KernelEventStore), decoded one at a time when the timeline replays them, so a
 * trace of millions of events costs tens of bytes per event rather than an object each.
 */
import type { MmuOp } from '../model/mmuOps';
import type { KernelEvent } from '../trace/replay/kernelEvents';
import type { KernelEventStore } from '../trace/replay/eventStore';

/** What Timeline needs of its ops; `MmuOp[]` is one. */
export interface OpList {
  readonly length: number;
  at(i: number): MmuOp | undefined;
  push(op: MmuOp): void;
  /** The first `end` ops (from 0: a timeline is always replayed from its start). */
  slice(start: 0, end?: number): OpList;
}

/**
 * The first `length` events of a trace's store, as ops. Pushing one takes the store's next event
 * (the timeline replays the store in order); the store itself is shared, never copied.
 */
export class TraceOps implements OpList {
  constructor(
    readonly events: KernelEventStore,
    public length = events.length,
  ) {}

  at(i: number): MmuOp | undefined {
    if (i < 0 || i >= this.length) return undefined;
    return { op: 'kernel_event', ev: this.events.get(i) };
  }

  push(op: MmuOp): void {
    const next = this.length;
    if (
      op.op !== 'kernel_event' ||
      next >= this.events.length ||
      this.events.lineOf(next) !== op.ev.line
    )
      throw new Error('a trace takes only its own events, in order');
    this.length++;
  }

  slice(_start: 0, end = this.length): TraceOps {
    return new TraceOps(this.events, Math.min(end, this.length));
  }

  /** The op of `line` or the first after it (events are in line order). */
  opOfLine(line: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.events.lineOf(mid) < line) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The event behind a trace op (for labels and the step's source line). */
export function eventOf(op: MmuOp | undefined): KernelEvent | null {
  return op?.op === 'kernel_event' ? (op.ev as KernelEvent) : null;
}
