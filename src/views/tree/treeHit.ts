/**
 * Which page, entry or toggle is at a point of the drawing: the canvas has no elements to click,
 * so its clicks come here (in drawing coordinates, after undoing the zoom). A linear scan: 8,210
 * boxes cost well under a millisecond, once per click.
 */
import {
  GRID_COLS,
  GRID_ROWS,
  GRID_X,
  GRID_Y,
  PAGE_H,
  PAGE_W,
  PITCH,
  TOGGLE,
  type PageBox,
  type TreeLayout,
} from './treeLayout';

export type Hit =
  | { kind: 'toggle'; page: number }
  | { kind: 'entry'; page: number; index: number }
  | { kind: 'page'; page: number };

/** `slop` widens the toggle's target (in drawing units) where it is drawn small. */
export function hitTest(layout: TreeLayout, x: number, y: number, slop = 0): Hit | null {
  for (const box of layout.pages) {
    if (x < box.x || y < box.y || x >= box.x + PAGE_W || y >= box.y + PAGE_H) continue;
    return hitInPage(box, x - box.x, y - box.y, slop);
  }
  return null;
}

/** Hit inside one card, at (lx, ly) from its top-left corner. */
export function hitInPage(box: PageBox, lx: number, ly: number, slop = 0): Hit {
  const page = box.id;
  if (
    box.children > 0 &&
    lx >= TOGGLE.x - slop &&
    lx < TOGGLE.x + TOGGLE.w + slop &&
    ly >= TOGGLE.y - slop &&
    ly < TOGGLE.y + TOGGLE.h + slop
  )
    return { kind: 'toggle', page };
  const col = Math.floor((lx - GRID_X) / PITCH);
  const row = Math.floor((ly - GRID_Y) / PITCH);
  if (col >= 0 && col < GRID_COLS && row >= 0 && row < GRID_ROWS)
    return { kind: 'entry', page, index: row * GRID_COLS + col };
  return { kind: 'page', page };
}
