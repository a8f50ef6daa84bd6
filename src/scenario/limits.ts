/**
 * What one scenario document may ask of the model: the budget every way in shares (files, links,
 * embeds, the op composer, the CLIs). Chosen from the largest preset, split-16g (17 GiB of memslots,
 * 16 nested 1 GiB faults and a split of 4.2 million SPTEs, about 1 GB of model memory at its peak),
 * with room: a document at the limits runs in a few GB and seconds, not past them.
 */
import type { ScenarioOp } from './schema';

export const LIMITS = {
  /** Memslot pages of all memslots together: 2^24 pages = 64 GiB of guest memory. */
  memslotPages: 1 << 24,
  /** Ops in one document. */
  ops: 20_000,
  /** The work of one op, and of all ops together (see opWork). */
  opWork: 1 << 23,
  totalWork: 1 << 24,
  /** A document's text, also a #doc= link or an embed's src once inflated: 4 MiB. */
  docBytes: 4 << 20,
  /**
   * Shadow and TDP MMU pages a trace replay may hold at once: 2^20 (4 GiB of the kernel's page
   * tables; the real traces hold a few thousand). A trace past it is refused at that line.
   */
  tracePages: 1 << 20,
} as const;

/**
 * An op's work in the model's own units: one per fault, fork child, unmapped PTE, rmap entry or
 * gfn walked; a split may write an SPTE for every page of the memslots it covers.
 */
export function opWork(op: ScenarioOp, memslotPages: number): number {
  switch (op.op) {
    case 'fault':
    case 'add':
    case 'guest_unmap':
    case 'zap_gfn':
      return op.count ?? 1;
    case 'fork':
      return op.count;
    case 'split':
      return memslotPages;
    default:
      return 1;
  }
}

/** 16777216 → "16,777,216". */
export const fmtLimit = (n: number): string => n.toLocaleString('en-US');
