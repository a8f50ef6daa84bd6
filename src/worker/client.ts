/**
 * The main thread's handle on the model worker. Created on first use, so importing the store
 * (e.g. from a test) does not start a worker.
 */
import { wrap } from 'comlink';
import type { Remote } from 'comlink';
import type { RmapApi } from './rmap.worker';

let api: Remote<RmapApi> | null = null;

export function rmapClient(): Remote<RmapApi> {
  if (!api) {
    const worker = new Worker(new URL('./rmap.worker.ts', import.meta.url), { type: 'module' });
    api = wrap<RmapApi>(worker);
  }
  return api;
}
