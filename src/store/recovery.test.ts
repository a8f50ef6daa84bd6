/**
 * The store with a worker that hangs or dies: Cancel inside one long op ends the worker and puts
 * what was loaded back (document, appended ops, comparison, position); a worker that dies is
 * replaced the same way; a load that throws never leaves "Loading…". The worker here is a fake
 * with the real client's contract (src/worker/client.ts): a restart rejects every waiting call.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkerGone, type MmuApiRemote, type MmuClient } from '../worker/client';
import type { Source } from '../worker/mmuSession';
import type { TimelineInfo } from '../worker/viewTypes';
import { CANCEL_GRACE_MS, createVizStore } from './useVizStore';

const info = (name: string, total: number): TimelineInfo =>
  ({ name, ops: 1, total, opStart: new Float64Array([0, total]) }) as unknown as TimelineInfo;

/** A worker that answers at once, except loads of a source named "hang" (and throws for "bug"). */
function fakeWorker() {
  const calls: { fn: string; arg?: unknown }[] = [];
  let gone: ((e: Error) => void)[] = [];
  let generation = 0;
  const answer = <T>(v: T) => Promise.resolve(v);
  const api = {
    presets: () => answer([]),
    kernels: () => answer([]),
    load: (source: Source) => {
      calls.push({ fn: 'load', arg: source });
      const name = 'preset' in source ? source.preset : 'doc';
      if (name === 'hang')
        return new Promise((_, reject) => {
          gone.push(reject);
        });
      if (name === 'bug') return Promise.reject(new TypeError("reading 'tdpMmuPage'"));
      return answer({ ok: true, info: info(name, 50) });
    },
    cancel: () => {
      calls.push({ fn: 'cancel' });
      return answer(undefined);
    },
    append: (op: unknown) => {
      calls.push({ fn: 'append', arg: op });
      if ((op as { op: string }).op === 'hang')
        return new Promise((_, reject) => {
          gone.push(reject);
        });
      return answer({ ok: true, info: info('a', 60) });
    },
    loadCompare: (o: unknown) => {
      calls.push({ fn: 'loadCompare', arg: o });
      return answer(info('c', 50));
    },
    closeCompare: () => answer(undefined),
    series: () => answer(null),
    snapshot: (position: number) => {
      calls.push({ fn: 'snapshot', arg: position });
      return answer({ position });
    },
    compareSnapshot: () => answer(null),
    erasSnapshot: () => answer(null),
  };
  const client: MmuClient = {
    run: (fn) => fn(api as unknown as MmuApiRemote) as never,
    restart(why) {
      generation++;
      for (const r of gone) r(new WorkerGone(why));
      gone = [];
      calls.push({ fn: 'restart', arg: why });
    },
    close() {},
    onDied: null,
  };
  return { client, calls, generation: () => generation };
}

const settle = () => vi.advanceTimersByTimeAsync(0);

