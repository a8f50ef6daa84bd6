/**
 * Paints the tree on a canvas at one zoom transform, drawing only what is on screen and only the
 * detail that is legible at that scale (level of detail):
 *   a card under 16 px wide   → one rectangle in its entries' average colour, its mark a stripe
 *                               along the top (the grid would be a blur of a few pixels anyway);
 *   larger                    → card, entry grid from the atlas, mark border;
 *   text from ~6 px glyphs    → the three lines, mark tabs, toggles, bundle labels;
 *   cells from 3 px           → the 1 px gaps between cells; from 2 px, cell rings.
 * Rectangles are batched into one path per colour: one fill call, not thousands.
 */
import type { Focus, TreeSnapshot } from '../../worker/viewTypes';
import type { GridAtlas } from './gridAtlas';
import type { Palette } from './palette';
import { paintBundleLabels, paintHighlights, paintText } from './paintLabels';
import {
  GRID_COLS,
  GRID_ROWS,
  GRID_X,
  GRID_Y,
  PAGE_H,
  PAGE_W,
  PITCH,
  type PageBox,
  type TreeLayout,
} from './treeLayout';

/** Path2Ds built once per layout (the SVG's path strings). */
export interface EdgePaths {
  tree: Path2D;
  shared: Path2D;
  bundles: Path2D;
  /** Links a trace replay inferred (any kind), dash-dot. */
  inferred: Path2D;
}

export interface PaintInput {
  tree: TreeSnapshot;
  layout: TreeLayout;
  atlas: GridAtlas;
  edges: EdgePaths;
  lit: { focus: Path2D | null; selected: Path2D | null };
  palette: Palette;
  focus: Focus;
  selected: { page: number; index?: number } | null;
}

export interface View {
  x: number;
  y: number;
  k: number;
  width: number;
  height: number;
  dpr: number;
}

const GRID_W = GRID_COLS * PITCH;
const GRID_H = GRID_ROWS * PITCH;
const MARK_KEYS = ['new', 'reused', 'zapped'] as const;

/** Returns the number of pages painted. */
export function paintTree(ctx: CanvasRenderingContext2D, p: PaintInput, v: View): number {
  const { layout, palette: c } = p;
  const k = v.k;
  ctx.setTransform(v.dpr, 0, 0, v.dpr, 0, 0);
  ctx.fillStyle = c.bg;
  ctx.fillRect(0, 0, v.width, v.height);
  ctx.setTransform(v.dpr * k, 0, 0, v.dpr * k, v.dpr * v.x, v.dpr * v.y);

  // The visible part of the drawing, with room for tabs above and stacks below a card.
  const x0 = -v.x / k - PAGE_W - 160;
  const y0 = -v.y / k - PAGE_H - 30;
  const x1 = (v.width - v.x) / k;
  const y1 = (v.height - v.y) / k + 16;
  const seen = layout.pages.filter((b) => b.x > x0 && b.x < x1 && b.y > y0 && b.y < y1);

  const px = 1 / k; // one screen pixel in drawing units
  ctx.lineWidth = 1.2 * px;
  ctx.strokeStyle = c.edge;
  ctx.stroke(p.edges.tree);
  ctx.stroke(p.edges.bundles);
  ctx.setLineDash([4 * px, 3 * px]);
  ctx.stroke(p.edges.shared);
  ctx.setLineDash([7 * px, 3 * px, 1.5 * px, 3 * px]);
  ctx.stroke(p.edges.inferred);
  ctx.setLineDash([]);

  const text = k >= 0.55;
  const tiny = PAGE_W * k < 16;
  if (text) paintBundleLabels(ctx, p, c);

  if (tiny) paintTiny(ctx, p, seen, k);
  else paintCards(ctx, p, seen, k, text);

  paintHighlights(ctx, p, k);
  return seen.length;
}

/**
 * Far out: each page a rectangle of its entries' average colour. A full border in the mark's
 * colour would drown that colour at this size, so a mark is a stripe along the top instead.
 */
