/**
 * The model worker's memory, from Chromium's DevTools protocol: the page's session auto-attaches
 * to its dedicated workers (not flattened: Playwright's CDPSession has no child sessions) and
 * asks each `Runtime.getHeapUsage`. V8 answers between the worker's tasks and inside long ones.
 */
import type { Page } from '@playwright/test';

export interface WorkerHeap {
  /** The JS heap in use. */
  usedSize: number;
  /** ArrayBuffers' backing stores (typed arrays): outside the JS heap, still the worker's. */
  backingStorageSize: number;
}

export interface WorkerMemory {
  /** The newest worker's heap now. */
  now(): Promise<WorkerHeap | null>;
  /** Samples every `ms` until stopped; the peaks seen. */
  sample(ms: number): { stop(): Promise<{ peakUsedMB: number; peakWithBuffersMB: number }> };
}

export async function workerMemory(page: Page): Promise<WorkerMemory> {
  const cdp = await page.context().newCDPSession(page);
  const sessions: string[] = [];
  const waiting = new Map<number, (v: unknown) => void>();
  let id = 0;
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker') sessions.push(e.sessionId);
  });
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message) as { id?: number; result?: unknown };
    if (m.id !== undefined) waiting.get(m.id)?.(m.result ?? null);
  });
  await cdp.send('Target.setAutoAttach', {
    autoAttach: true,
    waitForDebuggerOnStart: false,
    flatten: false,
  });
  const now = async (): Promise<WorkerHeap | null> => {
    const sessionId = sessions.at(-1);
    if (!sessionId) return null;
    const i = ++id;
    const answer = new Promise<unknown>((r) => waiting.set(i, r));
    const message = JSON.stringify({ id: i, method: 'Runtime.getHeapUsage' });
    await cdp.send('Target.sendMessageToTarget', { sessionId, message }).catch(() => null);
    const r = (await Promise.race([answer, new Promise((r) => setTimeout(r, 5000))])) as
      WorkerHeap | undefined;
    waiting.delete(i);
    return r ? { usedSize: r.usedSize, backingStorageSize: r.backingStorageSize ?? 0 } : null;
  };
  return {
    now,
    sample(ms) {
      let peakUsed = 0;
      let peakAll = 0;
      let on = true;
      const loop = (async () => {
        while (on) {
          const h = await now();
          if (h) {
            peakUsed = Math.max(peakUsed, h.usedSize);
            peakAll = Math.max(peakAll, h.usedSize + h.backingStorageSize);
          }
          await new Promise((r) => setTimeout(r, ms));
        }
      })();
      return {
        async stop() {
          on = false;
          await loop;
          const mb = (n: number) => Math.round(n / 2 ** 20);
          return { peakUsedMB: mb(peakUsed), peakWithBuffersMB: mb(peakAll) };
        },
      };
    },
  };
}
