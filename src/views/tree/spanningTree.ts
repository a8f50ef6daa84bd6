/**
 * The page graph as a tree. A shadow page can hang under several parents (it is shared through
 * its parent_ptes), but a drawing wants one place per page: each page goes under the first parent
 * met walking down from the roots in entry order, and its other parents become 'shared' edges.
 * Pages no root reaches (a zap can orphan them) become roots themselves.
 */
import type { TreeSnapshot } from '../../worker/viewTypes';

export interface Link {
  index: number;
  child: number;
}

export interface SpanningTree {
  /** Tree children per page id, in entry order. */
  kids: Map<number, Link[]>;
  /** Page id → [parent page id, entry index]. */
  parentOf: Map<number, [number, number]>;
  roots: number[];
}

export function spanningTree(tree: TreeSnapshot, known: ReadonlyMap<number, number>): SpanningTree {
  const out = new Map<number, Link[]>();
  for (const e of tree.edges) {
    if (!known.has(e.parent) || !known.has(e.child)) continue;
    const list = out.get(e.parent);
    if (list) list.push({ index: e.index, child: e.child });
    else out.set(e.parent, [{ index: e.index, child: e.child }]);
  }
  for (const list of out.values()) list.sort((a, b) => a.index - b.index);
  const kids = new Map<number, Link[]>();
  const parentOf = new Map<number, [number, number]>();
  const roots: number[] = [];
  const seen = new Set<number>();
  const walk = (root: number) => {
    if (seen.has(root)) return;
    seen.add(root);
    roots.push(root);
    const queue = [root];
    for (let q = 0; q < queue.length; q++) {
      const id = queue[q]!;
      for (const l of out.get(id) ?? []) {
        if (seen.has(l.child)) continue;
        seen.add(l.child);
        parentOf.set(l.child, [id, l.index]);
        const list = kids.get(id);
        if (list) list.push(l);
        else kids.set(id, [l]);
        queue.push(l.child);
      }
    }
  };
  for (const r of tree.roots) if (known.has(r)) walk(r);
  for (const p of tree.pages) walk(p.id);
  return { kids, parentOf, roots };
}

/** Pages under `id` (all descendants), for "+N folded". */
export function descendants(kids: Map<number, Link[]>, id: number): number {
  let n = 0;
  const stack = [...(kids.get(id) ?? [])];
  for (let l = stack.pop(); l; l = stack.pop()) {
    n++;
    for (const k of kids.get(l.child) ?? []) stack.push(k);
  }
  return n;
}
