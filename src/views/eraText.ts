/**
 * The Eras view's sentences: where each era's add return crosses RMAP_RECYCLE_THRESHOLD, in the
 * scenario and on a fresh list, and what the last add returned. Pure, so the wording is tested.
 */
import type { EraPane } from '../worker/eraTypes';
import { formatCount as n } from './format';

export type ThresholdTone = 'recycled' | 'ahead' | 'never' | 'none';

/**
 * The scenario's answer: the add that went over (and recycled the rmap), the one that will, or
 * the largest return it ever had.
 */
export function thresholdLine(
  p: EraPane,
  threshold: number,
): { text: string; tone: ThresholdTone } {
  const { exceed, passed, peak, rmapAdds } = p.threshold;
  const t = n(threshold);
  if (exceed) {
    const where = `add #${n(exceed.entry)}`;
    return passed
      ? { text: `${where} returned ${n(exceed.ret)} > ${t}: rmap recycled`, tone: 'recycled' }
      : {
          text: `${where} will return ${n(exceed.ret)} > ${t} (op ${exceed.op + 1}): the rmap is recycled there`,
          tone: 'ahead',
        };
  }
  if (rmapAdds === 0 || !peak)
    return { text: 'no rmap_add here: free-standing heads are never recycled', tone: 'none' };
  return {
    text: `never reaches it: returns ${n(peak.ret)} at entry ${n(peak.entry)} at most`,
    tone: 'never',
  };
}

/** A fresh list under this era: "#1,000 → 999 · #1,001 → 996 · #1,002 → 1,001". */
export function freshLine(p: EraPane, threshold: number): string {
  const { fresh, freshLimit, freshReturns } = p.threshold;
  if (!fresh) return `a growing list never goes over ${n(threshold)} within ${n(freshLimit)} adds`;
  const steps = freshReturns.map((r) => `#${n(r.entry)} → ${n(r.ret)}`).join(' · ');
  return `a growing list: ${steps}`;
}

/** "add #1,001 returned 996 · 157 lines" for the last add at or before this position. */
export function lastAddLine(p: EraPane): string {
  const a = p.lastAdd;
  if (!a) return 'no add yet';
  return `#${n(a.entry)} returned ${n(a.ret)} · ${n(a.cacheLines)} line${a.cacheLines === 1 ? '' : 's'}`;
}

/** "fork x1 gfn 0x400: 157 lines, 250 descriptors visited". */
export function opLine(p: EraPane): string {
  if (!p.op) return 'before the first operation';
  if (!p.hasCount && (p.op.kind === 'rmap_count' || p.op.kind === 'count'))
    return 'none: no pte_list_count before v5.15';
  const { cacheLines, descsVisited } = p.op;
  return `${n(cacheLines)} line${cacheLines === 1 ? '' : 's'}, ${n(descsVisited)} descriptor${descsVisited === 1 ? '' : 's'} visited`;
}
