import { describe, expect, it } from 'vitest';
import { applyMmuOp, MmuWorld } from '../model/mmuOps';
import { treeSnapshot } from './treeSnapshot';
import { ENTRY_EMPTY, ENTRY_HUGE, ENTRY_LEAF, ENTRY_LINK } from './viewTypes';
import type { TreeSnapshot } from './viewTypes';

const GiB = 262_144;

function nestedWorld(): MmuWorld {
  return new MmuWorld(
    { memslots: [{ baseGfn: 0, npages: 2 * GiB }], vcpus: 1, guestTablesGfn: GiB },
    { tdp: true, tdpMmu: true },
  );
}

/** Entry kinds of one page, by page id. */
function kinds(s: TreeSnapshot, id: number): number[] {
  const n = s.pages.findIndex((p) => p.id === id);
  return [...s.entries.subarray(n * 512, n * 512 + 512)];
}

const count = (ks: number[], kind: number) => ks.filter((k) => k === kind).length;

describe('treeSnapshot', () => {
  it('draws a nested 1 GiB mapping as a root and a level-3 page with one huge entry', () => {
    const w = nestedWorld();
    applyMmuOp(w, { op: 'fault', kind: 'nested', gfn: 0, gva: 0, level: 3, hostLevel: 3 });
    const s = treeSnapshot(w.vm, w.vm.opIndex);
    expect(s.pages.map((p) => [p.level, p.guestMode, p.direct, p.mark])).toEqual([
      [4, true, false, 'new'],
      [3, true, false, 'new'],
    ]);
    const [root, l3] = s.pages;
    expect(s.roots).toEqual([root!.id]);
    expect(root!.rootCount).toBe(1);
    expect(s.edges).toEqual([{ parent: root!.id, index: 0, child: l3!.id }]);
    expect(kinds(s, root!.id)[0]).toBe(ENTRY_LINK);
    const k3 = kinds(s, l3!.id);
    expect(k3[0]).toBe(ENTRY_HUGE);
    expect(count(k3, ENTRY_EMPTY)).toBe(511);
    expect(s.entries.length).toBe(2 * 512);
  });

  it('after an eager split: 513 new direct pages, every level-1 entry a 4K leaf', () => {
    const w = nestedWorld();
    applyMmuOp(w, { op: 'fault', kind: 'nested', gfn: 0, gva: 0, level: 3, hostLevel: 3 });
    applyMmuOp(w, { op: 'split' });
    const s = treeSnapshot(w.vm, w.vm.opIndex);
    expect(s.pages.length).toBe(515);
    expect(s.edges.length).toBe(514);
    expect(s.roots.length).toBe(1);
    const byLevel = (l: number) => s.pages.filter((p) => p.level === l);
    expect(byLevel(1).length).toBe(512);
    expect(s.pages.filter((p) => p.mark === 'new').length).toBe(513);
    // The split replaced the huge entry with a link: the old pages are not new.
    expect(byLevel(3)[0]!.mark).toBeNull();
    const l2 = byLevel(2)[0]!;
    expect(l2.direct).toBe(true);
    expect(count(kinds(s, l2.id), ENTRY_LINK)).toBe(512);
    expect(s.edges.filter((e) => e.parent === l2.id).map((e) => e.index)).toEqual(
      Array.from({ length: 512 }, (_, i) => i),
    );
    for (const p of byLevel(1)) {
      expect(p.present).toBe(512);
      expect(count(kinds(s, p.id), ENTRY_LEAF)).toBe(512);
    }
  });

  it('marks only what the op at opIndex built, and the reused ids the caller names', () => {
    const w = nestedWorld();
    applyMmuOp(w, { op: 'fault', kind: 'nested', gfn: 0x1000, gva: 0x1000, level: 1 });
    const first = w.vm.opIndex;
    applyMmuOp(w, { op: 'fault', kind: 'nested', gfn: 0x2000, gva: 0x2000, level: 1 });
    const s = treeSnapshot(w.vm, w.vm.opIndex, new Set([0]));
    expect(s.pages.map((p) => p.mark)).toEqual(['reused', null, null, null, 'new']);
    expect(treeSnapshot(w.vm, first).pages.filter((p) => p.mark === 'new').length).toBe(4);
  });

  it('keeps the TDP MMU flags and access bits', () => {
    const w = new MmuWorld({ memslots: [{ baseGfn: 0, npages: GiB }], vcpus: 1 }, { tdp: true });
    applyMmuOp(w, { op: 'fault', kind: 'tdp', gfn: 0x1234 });
    const s = treeSnapshot(w.vm, w.vm.opIndex);
    expect(s.pages.length).toBe(4);
    for (const p of s.pages)
      expect([p.direct, p.guestMode, p.access]).toEqual([true, false, 'wux']);
    const leaf = s.pages.find((p) => p.level === 1)!;
    expect(leaf.tdpMmu).toBe(w.vm.opts.tdpMmu);
    expect(kinds(s, leaf.id)[0x1234 % 512]).toBe(ENTRY_LEAF);
  });
});
