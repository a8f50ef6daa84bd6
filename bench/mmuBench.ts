/** Shadow MMU workloads (issue 3): eager splits of nested 1 GiB pages, and a guest fork. */
import { applyMmuOp, MmuWorld } from '../src/model/mmuOps';
import { rmapReport } from '../src/model/accounting';
import { measure, type BenchResult } from './measure';

const GiB = 262144;

function nestedSplit(gib: number): MmuWorld {
  const w = new MmuWorld(
    { memslots: [{ baseGfn: 0, npages: (gib + 1) * GiB }], vcpus: 1, guestTablesGfn: gib * GiB },
    { tdp: true, tdpMmu: true },
  );
  applyMmuOp(w, {
    op: 'fault',
    kind: 'nested',
    gfn: 0,
    gva: 0,
    level: 3,
    hostLevel: 3,
    count: gib,
  });
  const r = applyMmuOp(w, { op: 'split' }).split!;
  const want = gib * 513;
  if (r.newPages !== want || r.newLeafSptes !== gib * 262_144)
    throw new Error(`split built ${r.newPages} pages, ${r.newLeafSptes} SPTEs`);
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
