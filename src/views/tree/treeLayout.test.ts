import { describe, expect, it } from 'vitest';
import { fewFixture, fixture, splitFixture } from './treeFixtures';
import { hitTest } from './treeHit';
import {
  cellCenter,
  GRID_X,
  GRID_Y,
  layoutTree,
  PAGE_H,
  PAGE_W,
  PITCH,
  TOGGLE,
  type PageBox,
  type TreeLayout,
} from './treeLayout';

/** No two cards overlap (with the mark tab above each card counted in). */
function expectNoOverlap(boxes: PageBox[]) {
  const cell = 512;
  const grid = new Map<string, PageBox[]>();
  for (const b of boxes) {
    for (let gx = Math.floor(b.x / cell); gx <= Math.floor((b.x + PAGE_W) / cell); gx++)
      for (let gy = Math.floor((b.y - 14) / cell); gy <= Math.floor((b.y + PAGE_H) / cell); gy++) {
        const key = `${gx},${gy}`;
        for (const o of grid.get(key) ?? []) {
          const apart =
            b.x >= o.x + PAGE_W ||
            o.x >= b.x + PAGE_W ||
            b.y - 14 >= o.y + PAGE_H ||
            o.y - 14 >= b.y + PAGE_H;
          if (!apart) throw new Error(`pages ${o.id} and ${b.id} overlap`);
        }
        grid.set(key, [...(grid.get(key) ?? []), b]);
      }
  }
}

function expectInside(layout: TreeLayout) {
  for (const b of layout.pages) {
    expect(b.x).toBeGreaterThanOrEqual(0);
    expect(b.y - 14).toBeGreaterThanOrEqual(0);
    expect(b.x + PAGE_W).toBeLessThanOrEqual(layout.width);
    expect(b.y + PAGE_H).toBeLessThanOrEqual(layout.height);
  }
}

