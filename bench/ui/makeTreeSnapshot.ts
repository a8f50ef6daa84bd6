/**
 * Real tree snapshots for the UI benchmark and its screenshots: the model runs the
 * workloads bench/mmuBench.ts measures, and the worker's own builder turns the VM into a
 * TreeSnapshot. Runs in Node and in the browser (the bench page builds its tree before mounting).
 */
import { applyMmuOp, MmuWorld } from '../../src/model/mmuOps';
import { treeSnapshot } from '../../src/worker/treeSnapshot';
import type { TreeSnapshot } from '../../src/worker/viewTypes';

/** 4 KiB pages in 1 GiB. */
export const GiB = 262_144;

export type TreeSize = 'few' | 'small' | 'big';

export const TREE_SIZES: Record<TreeSize, string> = {
  few: 'nested faults: 4K, 2M and 1G mappings (a few pages)',
  small: 'one nested 1 GiB page split to 4K (515 pages)',
  big: 'sixteen nested 1 GiB pages split to 4K (8,210 pages)',
};

/** bench/mmuBench.ts nestedSplit: `gib` 1 GiB nested mappings, then an eager split to 4K. */
export function nestedSplitWorld(gib: number): MmuWorld {
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
  applyMmuOp(w, { op: 'split' });
  return w;
}

/** A few faults of each mapping size, so every entry kind and a shared upper level show. */
export function fewFaultsWorld(): MmuWorld {
  const w = new MmuWorld(
    { memslots: [{ baseGfn: 0, npages: 3 * GiB }], vcpus: 1, guestTablesGfn: 2 * GiB },
    { tdp: true, tdpMmu: true },
  );
  const fault = (gfn: number, level: number, count: number) =>
    applyMmuOp(w, {
      op: 'fault',
      kind: 'nested',
      gfn,
      gva: gfn,
      level,
      hostLevel: level,
      count,
    });
  fault(0x1000, 1, 6);
  fault(0x1800, 1, 3);
  fault(0x20000, 2, 4);
  fault(GiB, 3, 1);
  fault(0x3000, 1, 2);
  return w;
}

export function makeTreeSnapshot(size: TreeSize): TreeSnapshot {
  const w = size === 'few' ? fewFaultsWorld() : nestedSplitWorld(size === 'small' ? 1 : 16);
  return treeSnapshot(w.vm, w.vm.opIndex);
}
