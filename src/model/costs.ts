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

export function zeroCost(): OpCost {
  return { descsVisited: 0, slotCompares: 0, descsAllocated: 0, descsFreed: 0, cacheLines: 0 };
}

export function addCost(into: OpCost, c: OpCost): void {
  into.descsVisited += c.descsVisited;
  into.slotCompares += c.slotCompares;
  into.descsAllocated += c.descsAllocated;
  into.descsFreed += c.descsFreed;
  into.cacheLines += c.cacheLines;
}
