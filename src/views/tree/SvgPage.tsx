/**
 * One shadow page as an SVG card: level, gfn and id; role flags; access, present entries and
 * root_count; the 32 x 16 grid of its entries by kind; a tab for new / reused / zapped; the
 * collapse toggle. Pure: no effects, no refs, no measuring, so react-dom/server can render it.
 */
import type { KeyboardEvent, MouseEvent } from 'react';
import type { TreePage } from '../../worker/viewTypes';
import { CELL, gridPaths } from './gridPaths';
import { entryText, pageLines, pageTitle } from './pageText';
import {
  GRID_COLS,
  GRID_ROWS,
  GRID_X,
  GRID_Y,
  LINE_H,
  PAD,
  PAGE_H,
  PAGE_W,
  PITCH,
  TOGGLE,
  type PageBox,
} from './treeLayout';

interface Props {
  box: PageBox;
  page: TreePage;
  entries: Uint8Array;
  /** The step's touched entry in this page (-1 = the page itself, null = not focused). */
  focusIndex: number | null;
  selectedIndex: number | null;
  /** id for the cell-gap pattern defined once by the scene. */
  patternId: string;
  onEntry?: (page: number, index: number) => void;
  onToggle?: (page: number) => void;
}

const GRID_W = GRID_COLS * PITCH;
const GRID_H = GRID_ROWS * PITCH;
const TEXT_Y = PAD + 10;

export function SvgPage(props: Props) {
  const { box, page, entries, focusIndex, selectedIndex, patternId, onEntry, onToggle } = props;
  const lines = pageLines(page);
  const paths = gridPaths(entries, box.n);
  const cls = [
    'tree-page',
    page.mark ? `mark-${page.mark}` : '',
    focusIndex !== null ? 'focus' : '',
    selectedIndex !== null ? 'selected' : '',
  ]
    .filter(Boolean)
    .join(' ');

  // The one place the SVG measures the DOM: in a click, never while rendering.
  const onGridClick = (e: MouseEvent<SVGRectElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const col = Math.floor(((e.clientX - r.left) / r.width) * GRID_COLS);
    const row = Math.floor(((e.clientY - r.top) / r.height) * GRID_ROWS);
    onEntry?.(page.id, Math.min(GRID_ROWS - 1, row) * GRID_COLS + Math.min(GRID_COLS - 1, col));
  };
  const onToggleKey = (e: KeyboardEvent) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    e.stopPropagation();
    onToggle?.(page.id);
  };

  return (
    <g
      className={cls}
      transform={`translate(${box.x},${box.y})`}
      data-testid="tree-page"
      data-page={page.id}
      data-level={page.level}
      data-mark={page.mark ?? ''}
    >
      <title>{pageTitle(page)}</title>
      {box.collapsed && (
        <g className="stack" aria-hidden="true">
          <rect x={8} y={8} width={PAGE_W} height={PAGE_H} rx={4} />
          <rect x={4} y={4} width={PAGE_W} height={PAGE_H} rx={4} />
          <text className="hidden-count" x={PAGE_W + 16} y={PAGE_H / 2 + 8}>
            {`+${box.hidden} page${box.hidden === 1 ? '' : 's'} folded`}
          </text>
        </g>
      )}
      {page.mark && (
        <g className="mark-tab">
          <rect x={0} y={-13} width={page.mark.length * 6.2 + 10} height={14} rx={2} />
          <text x={5} y={-3}>
            {page.mark}
          </text>
        </g>
      )}
      {selectedIndex !== null && (
        <rect className="sel-ring" x={-5} y={-5} width={PAGE_W + 10} height={PAGE_H + 10} rx={7} />
      )}
      <rect className="card" width={PAGE_W} height={PAGE_H} rx={4} />
      <text className="title" x={PAD} y={TEXT_Y}>
        {lines.title}
      </text>
      <text className="sp-id" x={PAGE_W - PAD} y={TEXT_Y} textAnchor="end">
        {lines.id}
      </text>
      <text className="role" x={PAD} y={TEXT_Y + LINE_H}>
        {lines.role}
      </text>
      <text className="meta" x={PAD} y={TEXT_Y + 2 * LINE_H}>
        {lines.meta}
      </text>
      <g className="grid" transform={`translate(${GRID_X},${GRID_Y})`}>
        <rect className="k-empty" width={GRID_W - 1} height={GRID_H - 1} />
        {paths.leaf && <path className="k-leaf" d={paths.leaf} />}
        {paths.huge && <path className="k-huge" d={paths.huge} />}
        {paths.link && <path className="k-link" d={paths.link} />}
        <rect className="gaps" width={GRID_W - 1} height={GRID_H - 1} fill={`url(#${patternId})`} />
        {selectedIndex !== null && selectedIndex >= 0 && (
          <CellMark
            index={selectedIndex}
            className="cell-selected"
            entries={entries}
            box={box}
            page={page}
          />
        )}
        {focusIndex !== null && focusIndex >= 0 && (
          <CellMark
            index={focusIndex}
            className="cell-focus"
            entries={entries}
            box={box}
            page={page}
          />
        )}
        {onEntry && (
          <rect
            className="grid-hit"
            width={GRID_W}
            height={GRID_H}
            onClick={onGridClick}
            data-testid="tree-grid"
          />
        )}
      </g>
      {box.children > 0 && (
        <g
          className="toggle"
          transform={`translate(${TOGGLE.x},${TOGGLE.y})`}
          {...(onToggle && {
            role: 'button',
            tabIndex: 0,
            'aria-expanded': !box.collapsed,
            'aria-label': `${box.collapsed ? 'Expand' : 'Fold'} the ${box.children} child page(s) of page ${page.id}`,
            onClick: (e: MouseEvent) => {
              e.stopPropagation();
              onToggle(page.id);
            },
            onKeyDown: onToggleKey,
          })}
          data-testid="tree-toggle"
        >
          <rect width={TOGGLE.w} height={TOGGLE.h} rx={2} />
          <path d={box.collapsed ? 'M4 6h8M8 2v8' : 'M4 6h8'} />
        </g>
      )}
    </g>
  );
}

/** A ring around one entry cell, with its name for hover. */
function CellMark(props: {
  index: number;
  className: string;
  entries: Uint8Array;
  box: PageBox;
  page: TreePage;
}) {
  const { index, className, entries, box, page } = props;
  const x = (index % GRID_COLS) * PITCH;
  const y = Math.floor(index / GRID_COLS) * PITCH;
  const kind = entries[box.n * GRID_COLS * GRID_ROWS + index] ?? 0;
  return (
    <rect className={className} x={x - 1.5} y={y - 1.5} width={CELL + 3} height={CELL + 3}>
      <title>{entryText(kind, index, page.level)}</title>
    </rect>
  );
}
