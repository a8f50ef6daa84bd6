/**
 * A handle on a model worker that can always be ended and replaced. The page makes one; every
 * embedded widget makes its own, so several on one page do not interfere.
 *
 * A worker busy inside one long operation reads no messages, so a cooperative cancel cannot reach
 * it; and a worker that died answers nothing. Either way the store calls `restart()`: the worker
 * is terminated, a fresh one starts, and every call still waiting on the old one rejects with
 * `WorkerGone` (Comlink's own promises would wait forever), so no `await` is left hanging.
 */
import { releaseProxy, wrap } from 'comlink';
import type { Remote } from 'comlink';
import type { MmuApi } from './mmu.worker';

export type MmuApiRemote = Remote<MmuApi>;

/** A call that was waiting on a worker that has since been ended (cancelled, or it died). */
export class WorkerGone extends Error {
  constructor(readonly why: string) {
    super(why);
  }
}

export interface MmuClient {
  /**
   * Runs `fn` on the current worker. Rejects with WorkerGone when the worker is restarted or dies
   * before it answers, and with the worker's own error when the call throws there.
   */
  run<R>(fn: (api: MmuApiRemote) => R): Promise<Awaited<R>>;
  /** Ends the worker (whatever it is doing) and starts a fresh one, with nothing loaded. */
  restart(why: string): void;
  /**
   * Ends the worker for good (its widget left the page). Calls still waiting, and any made
   * later, never settle: no one is left to hear them, and a rejection would only surface as an
   * unhandled error in the page that removed the widget.
   */
  close(): void;
  /**
   * Called when the worker dies by itself (an uncaught error, a message it could not read).
   * `answered` is false when it died before answering anything: it did not start at all.
   */
  onDied: ((why: string, answered: boolean) => void) | null;
}

/**
 * `makeWorker` lets an embed start the worker its own way: a sandboxed iframe has an opaque
 * origin and may not load a worker by URL, and a widget served from another origin needs a
 * Blob URL around its worker chunk (src/embed/). It is called again for each restart.
 */
export function createMmuClient(makeWorker?: () => Worker): MmuClient {
  const start =
    makeWorker ??
    (() => new Worker(new URL('./mmu.worker.ts', import.meta.url), { type: 'module' }));
  let worker: Worker;
  let api: MmuApiRemote;
  let answered = false;
  let live = false;
  let closed = false;
  /** Rejects every call in flight on the current worker. */
  let endAll: (why: string) => void = () => {};
  let ended: Promise<never>;

  const begin = () => {
    worker = start();
    api = wrap<MmuApi>(worker);
    answered = false;
    live = true;
    ended = new Promise<never>((_, reject) => {
      endAll = (why) => reject(new WorkerGone(why));
    });
    ended.catch(() => {}); // rejected only to end the calls racing it
    const died = (why: string) => {
      const w = worker;
      end(why);
      if (w === worker) client.onDied?.(why, answered);
    };
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      died(`the worker stopped on an error: ${e.message || 'it did not load'}`);
    });
    worker.addEventListener('messageerror', () =>
      died('the worker sent a message it could not read'),
    );
  };

  const end = (why: string) => {
    if (!live) return;
    live = false;
    endAll(why);
    api[releaseProxy]();
    worker.terminate();
  };

  const client: MmuClient = {
    async run<R>(fn: (api: MmuApiRemote) => R): Promise<Awaited<R>> {
      if (closed) return never<Awaited<R>>();
      try {
        const r = await Promise.race([fn(api) as Promise<Awaited<R>>, ended]);
        answered = true;
        return r;
      } catch (e) {
        if (closed) return never<Awaited<R>>();
        throw e;
      }
    },
    restart(why) {
      end(why);
      begin();
    },
    close() {
      closed = true;
      end('closed');
    },
    onDied: null,
  };
  begin();
  return client;
}

const never = <T>(): Promise<T> => new Promise<T>(() => {});
