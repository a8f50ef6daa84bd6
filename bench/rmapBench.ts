/** rmap list workloads on one head, the figures issue 2 asks for. */
import { PteLists } from '../src/model/pteLists';
import type { PteListVariantName } from '../src/model/pteListVariant';
import { StepRecorder } from '../src/model/events';
import { pteListAdd, pteListCount, pteListRemove } from '../src/model/rmap';
import { measure, type BenchResult } from './measure';

const ptr = (i: number) => (i + 1) * 8;

function filled(variant: PteListVariantName, n: number, rec: StepRecorder | null): PteLists {
  const L = new PteLists(variant);
  L.allocHeads(1);
  L.rec = rec;
  for (let i = 0; i < n; i++) {
    pteListAdd(L, 0, ptr(i));
    rec?.clear();
  }
  return L;
}

/** Recording on: steps are produced for every op and dropped after it (the cost of making them). */
export function rmapBenches(record: boolean): BenchResult[] {
  const suffix = record ? '+steps' : '';
  const rec = () => (record ? new StepRecorder() : null);
  const out: BenchResult[] = [];

  out.push(
    measure(`rmap.tail_count.add_1m${suffix}`, 1_000_000, () => {
      const L = filled('tail_count', 1_000_000, rec());
      if (pteListCount(L, 0) !== 1_000_000) throw new Error('count mismatch');
      return L;
    }),
  );

  const big = filled('tail_count', 1_000_000, null);
  big.rec = rec();
  out.push(
    measure(`rmap.tail_count.remove_lifo_1m${suffix}`, 1_000_000, () => {
      for (let i = 1_000_000 - 1; i >= 0; i--) {
        pteListRemove(big, 0, ptr(i));
        big.rec?.clear();
      }
      if (big.headVal[0] !== 0) throw new Error('not empty');
      return big;
    }),
  );

  const order = shuffled(20_000, 42);
  const mid = filled('tail_count', 20_000, null);
  mid.rec = rec();
  out.push(
    measure(`rmap.tail_count.remove_random_20k${suffix}`, 20_000, () => {
      for (const i of order) {
        pteListRemove(mid, 0, ptr(i));
        mid.rec?.clear();
      }
      return mid;
    }),
  );

  out.push(
    measure(`rmap.spte_count.add_100k${suffix}`, 100_000, () => filled('spte_count', 100_000, rec())),
  );
  return out;
}

function shuffled(n: number, seed: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  let s = seed;
  for (let i = n - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
