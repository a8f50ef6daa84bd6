/**
 * A handle on a model worker. The page makes one; every embedded widget makes its own, so
 * several on one page do not interfere.
 */
import { wrap } from 'comlink';
import type { Remote } from 'comlink';
import type { MmuApi } from './mmu.worker';

export type MmuClient = Remote<MmuApi>;

export function createMmuClient(): MmuClient {
  const worker = new Worker(new URL('./mmu.worker.ts', import.meta.url), { type: 'module' });
  return wrap<MmuApi>(worker);
}
