/**
 * The module worker that owns the model: the main thread reaches it only through `MmuApi`
 * (Comlink) and gets view-sized snapshots back; the tree's entry grid is transferred, not copied.
 */
import { expose, transfer } from 'comlink';
import { ErasSession } from './erasSession';
import { MmuSession, type CompareChange, type Source } from './mmuSession';
import type { SnapshotOptions } from './snapshot';

const session = new MmuSession();
/** The Eras view's four replays of the loaded scenario, made when that view first asks. */
const eras = new ErasSession(() => session.timeline);

const api = {
  presets: () => session.presets(),
  kernels: () => session.kernels(),
  load: (source: Source, onProgress?: (done: number, total: number) => void) =>
    session.load(source, onProgress),
  cancel: () => session.cancel(),
  series: (compare: boolean) => {
    const s = session.series(compare);
    return s
      ? transfer(s, [s.descriptors.buffer, s.bytes.buffer, s.flushes.buffer, s.pages.buffer])
      : null;
  },
  snapshot: async (position: number, opts: SnapshotOptions) => {
    const s = await session.snapshot(position, opts);
    return transfer(s, [s.tree.entries.buffer]);
  },
  compareSnapshot: async (position: number, opts: SnapshotOptions) => {
    const s = await session.compareSnapshot(position, opts);
    return s ? transfer(s, [s.tree.entries.buffer]) : null;
  },
  loadCompare: async (options: CompareChange) => {
    const info = await session.loadCompare(options);
    return transfer(info, [info.opStart.buffer]);
  },
  closeCompare: () => session.closeCompare(),
  append: (op: unknown) => {
    const r = session.append(op);
    return r.ok ? transfer(r, [r.info.opStart.buffer]) : r;
  },
  scenarioText: () => session.scenarioText(),
  loadEras: (onProgress?: (done: number, total: number) => void) => eras.load(onProgress),
  erasSnapshot: (position: number) => {
    const s = eras.snapshot(position);
    return s
      ? transfer(
          s,
          s.panes.flatMap((p) => [p.used.buffer, p.touched.buffer]),
        )
      : null;
  },
};

export type MmuApi = typeof api;

expose(api);
