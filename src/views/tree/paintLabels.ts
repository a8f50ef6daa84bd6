/**
 * The canvas's text and highlights: each card's three lines, mark tab and fold toggle, block
 * labels, and the rings and links that mark the step's entry and the selection (which must stay
 * findable at any zoom). Called by paintTree in drawing coordinates.
 */
import { bundleLabel, bundleLabelAt } from './edgePaths';
import type { PaintInput } from './paintTree';
import type { Palette } from './palette';
import { pageLines } from './pageText';
import {
  GRID_COLS,
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

export function paintText(ctx: CanvasRenderingContext2D, p: PaintInput, seen: PageBox[]) {
  const c = p.palette;
  ctx.textBaseline = 'alphabetic';
  for (const b of seen) {
    const page = p.tree.pages[b.n]!;
    const l = pageLines(page);
    const y = b.y + PAD + 10;
    ctx.textAlign = 'left';
    ctx.fillStyle = c.text;
    ctx.font = `600 11px ${c.font}`;
    ctx.fillText(l.title, b.x + PAD, y);
    ctx.fillStyle = c.muted;
    ctx.font = `10.5px ${c.font}`;
    ctx.fillText(l.role, b.x + PAD, y + LINE_H);
    ctx.fillText(l.meta, b.x + PAD, y + 2 * LINE_H);
    ctx.textAlign = 'right';
    ctx.fillStyle = c.faint;
    ctx.font = `10px ${c.font}`;
    ctx.fillText(l.id, b.x + PAGE_W - PAD, y);
    if (page.mark) {
      const w = page.mark.length * 6.2 + 10;
      ctx.fillStyle = c[page.mark];
      ctx.fillRect(b.x, b.y - 13, w, 14);
      ctx.fillStyle = c.card;
      ctx.textAlign = 'left';
      ctx.font = `600 9.5px ${c.font}`;
      ctx.fillText(page.mark, b.x + 5, b.y - 3);
    }
    if (b.children > 0) paintToggle(ctx, b, c);
    if (b.collapsed) {
      ctx.fillStyle = c.muted;
      ctx.textAlign = 'left';
      ctx.font = `10.5px ${c.font}`;
      ctx.fillText(
        `+${b.hidden} page${b.hidden === 1 ? '' : 's'} folded`,
        b.x + PAGE_W + 16,
        b.y + PAGE_H / 2 + 8,
      );
    }
  }
}

function paintToggle(ctx: CanvasRenderingContext2D, b: PageBox, c: Palette) {
  const x = b.x + TOGGLE.x;
  const y = b.y + TOGGLE.y;
  ctx.fillStyle = c.card;
  ctx.strokeStyle = c.cardLine;
  ctx.lineWidth = 1;
  ctx.fillRect(x, y, TOGGLE.w, TOGGLE.h);
  ctx.strokeRect(x, y, TOGGLE.w, TOGGLE.h);
  ctx.strokeStyle = c.text;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(x + 4, y + 6);
  ctx.lineTo(x + 12, y + 6);
  if (b.collapsed) {
    ctx.moveTo(x + 8, y + 2);
    ctx.lineTo(x + 8, y + 10);
  }
  ctx.stroke();
}

export function paintBundleLabels(ctx: CanvasRenderingContext2D, p: PaintInput, c: Palette) {
  ctx.fillStyle = c.muted;
  ctx.textAlign = 'left';
  ctx.font = `11px ${c.font}`;
  for (const b of p.layout.blocks) ctx.fillText(bundleLabel(b), ...bundleLabelAt(b));
}

/**
 * The step's page and the selection: rings that stay visible at any zoom (a marker circle when
 * the card is only a few pixels), the links into them, and their entry cells.
 */
export function paintHighlights(ctx: CanvasRenderingContext2D, p: PaintInput, k: number) {
  const px = 1 / k;
  const ring = (
    page: number | undefined,
    index: number | undefined,
    color: string,
    path: Path2D | null,
    pad: number,
  ) => {
    ctx.strokeStyle = color;
    if (path) {
      ctx.lineWidth = 2.5 * px;
      ctx.stroke(path);
    }
    const b = page === undefined ? undefined : p.layout.byId.get(page);
    if (!b) return;
    ctx.lineWidth = Math.max(3, 2.5 * px);
    const o = pad * Math.max(1, px);
    ctx.strokeRect(b.x - o, b.y - o, PAGE_W + 2 * o, PAGE_H + 2 * o);
    if (PAGE_W * k < 24) {
      ctx.lineWidth = 2 * px;
      ctx.beginPath();
      ctx.arc(b.x + PAGE_W / 2, b.y + PAGE_H / 2, Math.max(PAGE_W, 14 * px), 0, 2 * Math.PI);
      ctx.stroke();
    }
    if (index !== undefined && k * PITCH >= 2) {
      ctx.lineWidth = Math.max(1.5, 2 * px);
      const x = b.x + GRID_X + (index % GRID_COLS) * PITCH;
      const y = b.y + GRID_Y + Math.floor(index / GRID_COLS) * PITCH;
      ctx.strokeRect(x - 1, y - 1, PITCH + 1, PITCH + 1);
    }
  };
  ring(p.selected?.page, p.selected?.index, p.palette.selected, p.lit.selected, 5);
  ring(p.focus.page, p.focus.index, p.palette.focus, p.lit.focus, 1);
}
