/**
 * The main thread's handle on the model worker. Created on first use, so importing the store
 * (e.g. from a test) does not start a worker.
 */
import { wrap } from 'comlink';
import type { Remote } from 'comlink';
import type { MmuApi } from './mmu.worker';

let api: Remote<MmuApi> | null = null;

export function mmuClient(): Remote<MmuApi> {
  if (!api) {
    const worker = new Worker(new URL('./mmu.worker.ts', import.meta.url), { type: 'module' });
    api = wrap<MmuApi>(worker);
  }
  return api;
}
