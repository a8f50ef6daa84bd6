/**
 * What one operation cost, the figures reviewers argue with (seed 002: "count walks every
 * descriptor"). Counted as the model runs, not looked up in a table: cache lines come from the
 * era's struct layout (see DescLayout) and the simulated slab address of each descriptor.
 */
export interface OpCost {
  /** Descriptors whose fields the operation read (each counted once per visit). */
  descsVisited: number;
  /** sptes[i] == spte comparisons (remove's search). */
  slotCompares: number;
  descsAllocated: number;
  descsFreed: number;
  /** Distinct 64-byte lines of descriptor memory read or written. */
  cacheLines: number;
}
