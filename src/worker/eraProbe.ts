/**
 * Where an era's add would first return more than RMAP_RECYCLE_THRESHOLD on a list that only
 * grows: the era's own pte_list_add run on a fresh head, one entry at a time, until it does.
 * Not a formula: the return differs by era (2.6.37 leaves out the full last descriptor when it
 * appends one), and the model is what decides.
 */
import { PteLists } from '../model/pteLists';
import type { PteListVariant } from '../model/pteListVariant';
import { pteListAdd } from '../model/rmap';

export interface ThresholdProbe {
  /** The first entry whose add returns more than the threshold, or null within `limit` entries. */
  first: { entry: number; ret: number } | null;
  limit: number;
  /** Returns from the threshold-th entry up to the first one over it (at most 16). */
  returns: { entry: number; ret: number }[];
}

/** Entries a probe tries at most: the walk is quadratic before v6.4, and a threshold is ~1000. */
export const PROBE_MAX = 20_000;

export function probeThreshold(
  variant: PteListVariant,
  threshold: number,
  limit = Math.min(4 * threshold + 64, PROBE_MAX),
): ThresholdProbe {
  const L = new PteLists(variant, { ownerIndex: false });
  const h = L.allocHeads(1);
  L.reserve(Math.ceil(limit / variant.ext) + 2, 8 * (limit + 1));
  const returns: { entry: number; ret: number }[] = [];
  for (let entry = 1; entry <= limit; entry++) {
    const ret = pteListAdd(L, h, 8 * entry); // SPTE pointers: non-zero multiples of 8
    if (entry >= threshold && returns.length < 16) returns.push({ entry, ret });
    if (ret > threshold) return { first: { entry, ret }, limit, returns };
  }
  return { first: null, limit, returns };
}
