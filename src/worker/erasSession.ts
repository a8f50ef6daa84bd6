/** The worker's holder of the Eras view's data, beside MmuSession (which it reads, never changes). */
import { Cancelled, type Timeline } from './timeline';
import { EraSet } from './eras';
import type { ErasInfo, ErasSnapshot } from './eraTypes';

/**
 * What the worker keeps for the Eras view: the eras of the loaded timeline, loaded on first
 * use (the view asks) and dropped when another scenario loads.
 */
export class ErasSession {
  private set: EraSet | null = null;
  private pending: { source: Timeline; promise: Promise<EraSet | null> } | null = null;

  constructor(private readonly main: () => Timeline | null) {}

  /** Loads the eras of the current timeline (once); null when it was replaced meanwhile. */
  async load(onProgress?: (done: number, total: number) => void): Promise<ErasInfo | null> {
    const t = this.main();
    if (!t) return null;
    if (this.set?.source === t) {
      this.set.catchUp();
      return this.set.info();
    }
    this.set = null;
    let pending = this.pending;
    if (pending?.source !== t) {
      const source = t;
      const promise = EraSet.load(t, { onProgress, cancelled: () => this.main() !== source })
        .catch((e: unknown) => {
          if (e instanceof Cancelled) return null;
          throw e;
        })
        .then((s) => {
          if (this.pending?.source === source) this.pending = null;
          if (s && this.main() === source) this.set = s;
          return s;
        });
      pending = this.pending = { source, promise };
    }
    const s = await pending.promise;
    return s && this.main() === t ? s.info() : null;
  }

  /** The four panes at `position` of the main timeline; null until `load` has finished. */
  snapshot(position: number): ErasSnapshot | null {
    const t = this.main();
    if (this.set && this.set.source !== t) this.set = null;
    return this.set ? this.set.snapshot(position) : null;
  }
}
