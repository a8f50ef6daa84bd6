/**
 * The custom element's model worker: its own chunk beside kvm-mmu-viz.js (the element's script
 * stays small, and pages that never scroll a widget into view never fetch it).
 */
import workerUrl from '../worker/mmu.worker.ts?worker&url';

export function startWorker(): Worker {
  const url = new URL(workerUrl, import.meta.url).href;
  const options: WorkerOptions = { type: 'module', name: 'kvm-mmu-viz' };
  try {
    return new Worker(url, options);
  } catch {
    // The script was served from another origin (a CDN) than the page: a worker script must be
    // same-origin, but a Blob URL the page makes is, and it may import the chunk (with CORS).
    const blobUrl = URL.createObjectURL(
      new Blob([`import ${JSON.stringify(url)};`], { type: 'text/javascript' }),
    );
    try {
      return new Worker(blobUrl, options);
    } finally {
      URL.revokeObjectURL(blobUrl);
    }
  }
}
