/**
 * The iframe embed's model worker. In `<iframe sandbox="allow-scripts">` the page's origin is
 * opaque ("null"), and Chromium refuses every module worker it might start the usual ways: by
 * URL (not same-origin), and from a Blob URL (the worker fails to load; this is also what Vite's
 * `?worker&inline` does, with no fallback since nothing throws). A `data:` URL module worker
 * does run, so there the worker's script is fetched (with CORS, like the page's own scripts) and
 * started from one.
 */
import workerUrl from '../worker/mmu.worker.ts?worker&url';

/** What starts a worker (once more for each restart), once the script is at hand. */
export async function startFrameWorker(): Promise<() => Worker> {
  const url = new URL(workerUrl, import.meta.url).href;
  const options: WorkerOptions = { type: 'module', name: 'kvm-mmu-viz' };
  if (self.origin !== 'null') return () => new Worker(url, options);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`the worker script answered HTTP ${res.status}`);
  const data = `data:text/javascript;charset=utf-8,${encodeURIComponent(await res.text())}`;
  return () => new Worker(data, options);
}