function paintTiny(ctx: CanvasRenderingContext2D, p: PaintInput, seen: PageBox[], k: number) {
  const px = 1 / k;
  const byColor = new Map<string, PageBox[]>();
  for (const b of seen) {
    const col = p.atlas.average[b.n]!;
    const list = byColor.get(col);
    if (list) list.push(b);
    else byColor.set(col, [b]);
  }
  for (const [col, list] of byColor) {
    ctx.fillStyle = col;
    ctx.beginPath();
    for (const b of list) ctx.rect(b.x, b.y, PAGE_W, PAGE_H);
    ctx.fill();
  }
  // Outlines where there is room for them: they keep a mostly empty page from vanishing.
  if (PAGE_W * k >= 5) {
    ctx.strokeStyle = p.palette.cardLine;
    ctx.lineWidth = px;
    ctx.beginPath();
    for (const b of seen) ctx.rect(b.x, b.y, PAGE_W, PAGE_H);
    ctx.stroke();
  }
  const stripe = Math.max(PAGE_H * 0.2, 1.5 * px);
  for (const mark of MARK_KEYS) {
    ctx.fillStyle = p.palette[mark];
    ctx.beginPath();
    for (const b of seen) if (p.tree.pages[b.n]!.mark === mark) ctx.rect(b.x, b.y, PAGE_W, stripe);
    ctx.fill();
  }
}

function paintCards(
  ctx: CanvasRenderingContext2D,
  p: PaintInput,
  seen: PageBox[],
  k: number,
  text: boolean,
) {
  const c = p.palette;
  const px = 1 / k;
  const folded = seen.filter((b) => b.collapsed);
  if (folded.length) {
    ctx.fillStyle = c.card;
    ctx.strokeStyle = c.cardLine;
    ctx.lineWidth = px;
    ctx.beginPath();
    for (const b of folded) {
      ctx.rect(b.x + 8, b.y + 8, PAGE_W, PAGE_H);
      ctx.rect(b.x + 4, b.y + 4, PAGE_W, PAGE_H);
    }
    ctx.fill();
    ctx.stroke();
  }
  ctx.fillStyle = c.card;
  ctx.beginPath();
  for (const b of seen) ctx.rect(b.x, b.y, PAGE_W, PAGE_H);
  ctx.fill();
  ctx.strokeStyle = c.cardLine;
  ctx.lineWidth = Math.max(1, px); // at least a screen pixel: a mostly empty page must not vanish
  ctx.stroke();

  // Enlarged cells stay crisp; shrunk grids average their cells instead of dropping some.
  ctx.imageSmoothingEnabled = k * PITCH < 1;
  for (const b of seen) {
    const src = p.atlas.source(b.n);
    if (src && p.atlas.image) {
      ctx.drawImage(
        p.atlas.image,
        src[0],
        src[1],
        GRID_COLS,
        GRID_ROWS,
        b.x + GRID_X,
        b.y + GRID_Y,
        GRID_W,
        GRID_H,
      );
    } else {
      ctx.fillStyle = p.atlas.average[b.n]!;
      ctx.fillRect(b.x + GRID_X, b.y + GRID_Y, GRID_W, GRID_H);
    }
  }
  if (k * PITCH >= 3) {
    ctx.strokeStyle = c.card;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (const b of seen) {
      const gx = b.x + GRID_X;
      const gy = b.y + GRID_Y;
      for (let i = 1; i <= GRID_COLS; i++) {
        ctx.moveTo(gx + i * PITCH - 0.5, gy);
        ctx.lineTo(gx + i * PITCH - 0.5, gy + GRID_H);
      }
      for (let j = 1; j <= GRID_ROWS; j++) {
        ctx.moveTo(gx, gy + j * PITCH - 0.5);
        ctx.lineTo(gx + GRID_W, gy + j * PITCH - 0.5);
      }
    }
    ctx.stroke();
  }
  strokeMarks(ctx, p, seen, Math.max(2, 1.5 * px));
  if (text) paintText(ctx, p, seen);
}

function strokeMarks(ctx: CanvasRenderingContext2D, p: PaintInput, seen: PageBox[], width: number) {
  ctx.lineWidth = width;
  for (const mark of MARK_KEYS) {
    ctx.strokeStyle = p.palette[mark];
    ctx.setLineDash(mark === 'zapped' ? [5 * width, 3 * width] : []);
    ctx.beginPath();
    let any = false;
    for (const b of seen) {
      if (p.tree.pages[b.n]!.mark !== mark) continue;
      ctx.rect(b.x, b.y, PAGE_W, PAGE_H);
      any = true;
    }
    if (any) ctx.stroke();
  }
  ctx.setLineDash([]);
}
