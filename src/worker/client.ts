/**
 * A handle on a model worker. The page makes one; every embedded widget makes its own, so
 * several on one page do not interfere.
 */
import { wrap } from 'comlink';
import type { Remote } from 'comlink';
import type { MmuApi } from './mmu.worker';

export type MmuClient = Remote<MmuApi>;

/**
 * `makeWorker` lets an embed start the worker its own way: a sandboxed iframe has an opaque
 * origin and may not load a worker by URL, and a widget served from another origin needs a
 * Blob URL around its worker chunk (src/embed/).
 */
export function createMmuClient(makeWorker?: () => Worker): MmuClient {
  const worker = makeWorker
    ? makeWorker()
    : new Worker(new URL('./mmu.worker.ts', import.meta.url), { type: 'module' });
  return wrap<MmuApi>(worker);
}
