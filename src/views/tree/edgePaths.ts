/**
 * Edge geometry as SVG path data: the SVG draws the strings, the canvas wraps the same strings in
 * Path2D, so both modes draw the same curves.
 */
import type { Focus } from '../../worker/viewTypes';
import { BLOCK_LABEL_H, BRACKET_DX, PAGE_H, PAGE_W } from './treeLayout';
import type { BlockBox, EdgeLine, TreeLayout } from './treeLayout';

/**
 * Right from the entry's cell (hidden under the parent's card, which is drawn over edges), out
 * of the card's right side level with that cell, then an S-curve to the child's left side.
 * So the order of a page's links down its grid is the order of the children down the column.
 */
export function edgeD(e: EdgeLine): string {
  const xm = (e.xb + e.x2) / 2;
  return `M${e.x1} ${e.y1}H${e.xb}C${xm} ${e.y1} ${xm} ${e.y2} ${e.x2} ${e.y2}`;
}

/**
 * A block's 8..512 links as one bundle: a trunk from the parent's card to a bracket along the
 * block's left side. Drawn one by one they would be a solid fan of lines over the cards.
 */
export function bundleD(b: BlockBox, layout: TreeLayout): string {
  const p = layout.byId.get(b.parent);
  if (!p) return '';
  const x0 = p.x + PAGE_W;
  const y0 = p.y + PAGE_H / 2;
  const xb = b.x - BRACKET_DX;
  const top = b.y + BLOCK_LABEL_H;
  const bottom = b.y + b.h;
  const ym = (top + bottom) / 2;
  const xm = (x0 + xb) / 2;
  return `M${x0} ${y0}C${xm} ${y0} ${xm} ${ym} ${xb} ${ym}M${xb + 6} ${top}H${xb}V${bottom}H${xb + 6}`;
}

/** Where a block's label goes: in the band above its first row. */
export function bundleLabelAt(b: BlockBox): [number, number] {
  return [b.x, b.y + BLOCK_LABEL_H - 10];
}

/** "entries 0–511: 512 pages, row by row". */
export function bundleLabel(b: BlockBox): string {
  const range = b.first === b.last ? `entry ${b.first}` : `entries ${b.first}–${b.last}`;
  return `${range}: ${b.count} pages, ${b.cols} per row in entry order`;
}

/**
 * The links worth drawing on top: into the page the step touched and into the selected one,
 * and out of the touched or selected entry (a link points at its child).
 */
export function highlightEdges(
  layout: TreeLayout,
  focus: Focus,
  selected: { page: number; index?: number } | null,
): { focus: EdgeLine[]; selected: EdgeLine[] } {
  const pick = (page: number | undefined, index: number | undefined) =>
    page === undefined
      ? []
      : layout.edges.filter(
          (e) =>
            (e.child === page && e.kind !== 'shared') || (e.parent === page && e.index === index),
        );
  return {
    focus: pick(focus.page, focus.index),
    selected: selected ? pick(selected.page, selected.index) : [],
  };
}

/**
 * Blocks holding a link a trace replay inferred (their bundle is drawn dashed, as those links
 * would be one by one), by index into layout.blocks.
 */
export function inferredBlocks(layout: TreeLayout): Set<number> {
  const out = new Set<number>();
  if (!layout.edges.some((e) => e.inferred && e.kind === 'block')) return out;
  layout.blocks.forEach((b, i) => {
    const hit = layout.edges.some(
      (e) =>
        e.inferred &&
        e.kind === 'block' &&
        e.parent === b.parent &&
        e.index >= b.first &&
        e.index <= b.last,
    );
    if (hit) out.add(i);
  });
  return out;
}
