/**
 * One era's run of a scenario, watched for every pte_list_add on an rmap (rmap_add) or a
 * free-standing head: where it happened, what it returned, how long the list was after it and
 * which cache lines it touched. The Eras view reads "the last add at or before position p" and
 * "the first add over RMAP_RECYCLE_THRESHOLD" off this log; the model itself is run, not
 * re-derived. Positions count micro-steps exactly as Timeline does (one recorder over all ops).
 */
import { KvmBugError } from '../model/errors';
import { MmuRecorder, type MmuStep } from '../model/mmuEvents';
import { applyMmuOp, type MmuOp, type MmuWorld } from '../model/mmuOps';
import { KVM_RMAP_MANY } from '../model/pteLists';

/** Adds logged per era at most (20 bytes each); later ones are run but not logged. */
export const MAX_LOGGED_ADDS = 1_000_000;

export class AddLog {
  n = 0;
  /** More adds happened than MAX_LOGGED_ADDS: the log stops at the cap. */
  truncated = false;
  /** Position just after the add (its `return` micro-step). */
  pos = new Float64Array(256);
  head = new Int32Array(256);
  ret = new Int32Array(256);
  /** Entries in the list after the add. */
  entries = new Int32Array(256);
  cacheLines = new Int32Array(256);
  /** 1 = rmap_add (memslot rmap), 0 = a free-standing head. */
  rmapAdd = new Uint8Array(256);
  /** rmap_add calls, and the positions where one returned more than the threshold (each one recycles). */
  rmapAdds = 0;
  exceedPositions: number[] = [];
  /** Index of the rmap_add with the largest return, -1 = none. */
  peak = -1;

  constructor(readonly threshold: number) {}

  push(pos: number, head: number, ret: number, entries: number, lines: number, rmap: boolean) {
    if (rmap) {
      this.rmapAdds++;
      if (ret > this.threshold) this.exceedPositions.push(pos);
    }
    if (this.n >= MAX_LOGGED_ADDS) {
      this.truncated = true;
      return;
    }
    if (this.n === this.pos.length) this.grow();
    const i = this.n++;
    this.pos[i] = pos;
    this.head[i] = head;
    this.ret[i] = ret;
    this.entries[i] = entries;
    this.cacheLines[i] = lines;
    this.rmapAdd[i] = rmap ? 1 : 0;
    if (rmap && (this.peak < 0 || ret > this.ret[this.peak]!)) this.peak = i;
  }

  /** Index of the last add at or before position `p`, or -1. */
  lastAt(p: number): number {
    let lo = 0;
    let hi = this.n - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.pos[mid]! <= p) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Index of the first rmap_add whose return exceeds the threshold, or -1. */
  firstExceed(): number {
    const p = this.exceedPositions[0];
    if (p === undefined) return -1;
    const i = this.lastAt(p);
    return i >= 0 && this.pos[i] === p ? i : -1;
  }

  /** Recycles (rmap_add returns over the threshold) at or before position `p`. */
  exceedsUpTo(p: number): number {
    let k = 0;
    while (k < this.exceedPositions.length && this.exceedPositions[k]! <= p) k++;
    return k;
  }

  /** Forgets adds after position `p` (a refused op's, should it have logged any). */
  truncateAfter(p: number): void {
    while (this.n > 0 && this.pos[this.n - 1]! > p) this.n--;
    while (this.exceedPositions.length && this.exceedPositions.at(-1)! > p)
      this.exceedPositions.pop();
    if (this.peak >= this.n) {
      this.peak = -1;
      for (let i = 0; i < this.n; i++)
        if (this.rmapAdd[i] && (this.peak < 0 || this.ret[i]! > this.ret[this.peak]!))
          this.peak = i;
    }
  }

