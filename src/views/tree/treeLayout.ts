/**
 * Where the tree view puts every shadow page. Pure (d3-hierarchy math, no DOM): the canvas, the
 * SVG and a headless export in Node all draw from the same numbers.
 *
 * Roots at the left, one column per depth, children top to bottom in entry order, placed by d3's
 * tidy tree. Left to right because screens are wider than tall and the page walk is only 4 or 5
 * levels deep, while the fan-out is what grows. A page is a fixed-size card: three text lines
 * over its 32 x 16 entry grid. A split level-2 page has 512 childless level-1 children, which
 * would make a column hundreds of thousands of pixels long, so such a run of children becomes
 * one "block" in the tidy tree: a grid of cards in entry order, shaped so that the whole drawing
 * comes out near the screen's aspect ratio.
 */
import type { TreeSnapshot } from '../../worker/viewTypes';
import { GRID_COLS, GRID_X, GRID_Y, PAGE_H, PAGE_W, PITCH, BLOCK_LABEL_H } from './cardGeometry';
import { descendants, spanningTree, type Link } from './spanningTree';
import {
  BLOCK_GAP_X,
  BLOCK_GAP_Y,
  BLOCK_MIN,
  MARGIN,
  packRoots,
  placeRoot,
  shapeBlocks,
  sizeOf,
  type Item,
} from './treePlace';

export * from './cardGeometry';

export interface PageBox {
  /** Index into tree.pages (and into tree.entries, times 512). */
  n: number;
  id: number;
  x: number;
  y: number;
  depth: number;
  /** The page whose entry `parentIndex` placed this one here; -1 for a root. */
  parent: number;
  parentIndex: number;
  /** Child pages in the snapshot (tree edges), drawn or not. */
  children: number;
  collapsed: boolean;
  /** Pages a fold hides under this one. */
  hidden: number;
  /** Index into layout.blocks, or -1 in a tidy column. */
  block: number;
}

export interface EdgeLine {
  parent: number;
  index: number;
  child: number;
  /** From the centre of the parent's entry cell to the middle of the child's left side. */
  x1: number;
  y1: number;
  /** The parent card's right side: where the edge comes out from under the card. */
  xb: number;
  x2: number;
  y2: number;
  /** tree: drawn one by one; block: into a block (drawn as its bundle); shared: a second parent. */
  kind: 'tree' | 'block' | 'shared';
  /** A trace replay placed this link by inference (TreeEdge.inferred): drawn dashed. */
  inferred?: boolean;
}

export interface BlockBox {
  parent: number;
  /** The block's box, label band included; its cards start BLOCK_LABEL_H below y. */
  x: number;
  y: number;
  w: number;
  h: number;
  cols: number;
  count: number;
  /** First and last parent entry index of the run. */
  first: number;
  last: number;
}

export interface TreeLayout {
  pages: PageBox[];
  byId: Map<number, PageBox>;
  edges: EdgeLine[];
  blocks: BlockBox[];
  width: number;
  height: number;
  /** Distinct page levels; columns deep. */
  levels: number;
  depth: number;
}

export interface LayoutOptions {
  /** Width / height the drawing should come out near (the screen's). */
  aspect?: number;
}

