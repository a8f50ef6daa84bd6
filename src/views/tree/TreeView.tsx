/**
 * The shadow page tree at the shown step: every kvm_mmu_page as a card with its 512-entry grid,
 * links from parent entries to child tables, the step's touched entry and the selection marked.
 * Presentational: the tree, focus and selection come in as props, picks go out via onSelect.
 *
 * Small trees are SVG (real elements: hover titles, tab-able toggles, test ids); past
 * SVG_MAX_PAGES cards it is a canvas with level of detail (a 16 GiB split is 8,210 pages and
 * 4.2 million cells). d3-zoom pans and zooms both; the outline beside them is the keyboard path.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { ZoomTransform } from 'd3';
import type { Focus, TreeSnapshot } from '../../worker/viewTypes';
import { entryText, pageLines } from './pageText';
import { TreeCanvas, type CanvasHandle } from './TreeCanvas';
import type { Hit } from './treeHit';
import { layoutTree, PAGE_H, PAGE_W } from './treeLayout';
import { TreeLegend } from './TreeLegend';
import { TreeOutline } from './TreeOutline';
import { TreeScene, treeSummary } from './TreeSvg';
import { useElementSize } from './useElementSize';
import { useTreeZoom } from './useTreeZoom';
import './TreeSvg.css';
import './TreeView.css';

/** Past this many cards the SVG's element count makes pan and zoom stutter. */
export const SVG_MAX_PAGES = 300;

export type Selection = { page: number; index?: number };

export interface TreeViewProps {
  tree: TreeSnapshot;
  focus: Focus;
  selected: Selection | null;
  onSelect(sel: Selection): void;
  /** Force a renderer (tests, benchmarks); default: by size. */
  mode?: 'auto' | 'svg' | 'canvas';
  /** Inside someone's page (an embed): the wheel zooms only after a click into the tree, or with Ctrl. */
  wheelNeedsFocus?: boolean;
}

