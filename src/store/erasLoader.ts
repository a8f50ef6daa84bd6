/**
 * Starts the worker's replay of the loaded scenario under the four rmap list eras (the Eras
 * view's data) at most once at a time and once per timeline, reporting progress, and says when
 * it is done so the store asks for the panes again. Kept out of the store: the store only says
 * when.
 */
import { proxy } from 'comlink';
import type { MmuClient } from '../worker/client';

/** While the worker replays: ops done of all; `error` when the replay failed (not retried). */
export interface ErasLoading {
  done: number;
  total: number;
  error?: string;
}

export interface ErasLoader {
  /** Loads the eras of the timeline `key` stands for, unless that is on its way or was tried. */
  ensure(key: unknown): void;
}

export function erasLoader(
  client: MmuClient,
  onStatus: (s: ErasLoading | null) => void,
  onDone: () => void,
): ErasLoader {
  let busy = false;
  let tried: unknown = undefined;
  return {
    ensure(key) {
      if (busy || tried === key) return;
      busy = true;
      tried = key;
      onStatus({ done: 0, total: 0 });
      client
        .run((a) =>
          a.loadEras(proxy((done: number, total: number) => busy && onStatus({ done, total }))),
        )
        .then(
          () => onStatus(null),
          (e: unknown) => onStatus({ done: 0, total: 0, error: String(e) }),
        )
        .finally(() => {
          busy = false;
          onDone();
        });
    },
  };
}
