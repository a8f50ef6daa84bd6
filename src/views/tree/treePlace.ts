/**
 * The tidy-tree part of the layout: d3-hierarchy places each root's subtree (cards and blocks of
 * varying size), blocks get their column count, and the roots are packed into rows.
 */
import { hierarchy, tree as tidyTree } from 'd3';
import type { HierarchyPointNode } from 'd3';
import { BLOCK_LABEL_H, PAGE_H, PAGE_W } from './cardGeometry';
import type { Link } from './spanningTree';

const GAP_Y = 26;
/** Between two blocks: wide enough to see where one ends when zoomed out. */
const BLOCK_SEP = 160;
const LEVEL_GAP = 64;
/** Cards in a block sit closer: no edge runs between them, only the mark tab above each. */
export const BLOCK_GAP_X = 16;
export const BLOCK_GAP_Y = 22;
/** Fewer childless siblings than this stay in the tidy column. */
export const BLOCK_MIN = 8;
const ROOT_GAP = 80;
const FOLD_LABEL_W = 150;
export const MARGIN = 24;

/** A card, or a run of childless siblings drawn as a grid. */
export interface Item {
  id: number;
  kids: Item[];
  /** Folded with children: "+N pages folded" is written right of the card. */
  folded?: boolean;
  block?: { links: Link[]; cols: number; w: number; h: number };
}

/**
 * Columns per block. B blocks stacked in one column, each of n cards in `cols` columns, make a
 * drawing about cols * W wide and B * (n / cols) * H tall: solve for the aspect ratio. Powers of
 * two keep "position in the block = entry order" easy to read (32 columns: one block row per
 * grid row of the parent).
 */
export function shapeBlocks(blocks: Item[], aspect: number): void {
  const cw = PAGE_W + BLOCK_GAP_X;
  const ch = PAGE_H + BLOCK_GAP_Y;
  for (const item of blocks) {
    const b = item.block!;
    const n = b.links.length;
    const ideal = Math.sqrt((aspect * blocks.length * n * ch) / cw);
    b.cols = Math.min(n, 2 ** Math.max(0, Math.round(Math.log2(ideal))));
    b.w = b.cols * cw - BLOCK_GAP_X;
    b.h = BLOCK_LABEL_H + Math.ceil(n / b.cols) * ch - BLOCK_GAP_Y;
  }
}

export function sizeOf(item: Item): { w: number; h: number } {
  if (item.block) return { w: item.block.w, h: item.block.h };
  return { w: PAGE_W + (item.folded ? FOLD_LABEL_W : 0), h: PAGE_H };
}

export interface PlacedRoot {
  /** d3's x is the breadth: our vertical centre, from 0 at the top. */
  nodes: HierarchyPointNode<Item>[];
  colLeft: number[];
  width: number;
  height: number;
}

/** d3's tidy tree with heights that vary: separation in pixels between neighbours' edges. */
export function placeRoot(item: Item): PlacedRoot {
  const root = hierarchy(item, (d) => d.kids);
  const laid = tidyTree<Item>()
    .nodeSize([1, 1])
    .separation(
      (a, b) =>
        (sizeOf(a.data).h + sizeOf(b.data).h) / 2 +
        (a.data.block && b.data.block ? BLOCK_SEP : GAP_Y),
    )(root);
  const nodes = laid.descendants();
  const colW: number[] = [];
  let top = Infinity;
  let bottom = -Infinity;
  for (const n of nodes) {
    const { w, h } = sizeOf(n.data);
    colW[n.depth] = Math.max(colW[n.depth] ?? 0, w);
    top = Math.min(top, n.x - h / 2);
    bottom = Math.max(bottom, n.x + h / 2);
  }
  const colLeft: number[] = [];
  let x = 0;
  for (let d = 0; d < colW.length; d++) {
    colLeft.push(x);
    x += colW[d]! + LEVEL_GAP;
  }
  for (const n of nodes) n.x -= top;
  return { nodes, colLeft, width: x - LEVEL_GAP, height: bottom - top };
}

/** Roots (and orphans) side by side, wrapping into rows so many small trees stay near `aspect`. */
export function packRoots(placed: PlacedRoot[], aspect: number) {
  const area = placed.reduce((a, p) => a + (p.width + ROOT_GAP) * (p.height + ROOT_GAP), 0);
  const widest = placed.reduce((w, p) => Math.max(w, p.width), 0);
  const rowWidth = Math.max(widest, Math.sqrt(area * aspect));
  const out: { root: PlacedRoot; dx: number; dy: number }[] = [];
  let x = MARGIN;
  let y = MARGIN + BLOCK_GAP_Y; // room for the mark tab above the first card
  let rowH = 0;
  for (const p of placed) {
    if (x > MARGIN && x + p.width > MARGIN + rowWidth) {
      x = MARGIN;
      y += rowH + ROOT_GAP;
      rowH = 0;
    }
    out.push({ root: p, dx: x, dy: y });
    x += p.width + ROOT_GAP;
    rowH = Math.max(rowH, p.height);
  }
  return out;
}
