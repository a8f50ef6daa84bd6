/**
 * Synthetic tree snapshots for the view's tests (views may not run model code; the real
 * builder, src/worker/treeSnapshot.ts, has its own tests against the model). Shapes mirror what
 * the model produces: an L4 root, one L3, L2 pages, L1 pages full of 4K leaves.
 */
import type { TreeEdge, TreePage, TreeSnapshot } from '../../worker/viewTypes';
import { ENTRY_HUGE, ENTRY_LEAF, ENTRY_LINK } from '../../worker/viewTypes';

export interface FixturePage {
  id: number;
  level: number;
  /** Entry index → child page id. */
  links?: [number, number][];
  leaves?: number[];
  huge?: number[];
  mark?: TreePage['mark'];
}

export function fixture(pages: FixturePage[], roots?: number[]): TreeSnapshot {
  const entries = new Uint8Array(pages.length * 512);
  const edges: TreeEdge[] = [];
  pages.forEach((p, n) => {
    for (const i of p.leaves ?? []) entries[n * 512 + i] = ENTRY_LEAF;
    for (const i of p.huge ?? []) entries[n * 512 + i] = ENTRY_HUGE;
    for (const [i, child] of p.links ?? []) {
      entries[n * 512 + i] = ENTRY_LINK;
      edges.push({ parent: p.id, index: i, child });
    }
  });
  const children = new Set(edges.map((e) => e.child));
  return {
    pages: pages.map((p) => ({
      id: p.id,
      gfn: 0x40000 + p.id,
      level: p.level,
      roleWord: 0,
      direct: p.level < 3,
      guestMode: true,
      tdpMmu: false,
      unsync: false,
      rootCount: p.level === 4 ? 1 : 0,
      present: (p.leaves?.length ?? 0) + (p.huge?.length ?? 0) + (p.links?.length ?? 0),
      mark: p.mark ?? null,
      access: 'wux',
    })),
    entries,
    edges,
    roots: roots ?? pages.filter((p) => !children.has(p.id)).map((p) => p.id),
  };
}

const ALL = Array.from({ length: 512 }, (_, i) => i);

/** `gib` nested 1 GiB pages split to 4K: 2 + 513 * gib pages, like bench/ui's 'big' (16). */
export function splitFixture(gib: number): TreeSnapshot {
  const l2 = Array.from({ length: gib }, (_, g) => 2 + g);
  const pages: FixturePage[] = [
    { id: 0, level: 4, links: [[0, 1]] },
    { id: 1, level: 3, links: l2.map((id, g) => [g, id] as [number, number]) },
  ];
  let next = 2 + gib;
  for (const id of l2) {
    const kids = ALL.map((i) => [i, next + i] as [number, number]);
    pages.push({ id, level: 2, links: kids, mark: 'new' });
    next += 512;
  }
  for (let id = 2 + gib; id < next; id++) pages.push({ id, level: 1, leaves: ALL, mark: 'new' });
  return fixture(pages);
}

/** The bench's few-page tree: one L2 with three L1 children, one 2M-huge run. */
export function fewFixture(): TreeSnapshot {
  return fixture([
    { id: 0, level: 4, links: [[0, 1]] },
    { id: 1, level: 3, links: [[0, 2]], huge: [1] },
    {
      id: 2,
      level: 2,
      huge: [16, 17, 18, 19],
      links: [
        [8, 3],
        [12, 4],
        [24, 5],
      ],
    },
    { id: 3, level: 1, leaves: [0, 1, 2, 3, 4, 5] },
    { id: 4, level: 1, leaves: [0, 1, 2] },
    { id: 5, level: 1, leaves: [0, 1], mark: 'new' },
  ]);
}
