/**
 * One rmap operation as data, applied with costs, micro-steps and the invariants checked:
 * the entry point the worker, the golden runner and the property tests share.
 */
import { type OpCost } from './costs';
import { StepRecorder, type RmapStep } from './events';
import { checkRmapHead } from './invariants';
import type { PteLists } from './pteLists';
import { pteListAdd, pteListCount, pteListDestroy, pteListRemove, rmapSptes } from './rmap';

export type RmapOp =
  | { op: 'add'; head: number; spte: number }
  | { op: 'remove'; head: number; spte: number }
  | { op: 'count'; head: number }
  | { op: 'destroy'; head: number }
  | { op: 'iterate'; head: number };

export interface RmapOpResult {
  /** add: the count before the add, as the kernel returns it; count: the count (null before v5.15). */
  ret: number | null;
  cost: OpCost;
  /** Recorded micro-steps (empty when recording is off). */
  steps: RmapStep[];
  /** iterate: the SPTEs in kernel order. */
  sptes?: number[];
}

export interface ApplyOptions {
  record?: boolean;
  /** Record into this recorder instead (a VM forwards list steps into its own stream). */
  recorder?: StepRecorder | null;
  checkInvariants?: boolean;
}

/** Applies `op`. On a KvmBugError nothing changed and the error propagates. */
export function applyRmapOp(L: PteLists, op: RmapOp, opts: ApplyOptions = {}): RmapOpResult {
  const rec = opts.recorder ?? (opts.record ? new StepRecorder() : null);
  L.rec = rec;
  try {
    let ret: number | null = null;
    let sptes: number[] | undefined;
    switch (op.op) {
      case 'add':
        ret = pteListAdd(L, op.head, op.spte);
        break;
      case 'remove':
        pteListRemove(L, op.head, op.spte);
        break;
      case 'count':
        ret = pteListCount(L, op.head);
        break;
      case 'destroy':
        pteListDestroy(L, op.head);
        break;
      case 'iterate':
        L.beginOp();
        sptes = rmapSptes(L, op.head);
        break;
    }
    if (opts.checkInvariants ?? true) checkRmapHead(L, op.head);
    const result: RmapOpResult = { ret, cost: { ...L.cost }, steps: rec ? rec.steps : [] };
    if (sptes) result.sptes = sptes;
    return result;
  } finally {
    L.rec = null;
  }
}