export function layoutTree(
  tree: TreeSnapshot,
  collapsed: ReadonlySet<number>,
  opts: LayoutOptions = {},
): TreeLayout {
  const nOf = new Map(tree.pages.map((p, n) => [p.id, n]));
  const { kids, parentOf, roots } = spanningTree(tree, nOf);
  const visibleKids = (id: number): Link[] => (collapsed.has(id) ? [] : (kids.get(id) ?? []));

  const blocks: Item[] = [];
  const itemOf = (id: number): Item => {
    const item: Item = { id, kids: [], folded: collapsed.has(id) && kids.has(id) };
    const links = visibleKids(id);
    for (let i = 0; i < links.length;) {
      let j = i;
      while (j < links.length && visibleKids(links[j]!.child).length === 0) j++;
      if (j - i >= BLOCK_MIN) {
        const b: Item = {
          id: -1,
          kids: [],
          block: { links: links.slice(i, j), cols: 1, w: 0, h: 0 },
        };
        blocks.push(b);
        item.kids.push(b);
        i = j;
      } else item.kids.push(itemOf(links[i++]!.child));
    }
    return item;
  };
  const rootItems = roots.map(itemOf);
  shapeBlocks(blocks, opts.aspect ?? 16 / 9);
  const shelves = packRoots(rootItems.map(placeRoot), opts.aspect ?? 16 / 9);

  const pages: PageBox[] = [];
  const blockBoxes: BlockBox[] = [];
  const byId = new Map<number, PageBox>();
  const addPage = (id: number, x: number, y: number, depth: number, block: number) => {
    const [parent, parentIndex] = parentOf.get(id) ?? [-1, -1];
    const children = kids.get(id)?.length ?? 0;
    const folded = collapsed.has(id) && children > 0;
    const hidden = folded ? descendants(kids, id) : 0;
    const n = nOf.get(id)!;
    const box = {
      n,
      id,
      x,
      y,
      depth,
      parent,
      parentIndex,
      children,
      collapsed: folded,
      hidden,
      block,
    };
    pages.push(box);
    byId.set(id, box);
  };
  for (const { root, dx, dy } of shelves) {
    for (const node of root.nodes) {
      const { h } = sizeOf(node.data);
      const x = dx + root.colLeft[node.depth]!;
      const y = dy + node.x - h / 2;
      const b = node.data.block;
      if (!b) {
        addPage(node.data.id, x, y, node.depth, -1);
        continue;
      }
      const links = b.links;
      const k = blockBoxes.length;
      const first = links[0]!.index;
      const last = links[links.length - 1]!.index;
      const parent = node.parent!.data.id;
      blockBoxes.push({
        parent,
        x,
        y,
        w: b.w,
        h: b.h,
        cols: b.cols,
        count: links.length,
        first,
        last,
      });
      links.forEach((l, i) => {
        const cx = x + (i % b.cols) * (PAGE_W + BLOCK_GAP_X);
        const cy = y + BLOCK_LABEL_H + Math.floor(i / b.cols) * (PAGE_H + BLOCK_GAP_Y);
        addPage(l.child, cx, cy, node.depth, k);
      });
    }
  }

  const edges: EdgeLine[] = [];
  for (const e of tree.edges) {
    const from = byId.get(e.parent);
    const to = byId.get(e.child);
    if (!from || !to || from.collapsed) continue;
    const [x1, y1] = cellCenter(from, e.index);
    const own = to.parent === e.parent && to.parentIndex === e.index;
    const kind = !own ? 'shared' : to.block >= 0 ? 'block' : 'tree';
    edges.push({ ...e, x1, y1, xb: from.x + PAGE_W, x2: to.x, y2: to.y + PAGE_H / 2, kind });
  }

  let width = 0;
  let height = 0;
  for (const s of shelves) {
    width = Math.max(width, s.dx + s.root.width + MARGIN);
    height = Math.max(height, s.dy + s.root.height + MARGIN);
  }
  return {
    pages,
    byId,
    edges,
    blocks: blockBoxes,
    width,
    height,
    levels: new Set(tree.pages.map((p) => p.level)).size,
    depth: pages.reduce((d, p) => Math.max(d, p.depth + 1), 0),
  };
}

/** The centre of entry `index`'s cell, in drawing coordinates. */
export function cellCenter(box: { x: number; y: number }, index: number): [number, number] {
  return [
    box.x + GRID_X + ((index % GRID_COLS) + 0.5) * PITCH,
    box.y + GRID_Y + (Math.floor(index / GRID_COLS) + 0.5) * PITCH,
  ];
}