describe('layoutTree', () => {
  it('puts roots left, one column per depth, children in entry order', () => {
    const layout = layoutTree(fewFixture(), new Set());
    expect(layout.pages.length).toBe(6);
    expect(layout.depth).toBe(4);
    expect(layout.levels).toBe(4);
    const at = (id: number) => layout.byId.get(id)!;
    expect(at(0).x).toBeLessThan(at(1).x);
    expect(at(1).x).toBeLessThan(at(2).x);
    expect(new Set([3, 4, 5].map((id) => at(id).x)).size).toBe(1);
    expect(at(3).y).toBeLessThan(at(4).y);
    expect(at(4).y).toBeLessThan(at(5).y);
    expect(at(4)).toMatchObject({ parent: 2, parentIndex: 12, depth: 3, block: -1 });
    expect(layout.blocks).toEqual([]);
    expectNoOverlap(layout.pages);
    expectInside(layout);
  });

  it('draws edges from the parent entry cell to the child', () => {
    const layout = layoutTree(fewFixture(), new Set());
    expect(layout.edges.map((e) => e.kind)).toEqual(['tree', 'tree', 'tree', 'tree', 'tree']);
    const e = layout.edges.find((e) => e.parent === 2 && e.index === 24)!;
    const [x1, y1] = cellCenter(layout.byId.get(2)!, 24);
    const child = layout.byId.get(5)!;
    expect([e.x1, e.y1, e.x2, e.y2]).toEqual([x1, y1, child.x, child.y + PAGE_H / 2]);
    expect(e.xb).toBe(layout.byId.get(2)!.x + PAGE_W);
  });

  it('packs a run of childless children into one block, in entry order', () => {
    const layout = layoutTree(splitFixture(1), new Set());
    expect(layout.pages.length).toBe(515);
    expect(layout.blocks.length).toBe(1);
    const b = layout.blocks[0]!;
    expect(b).toMatchObject({ parent: 2, count: 512, first: 0, last: 511 });
    expect(Math.log2(b.cols) % 1).toBe(0);
    const inBlock = layout.pages.filter((p) => p.block === 0);
    expect(inBlock.length).toBe(512);
    for (const p of inBlock) {
      expect(p.x).toBeGreaterThanOrEqual(b.x);
      expect(p.x + PAGE_W).toBeLessThanOrEqual(b.x + b.w);
      expect(p.y).toBeGreaterThanOrEqual(b.y);
      expect(p.y + PAGE_H).toBeLessThanOrEqual(b.y + b.h);
    }
    // Reading order (rows, then columns) is entry order, `cols` to a row.
    const reading = [...inBlock].sort((p, q) => p.y - q.y || p.x - q.x);
    expect(reading.map((p) => p.parentIndex)).toEqual(inBlock.map((_, i) => i));
    expect(new Set(inBlock.map((p) => p.x)).size).toBe(b.cols);
    expect(layout.edges.filter((e) => e.kind === 'block').length).toBe(512);
    expectNoOverlap(layout.pages);
    expectInside(layout);
  });

  it('lays out the 16 GiB split (8,210 pages) fast, near the screen aspect, no overlaps', () => {
    const tree = splitFixture(16);
    const t0 = performance.now();
    const layout = layoutTree(tree, new Set());
    const ms = performance.now() - t0;
    expect(layout.pages.length).toBe(8210);
    expect(layout.blocks.length).toBe(16);
    expect(layout.edges.length).toBe(8209);
    expect(layout.width / layout.height).toBeGreaterThan(0.8);
    expect(layout.width / layout.height).toBeLessThan(4);
    expect(ms).toBeLessThan(2000);
    expectNoOverlap(layout.pages);
    expectInside(layout);
  });

  it('folds a subtree: its pages and edges leave the layout, the count stays', () => {
    const layout = layoutTree(splitFixture(1), new Set([2]));
    expect(layout.pages.length).toBe(3);
    expect(layout.byId.get(2)).toMatchObject({ collapsed: true, hidden: 512, children: 512 });
    expect(layout.edges.length).toBe(2);
    // Folding a leaf changes nothing.
    expect(layoutTree(fewFixture(), new Set([5])).byId.get(5)).toMatchObject({
      collapsed: false,
      hidden: 0,
    });
  });

  it('places a shared page once and gives its second parent a shared edge', () => {
    const tree = fixture([
      {
        id: 0,
        level: 4,
        links: [
          [0, 1],
          [1, 2],
        ],
      },
      { id: 1, level: 3, links: [[5, 3]] },
      { id: 2, level: 3, links: [[7, 3]] },
      { id: 3, level: 2, leaves: [0] },
    ]);
    const layout = layoutTree(tree, new Set());
    expect(layout.pages.length).toBe(4);
    expect(layout.byId.get(3)).toMatchObject({ parent: 1, parentIndex: 5 });
    expect(layout.edges.find((e) => e.parent === 2)!.kind).toBe('shared');
  });

  it('turns pages no root reaches into roots, side by side without overlap', () => {
    const tree = fixture(
      [
        { id: 0, level: 4, links: [[0, 1]] },
        { id: 1, level: 3 },
        { id: 7, level: 1, leaves: [3] },
        { id: 9, level: 4 },
      ],
      [0],
    );
    const layout = layoutTree(tree, new Set());
    expect(layout.pages.length).toBe(4);
    expect([7, 9].map((id) => layout.byId.get(id)!.parent)).toEqual([-1, -1]);
    expectNoOverlap(layout.pages);
    expectInside(layout);
  });

  it('is empty for an empty tree', () => {
    const layout = layoutTree(fixture([]), new Set());
    expect(layout.pages).toEqual([]);
    expect(layout.depth).toBe(0);
  });
});

describe('hitTest', () => {
  const layout = layoutTree(fewFixture(), new Set());
  const b = layout.byId.get(2)!;

  it('finds the entry under a point of the grid', () => {
    const [x, y] = cellCenter(b, 45);
    expect(hitTest(layout, x, y)).toEqual({ kind: 'entry', page: 2, index: 45 });
    expect(hitTest(layout, b.x + GRID_X + 0.1, b.y + GRID_Y + 15 * PITCH + 5)).toEqual({
      kind: 'entry',
      page: 2,
      index: 480,
    });
  });

  it('finds the toggle, the card, or nothing', () => {
    const t = { x: b.x + TOGGLE.x + 2, y: b.y + TOGGLE.y + 2 };
    expect(hitTest(layout, t.x, t.y)).toEqual({ kind: 'toggle', page: 2 });
    expect(hitTest(layout, b.x + 3, b.y + 3)).toEqual({ kind: 'page', page: 2 });
    expect(hitTest(layout, b.x - 5, b.y - 5)).toBeNull();
    // A page without children has no toggle there.
    const leaf = layout.byId.get(5)!;
    expect(hitTest(layout, leaf.x + TOGGLE.x + 2, leaf.y + TOGGLE.y + 2)!.kind).toBe('page');
  });
});
