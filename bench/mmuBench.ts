/** Shadow MMU workloads (issue 3): eager splits of nested 1 GiB pages, and a guest fork. */
import { applyMmuOp, MmuWorld } from '../src/model/mmuOps';
import { nestedSplitWorld } from './ui/makeTreeSnapshot';
import { pageCounts, rmapReport } from '../src/model/accounting';
import { measure, type BenchResult } from './measure';

/** `gib` nested 1 GiB pages split to 4 KiB, checked against what the split must build. */
function nestedSplit(gib: number): MmuWorld {
  const w = nestedSplitWorld(gib);
  const { byLevel } = pageCounts(w.vm);
  const pages = (byLevel[2] ?? 0) + (byLevel[1] ?? 0); // 1 + 512 per gigabyte
  const leaves = rmapReport(w.vm).entries; // only 4 KiB leaves are left in rmaps
  if (pages !== gib * 513 || leaves !== gib * 262_144)
    throw new Error(`split built ${pages} pages, ${leaves} SPTEs`);
  return w;
}

export function mmuBenches(): BenchResult[] {
  const out: BenchResult[] = [];
  out.push(measure('mmu.split_1g_to_4k', 262_144, () => nestedSplit(1), 6));
  const big = measure('mmu.split_16g', 16 * 262_144, () => nestedSplit(16), 3);
  // What the model holds per SPTE (typed arrays, no object per SPTE), from the heap reading.
  const totalMs = (big.nsPerOp * big.ops) / 1e6;
  const modelBytesPerSpte = (big.heapMB * 2 ** 20) / big.ops;
  big.extra = { totalMs, modelBytesPerSpte, newPages: 16 * 513 };
  console.log(
    `  mmu.split_16g: ${totalMs.toFixed(0)} ms in all (target < 2000), ${modelBytesPerSpte.toFixed(1)} model bytes per SPTE`,
  );
  out.push(big);
  const fork = measure(
    'mmu.fork_100k',
    100_000,
    () => {
      const w = new MmuWorld(
        { memslots: [{ baseGfn: 0, npages: 1 << 22 }], vcpus: 1, nMaxMmuPages: 1 << 20 },
        { tdp: false, tdpMmu: false, rmapRecycleThreshold: 1 << 30 },
      );
      applyMmuOp(w, { op: 'fork', gfn: 0x400, count: 100_000 });
      if (rmapReport(w.vm).maxChain !== 100_000)
        throw new Error('fork did not reach 100,000 entries');
      return w;
    },
    2,
  );
  fork.extra = { totalMs: (fork.nsPerOp * fork.ops) / 1e6 };
  out.push(fork);
  return out;
}