export function TreeView({
  tree,
  focus,
  selected,
  onSelect,
  mode = 'auto',
  wheelNeedsFocus = false,
}: TreeViewProps) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(() => new Set());
  const stage = useRef<HTMLDivElement>(null);
  const scene = useRef<SVGGElement>(null);
  const canvas = useRef<CanvasHandle>(null);
  const size = useElementSize(stage);
  const layout = useMemo(() => layoutTree(tree, collapsed), [tree, collapsed]);
  const drawAs = mode !== 'auto' ? mode : layout.pages.length <= SVG_MAX_PAGES ? 'svg' : 'canvas';
  const summary = treeSummary(tree, layout);

  const onZoom = useCallback((t: ZoomTransform) => {
    scene.current?.setAttribute('transform', t.toString());
    // For tests and the benchmark: where the drawing is (screen = t.apply(drawing point)).
    stage.current?.setAttribute(
      'data-zoom',
      `${t.x.toFixed(1)} ${t.y.toFixed(1)} ${t.k.toFixed(5)}`,
    );
    canvas.current?.setTransform(t);
  }, []);
  const [wheelHint, setWheelHint] = useState(false);
  const hintTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const wheel = useMemo(
    () => ({
      needsFocus: wheelNeedsFocus,
      onIgnored: () => {
        setWheelHint(true);
        clearTimeout(hintTimer.current);
        hintTimer.current = setTimeout(() => setWheelHint(false), 1500);
      },
    }),
    [wheelNeedsFocus],
  );
  useEffect(() => () => clearTimeout(hintTimer.current), []);
  const zoom = useTreeZoom(stage, onZoom, wheel);

  const toggle = useCallback((page: number) => {
    setCollapsed((s) => {
      const next = new Set(s);
      if (!next.delete(page)) next.add(page);
      return next;
    });
  }, []);
  const onEntry = useCallback(
    (page: number, index: number) => onSelect({ page, index }),
    [onSelect],
  );
  const onHit = useCallback(
    (hit: Hit) => {
      if (hit.kind === 'toggle') toggle(hit.page);
      else
        onSelect(hit.kind === 'entry' ? { page: hit.page, index: hit.index } : { page: hit.page });
    },
    [toggle, onSelect],
  );

  // Fit the drawing the first time there is one and a stage to show it in; afterwards keep the
  // user's view across steps, unless the drawing has left the screen entirely.
  const fitted = useRef(false);
  useLayoutEffect(() => {
    if (size.width === 0 || layout.pages.length === 0) return;
    const box: [number, number, number, number] = [0, 0, layout.width, layout.height];
    const fitK = Math.min(size.width / layout.width, size.height / layout.height);
    zoom.setScaleExtent(Math.min(0.25, fitK / 2), 8);
    const t = zoom.current();
    const [x0, y0] = t.apply([0, 0]);
    const [x1, y1] = t.apply([layout.width, layout.height]);
    const gone = x1 < 0 || y1 < 0 || x0 > size.width || y0 > size.height;
    if (!fitted.current || gone) zoom.fit(box);
    else onZoom(t);
    fitted.current = true;
  }, [layout, size, zoom, onZoom, drawAs]);

  // Stepping moves the focus: bring the touched page on screen.
  useEffect(() => {
    const b = focus.page === undefined ? undefined : layout.byId.get(focus.page);
    if (b) zoom.reveal([b.x, b.y, PAGE_W, PAGE_H]);
  }, [focus.page, layout, zoom]);

  const pick = (page: number) => {
    onSelect({ page });
    const b = layout.byId.get(page);
    if (b) zoom.reveal([b.x, b.y, PAGE_W, PAGE_H]);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const step = 80;
    const keys: Record<string, () => void> = {
      '+': () => zoom.zoomBy(1.25),
      '=': () => zoom.zoomBy(1.25),
      '-': () => zoom.zoomBy(0.8),
      '0': () => zoom.fit([0, 0, layout.width, layout.height]),
      ArrowLeft: () => zoom.panBy(step, 0),
      ArrowRight: () => zoom.panBy(-step, 0),
      ArrowUp: () => zoom.panBy(0, step),
      ArrowDown: () => zoom.panBy(0, -step),
    };
    const act = keys[e.key];
    if (!act || e.altKey || e.ctrlKey || e.metaKey) return;
    act();
    // The app steps through the timeline on arrow keys; inside the tree they pan.
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div
      className="tree-view"
      data-testid="tree-view"
      data-mode={drawAs}
      data-drawn-pages={layout.pages.length}
      data-pages={tree.pages.length}
    >
      <div className="tree-bar">
        <p className="tree-summary">{summary}</p>
        <div className="buttons" role="group" aria-label="Zoom">
          <button type="button" onClick={() => zoom.zoomBy(0.8)} aria-label="Zoom out">
            −
          </button>
          <button type="button" onClick={() => zoom.zoomBy(1.25)} aria-label="Zoom in">
            +
          </button>
          <button type="button" onClick={() => zoom.fit([0, 0, layout.width, layout.height])}>
            Fit
          </button>
        </div>
      </div>
      <div className="tree-body">
        <TreeOutline
          tree={tree}
          layout={layout}
          selectedPage={selected?.page}
          focusPage={focus.page}
          onPick={pick}
          onToggle={toggle}
        />
        <div
          className="tree-stage"
          ref={stage}
          tabIndex={0}
          role="group"
          aria-roledescription="zoomable tree"
          aria-label={`${summary}. Drag or arrow keys to pan, wheel or + and − to zoom, 0 to fit.`}
          onKeyDown={onKeyDown}
        >
          {wheelHint && (
            <p className="tree-wheel-hint" role="status">
              Click the tree, or hold Ctrl, to zoom with the wheel
            </p>
          )}
          {drawAs === 'svg' ? (
            <svg className="tree-svg" role="group" aria-label={summary} width="100%" height="100%">
              <g ref={scene}>
                <TreeScene
                  tree={tree}
                  layout={layout}
                  focus={focus}
                  selected={selected}
                  idPrefix="tree-view"
                  onEntry={onEntry}
                  onToggle={toggle}
                />
              </g>
            </svg>
          ) : (
            <TreeCanvas
              ref={canvas}
              tree={tree}
              layout={layout}
              focus={focus}
              selected={selected}
              width={size.width}
              height={size.height}
              label={summary}
              onHit={onHit}
            />
          )}
        </div>
      </div>
      <p className="tree-status" aria-live="polite">
        {describe(tree, focus.page, focus.index, 'This step')}
        {describe(tree, selected?.page, selected?.index, 'Selected')}
      </p>
      <TreeLegend inferred={tree.edges.some((e) => e.inferred)} />
    </div>
  );
}

/** "Selected: L1 gfn 0x2200 (sp 21), entry 17 (4K leaf)". */
function describe(
  tree: TreeSnapshot,
  page: number | undefined,
  index: number | undefined,
  what: string,
) {
  if (page === undefined) return null;
  const n = tree.pages.findIndex((p) => p.id === page);
  const p = tree.pages[n];
  if (!p) return <span>{`${what}: page ${page} (not in this tree)`}</span>;
  const l = pageLines(p);
  const entry =
    index === undefined ? '' : `, ${entryText(tree.entries[n * 512 + index] ?? 0, index, p.level)}`;
  return (
    <span
      className={what === 'Selected' ? 'sel' : 'foc'}
    >{`${what}: ${l.title} (${l.id})${entry}`}</span>
  );
}
