/** rmap list workloads on one head, the figures issue 2 asks for. */
import { StepRecorder } from '../src/model/events';
import { PteLists } from '../src/model/pteLists';
import type { PteListVariantName } from '../src/model/pteListVariant';
import { pteListAdd, pteListCount, pteListRemove } from '../src/model/rmap';
import { measure, type BenchResult } from './measure';

const ptr = (i: number) => (i + 1) * 8;

/**
 * A head holding entries 0..n-1. The slab is reserved up front, as the C baseline's cache is.
 * With `record`, steps are produced for every op and dropped after it: the cost of making them.
 */
function filled(variant: PteListVariantName, n: number, record: boolean): PteLists {
  const L = new PteLists(variant);
  L.allocHeads(1);
  L.reserve(Math.ceil(n / L.ext) + 1, ptr(n));
  const rec = record ? new StepRecorder() : null;
  L.rec = rec;
  for (let i = 0; i < n; i++) {
    pteListAdd(L, 0, ptr(i));
    rec?.clear();
  }
  return L;
}

function removeAll(L: PteLists, order: Iterable<number>, record: boolean): PteLists {
  const rec = record ? new StepRecorder() : null;
  L.rec = rec;
  for (const i of order) {
    pteListRemove(L, 0, ptr(i));
    rec?.clear();
  }
  if (L.headVal[0] !== 0) throw new Error('list not empty after removing everything');
  return L;
}

export function rmapBenches(record: boolean): BenchResult[] {
  const sfx = record ? '+steps' : '';
  const lifo = Array.from({ length: 1_000_000 }, (_, i) => 1_000_000 - 1 - i);
  const random = shuffled(20_000, 42);
  return [
    measure(`rmap.tail_count.add_1m${sfx}`, 1_000_000, () => {
      const L = filled('tail_count', 1_000_000, record);
      if (pteListCount(L, 0) !== 1_000_000) throw new Error('count mismatch');
      return L;
    }),
    // Only the removals are timed: the list is built outside the clock.
    timedOn(
      `rmap.tail_count.remove_lifo_1m${sfx}`,
      lifo.length,
      () => filled('tail_count', 1_000_000, false),
      (L) => removeAll(L, lifo, record),
    ),
    timedOn(
      `rmap.tail_count.remove_random_20k${sfx}`,
      random.length,
      () => filled('tail_count', 20_000, false),
      (L) => removeAll(L, random, record),
    ),
    measure(
      `rmap.spte_count.add_100k${sfx}`,
      100_000,
      () => filled('spte_count', 100_000, record),
      2,
    ),
  ];
}

/** Times `run` on a fresh `setup()` each repeat, leaving the setup out of the clock. */
function timedOn<T>(
  name: string,
  ops: number,
  setup: () => T,
  run: (t: T) => unknown,
): BenchResult {
  const inputs = Array.from({ length: 4 }, setup);
  let k = 0;
  return measure(name, ops, () => run(inputs[k++]!), inputs.length);
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