  private grow(): void {
    const n = Math.min(this.pos.length * 2, MAX_LOGGED_ADDS);
    const g = <T extends Float64Array | Int32Array | Uint8Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.pos = g(this.pos, new Float64Array(n));
    this.head = g(this.head, new Int32Array(n));
    this.ret = g(this.ret, new Int32Array(n));
    this.entries = g(this.entries, new Int32Array(n));
    this.cacheLines = g(this.cacheLines, new Int32Array(n));
    this.rmapAdd = g(this.rmapAdd, new Uint8Array(n));
  }
}

/**
 * Counts micro-steps like Timeline's counter (so `count` is the position) and logs each add at
 * its `return` step, when the list is in its after-add state and L.cost is that add's alone.
 * List lengths are kept only for heads that point at a descriptor: an empty or single head says
 * its own length, so a split's millions of one-entry rmaps cost nothing here.
 */
class AddWatch extends MmuRecorder {
  /** Entries per head whose val points at a descriptor (KVM_RMAP_MANY). */
  private readonly many = new Map<number, number>();

  constructor(
    private readonly world: MmuWorld,
    readonly log: AddLog,
  ) {
    super({ keep: false });
  }

  override push(step: MmuStep): void {
    super.push(step);
    if (step.k === 'list') {
      const s = step.step;
      // rmap_add's list work, or an op on a free-standing head; parent_ptes adds are not rmaps.
      if (s.k === 'return' && s.fn === 'pte_list_add' && s.value !== null) {
        if (step.fn === 'rmap_add' || step.fn === 'pte_list') this.added(s.head, s.value, step.fn);
      }
    } else if (step.k === 'rmap') {
      if (step.op === 'remove') this.removed(step.head);
      else if (step.op === 'destroy') this.many.delete(step.head);
    }
  }

  /** After an op on a free-standing head: its removes and destroys have no `rmap` step. */
  afterOp(op: MmuOp): void {
    if (op.op !== 'remove' && op.op !== 'destroy') return;
    const h = this.world.scratchBase + op.head;
    if (op.op === 'destroy') this.many.delete(h);
    else this.removed(h);
  }

  private added(h: number, ret: number, fn: string): void {
    const L = this.world.vm.lists;
    let entries = 1;
    if (L.headVal[h]! & KVM_RMAP_MANY) {
      entries = (this.many.get(h) ?? 1) + 1; // absent: it was a single SPTE until this add
      this.many.set(h, entries);
    } else this.many.delete(h);
    this.log.push(this.count, h, ret, entries, L.costLines, fn === 'rmap_add');
  }

  private removed(h: number): void {
    // A "many" head never turns back into a single one: it holds a descriptor or nothing.
    if (this.world.vm.lists.headVal[h]! & KVM_RMAP_MANY) this.many.set(h, this.many.get(h)! - 1);
    else this.many.delete(h);
  }
}

/** One era's pass over ops: the world it ends in, its log, and where it stopped. */
export class EraPass {
  readonly watch: AddWatch;
  opsDone = 0;
  error: { index: number; message: string } | null = null;

  constructor(
    readonly world: MmuWorld,
    threshold: number,
  ) {
    this.watch = new AddWatch(world, new AddLog(threshold));
  }

  get log(): AddLog {
    return this.watch.log;
  }

  get position(): number {
    return this.watch.count;
  }

  /**
   * Runs `op` next. False when the kernel refuses it (as Timeline, the pass stops there); the
   * refusal happens before anything changes, and anything logged on the way is dropped.
   */
  apply(op: MmuOp): boolean {
    if (this.error) return false;
    const before = this.watch.count;
    try {
      applyMmuOp(this.world, op, { recorder: this.watch });
    } catch (e) {
      if (!(e instanceof KvmBugError)) throw e;
      this.error = {
        index: this.opsDone,
        message: `ops[${this.opsDone}] (${op.op}): ${e.message}`,
      };
      this.watch.count = before;
      this.log.truncateAfter(before);
      return false;
    }
    this.watch.afterOp(op);
    this.opsDone++;
    return true;
  }
}
