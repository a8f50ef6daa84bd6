/**
 * The UI benchmark's page: builds a real snapshot with the model (outside the timing), then
 * mounts TreeView alone and times mount → first painted frame. run.ts drives it in Chromium.
 * URL: ?size=few|small|big&mode=auto|svg|canvas&focus=page:index&sel=page:index
 */
import { useState } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { layoutTree, type TreeLayout } from '../../src/views/tree/treeLayout';
import { TreeView, type Selection } from '../../src/views/tree/TreeView';
import type { Focus } from '../../src/worker/viewTypes';
import { makeTreeSnapshot, TREE_SIZES, type TreeSize } from './makeTreeSnapshot';
import '../../src/app.css';
import './bench.css';

export interface BenchState {
  size: TreeSize;
  pages: number;
  snapshotMs: number;
  firstDrawMs: number;
  mode: string;
  ready: boolean;
}

declare global {
  interface Window {
    __bench?: BenchState;
    /** The view's layout, recomputed (it is pure): lets run.ts aim at a page on screen. */
    __layout?: TreeLayout;
  }
}

const q = new URLSearchParams(location.search);
const size = (q.get('size') ?? 'big') as TreeSize;
const mode = (q.get('mode') ?? 'auto') as 'auto' | 'svg' | 'canvas';
const pair = (s: string | null) => {
  if (!s) return null;
  const [page, index] = s.split(':').map(Number);
  return index === undefined || Number.isNaN(index) ? { page: page! } : { page: page!, index };
};

const t0 = performance.now();
const tree = makeTreeSnapshot(size);
const snapshotMs = performance.now() - t0;
const focus: Focus = pair(q.get('focus')) ?? {};

function Harness() {
  const [selected, setSelected] = useState<Selection | null>(pair(q.get('sel')));
  return (
    <main className="bench">
      <header>
        <h1>Tree view · {TREE_SIZES[size]}</h1>
      </header>
      <section className="bench-panel" aria-label="Shadow page tree">
        <TreeView
          tree={tree}
          focus={focus}
          selected={selected}
          onSelect={setSelected}
          mode={mode}
        />
      </section>
    </main>
  );
}

const root = createRoot(document.getElementById('root')!);
performance.mark('tree:mount');
flushSync(() => root.render(<Harness />));
// TreeCanvas paints in a requestAnimationFrame callback queued during the commit above; this
// one runs after it in the same frame, and a task queued from here runs once that frame is
// painted. SVG has no paint counter: its first frame is the one after the commit.
const view = document.querySelector<HTMLElement>('[data-testid="tree-view"]')!;
requestAnimationFrame(function check() {
  const canvas = view.querySelector<HTMLCanvasElement>('canvas');
  // A frame counts once it drew pages, not just the background.
  if (canvas && (canvas.dataset.paintedPages ?? '0') === '0') {
    requestAnimationFrame(check);
    return;
  }
  setTimeout(() => {
    const m = performance.measure('tree:first-draw', 'tree:mount');
    window.__bench = {
      size,
      pages: tree.pages.length,
      snapshotMs,
      firstDrawMs: m.duration,
      mode: view.dataset.mode ?? '',
      ready: true,
    };
    window.__layout = layoutTree(tree, new Set());
  });
});
