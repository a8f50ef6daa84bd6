/**
 * The tree on a canvas, for trees too big for SVG (thousands of pages, millions of cells).
 * Repaints at most once per animation frame, from the last transform d3-zoom reported; React
 * renders it only when the tree, the highlights or the size change. Clicks are hit-tested.
 */
import { useCallback, useImperativeHandle, useLayoutEffect, useMemo, useRef } from 'react';
import type { MouseEvent, Ref } from 'react';
import type { Focus, TreeSnapshot } from '../../worker/viewTypes';
import { bundleD, edgeD, highlightEdges, inferredBlocks } from './edgePaths';
import { buildAtlas, type GridAtlas } from './gridAtlas';
import { paintTree, type EdgePaths, type PaintInput } from './paintTree';
import { readPalette, type Palette } from './palette';
import { hitTest, type Hit } from './treeHit';
import type { TreeLayout } from './treeLayout';
import { useThemeKey } from './useThemeKey';

export interface CanvasHandle {
  setTransform(t: { x: number; y: number; k: number }): void;
}

interface Props {
  tree: TreeSnapshot;
  layout: TreeLayout;
  focus: Focus;
  selected: { page: number; index?: number } | null;
  width: number;
  height: number;
  label: string;
  onHit: (hit: Hit) => void;
  ref?: Ref<CanvasHandle>;
}

export function TreeCanvas(props: Props) {
  const { tree, layout, focus, selected, width, height, label, onHit, ref } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const view = useRef({ x: 0, y: 0, k: 1 });
  const input = useRef<PaintInput | null>(null);
  const cache = useRef<{ tree: TreeSnapshot; theme: string; palette: Palette; atlas: GridAtlas }>(
    null,
  );
  const frame = useRef(0);
  const paints = useRef(0);
  // Subscribed once mounted (the ref is read in subscribe): a later theme flip re-renders.
  const theme = useThemeKey(canvas);
  const dpr = typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1;

  const edges = useMemo(() => edgePaths(layout), [layout]);
  const lit = useMemo(() => {
    const h = highlightEdges(layout, focus, selected);
    const path = (list: typeof h.focus) =>
      list.length ? new Path2D(list.map(edgeD).join('')) : null;
    return { focus: path(h.focus), selected: path(h.selected) };
  }, [layout, focus, selected]);

  // The frame callback reads the latest size and inputs from refs: a callback captured by an
  // earlier render would paint with that render's (possibly zero) size.
  const stageSize = useRef({ width, height, dpr });
  const paint = useCallback(() => {
    frame.current = 0;
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx || !input.current) return;
    const t0 = performance.now();
    const n = paintTree(ctx, input.current, { ...view.current, ...stageSize.current });
    // Read by the benchmark and the e2e tests: how much a frame drew and what it cost.
    el.dataset.paints = String(++paints.current);
    el.dataset.paintedPages = String(n);
    el.dataset.paintMs = (performance.now() - t0).toFixed(2);
  }, []);

  const request = useCallback(() => {
    if (!frame.current) frame.current = requestAnimationFrame(paint);
  }, [paint]);

  useImperativeHandle(
    ref,
    () => ({
      setTransform(t) {
        view.current = { x: t.x, y: t.y, k: t.k };
        request();
      },
    }),
    [request],
  );

  useLayoutEffect(() => {
    const el = canvas.current;
    if (!el) return;
    let c = cache.current;
    // The atlas costs a pass over every entry: rebuild it for a new tree or theme only.
    if (!c || c.tree !== tree || c.theme !== theme) {
      const palette = readPalette(el);
      c = {
        tree,
        theme,
        palette,
        atlas: buildAtlas(tree.entries, tree.pages.length, palette.kinds),
      };
      cache.current = c;
    }
    stageSize.current = { width, height, dpr };
    input.current = {
      tree,
      layout,
      atlas: c.atlas,
      palette: c.palette,
      edges,
      lit,
      focus,
      selected,
    };
    request();
  }, [tree, layout, edges, lit, focus, selected, theme, request, width, height, dpr]);

  useLayoutEffect(
    () => () => {
      if (frame.current) cancelAnimationFrame(frame.current);
      frame.current = 0;
    },
    [],
  );

  const onClick = (e: MouseEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const { x, y, k } = view.current;
    const hit = hitTest(layout, (e.clientX - r.left - x) / k, (e.clientY - r.top - y) / k, 4 / k);
    if (hit) onHit(hit);
  };

  return (
    <canvas
      ref={canvas}
      className="tree-canvas"
      role="img"
      aria-label={label}
      width={Math.round(width * dpr)}
      height={Math.round(height * dpr)}
      style={{ width, height }}
      onClick={onClick}
      data-testid="tree-canvas"
    />
  );
}

/** One Path2D per edge style: the canvas strokes each with a single call. */
function edgePaths(layout: TreeLayout): EdgePaths {
  const of = (keep: (e: TreeLayout['edges'][number]) => boolean) =>
    new Path2D(layout.edges.filter(keep).map(edgeD).join(''));
  const dashed = inferredBlocks(layout);
  const bundlesOf = (inferred: boolean) =>
    layout.blocks
      .filter((_, i) => dashed.has(i) === inferred)
      .map((b) => bundleD(b, layout))
      .join('');
  return {
    tree: of((e) => e.kind === 'tree' && !e.inferred),
    shared: of((e) => e.kind === 'shared' && !e.inferred),
    bundles: new Path2D(bundlesOf(false)),
    // Links a trace replay inferred, drawn dash-dot whatever their kind (TreeSvg.css).
    inferred: new Path2D(
      layout.edges
        .filter((e) => e.inferred && e.kind !== 'block')
        .map(edgeD)
        .join('') + bundlesOf(true),
    ),
  };
}