describe('a worker that does not answer or dies', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('Cancel inside one long op: the worker is replaced and the old work comes back', async () => {
    const w = fakeWorker();
    const store = createVizStore(w.client);
    const s = () => store.getState();
    await s().load({ preset: 'guest-fork' }, 'guest-fork', 20);
    await s().append({ op: 'zap', page: 1 });
    await s().startCompare({ kernel: '6.1' });
    s().goTo(33);
    await settle();

    const hung = s().load({ preset: 'hang' }, 'the big one');
    expect(s().loading?.label).toBe('the big one');
    s().cancelLoad();
    expect(w.calls.at(-1)).toEqual({ fn: 'cancel' });
    await vi.advanceTimersByTimeAsync(CANCEL_GRACE_MS - 10);
    expect(w.generation()).toBe(0); // a cooperative cancel still has time
    await vi.advanceTimersByTimeAsync(20);
    expect(await hung).toBe(false);
    await settle();

    expect(w.generation()).toBe(1);
    const after = w.calls.slice(w.calls.findIndex((c) => c.fn === 'restart') + 1);
    expect(after.map((c) => c.fn)).toEqual(['load', 'append', 'loadCompare', 'snapshot']);
    expect(after[0]!.arg).toEqual({ preset: 'guest-fork' });
    expect(after[3]!.arg).toBe(33);
    expect(s().loading).toBeNull();
    expect(s().info?.total).toBe(60);
    expect(s().compare?.options).toEqual({ kernel: '6.1' });
    expect(s().notice).toMatch(
      /^Cancelled the big one: the model was inside one long operation .* “a” was loaded again, at step 33\.$/,
    );
  });

  it('an appended op that runs long shows Cancel, and cancelled leaves the document without it', async () => {
    const w = fakeWorker();
    const store = createVizStore(w.client);
    const s = () => store.getState();
    await s().load({ preset: 'guest-fork' }, 'guest-fork', 10);
    await s().append({ op: 'zap', page: 1 });
    const adding = s().append({ op: 'hang' });
    await vi.advanceTimersByTimeAsync(100);
    expect(s().loading).toBeNull(); // no status flashes for work that answers at once
    await vi.advanceTimersByTimeAsync(200);
    expect(s().loading?.label).toBe('the new operation');
    s().cancelLoad();
    await vi.advanceTimersByTimeAsync(CANCEL_GRACE_MS + 10);
    expect(await adding).toEqual([
      { path: '(op)', message: 'cancelled: the operation was not added' },
    ]);
    const after = w.calls.slice(w.calls.findIndex((c) => c.fn === 'restart') + 1);
    expect(after.filter((c) => c.fn === 'append').map((c) => c.arg)).toEqual([
      { op: 'zap', page: 1 },
    ]);
    expect(s().loading).toBeNull();
    expect(s().notice).toMatch(/^Cancelled the new operation: .* loaded again/);
  });

  it('a cancel the load answers in time leaves the worker alone', async () => {
    const w = fakeWorker();
    const store = createVizStore(w.client);
    await store.getState().load({ preset: 'guest-fork' }, 'guest-fork');
    const quick = store.getState().load({ preset: 'hang' }, 'the big one');
    store.getState().cancelLoad();
    // The worker answers "cancelled" within the grace time: as a restart would, it ends the call.
    w.client.restart('answered');
    expect(await quick).toBe(false);
    await vi.advanceTimersByTimeAsync(CANCEL_GRACE_MS * 2);
    expect(w.calls.filter((c) => c.fn === 'restart')).toHaveLength(1);
  });

  it('a worker that dies is replaced, and the scenario comes back at its step', async () => {
    const w = fakeWorker();
    const store = createVizStore(w.client);
    await store.getState().load({ preset: 'guest-fork' }, 'guest-fork', 7);
    await settle();
    w.client.onDied!('the worker stopped on an error: out of memory', true);
    await settle();
    expect(w.generation()).toBe(1);
    expect(store.getState().loading).toBeNull();
    expect(store.getState().notice).toBe(
      'The worker stopped on an error: out of memory. “guest-fork” was loaded again, at step 7.',
    );
  });

  it('a load that throws in the worker ends with a message, never "Loading…"', async () => {
    const w = fakeWorker();
    const store = createVizStore(w.client);
    await store.getState().load({ preset: 'guest-fork' }, 'guest-fork');
    expect(await store.getState().load({ preset: 'bug' }, 'bug')).toBe(false);
    expect(store.getState().loading).toBeNull();
    expect(store.getState().problems).toEqual([
      { path: '(worker)', message: "the model failed: reading 'tdpMmuPage'" },
    ]);
    expect(store.getState().info?.name).toBe('guest-fork');
  });

  it('a worker that never started is said so, and not restarted in a loop', async () => {
    const w = fakeWorker();
    const failed: string[] = [];
    createVizStore(w.client, { onStartFailure: (why) => failed.push(why) });
    w.client.onDied!('the worker stopped on an error: it did not load', false);
    expect(failed).toEqual(['the worker stopped on an error: it did not load']);
    expect(w.generation()).toBe(0);
  });
});
