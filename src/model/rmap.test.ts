import { describe, expect, it } from 'vitest';
import { InvariantError, KvmBugError } from './errors';
import { checkRmapHead } from './invariants';
import { PteLists } from './pteLists';
import type { PteListVariantName } from './pteListVariant';
import { applyStep, goldenLayout, headState } from './rmapLayout';
import { applyRmapOp } from './rmapOps';
import { pteListAdd, pteListCount, rmapSptes } from './rmap';

const ALL: PteListVariantName[] = ['rmap_ext4', 'pte_list_ext3', 'spte_count', 'tail_count'];
const ptr = (n: number) => (n + 1) * 8;

function listWith(variant: PteListVariantName, n: number): PteLists {
  const L = new PteLists(variant);
  L.allocHeads(2);
  for (let i = 1; i <= n; i++) pteListAdd(L, 0, ptr(i));
  return L;
}

describe('pte_list_add', () => {
  it('tail_count: one descriptor visited per add, and the return is the true total', () => {
    const L = listWith('tail_count', 999);
    expect(pteListAdd(L, 0, ptr(1000))).toBe(999);
    expect(L.cost.descsVisited).toBe(1);
    // 999 = 71 full descriptors + 5: the head is not full, so no allocation.
    expect(L.cost.descsAllocated).toBe(0);
  });

  it('spte_count: walks to the first non-full descriptor', () => {
    const L = listWith('spte_count', 999);
    pteListAdd(L, 0, ptr(1000));
    expect(L.cost.descsVisited).toBe(72);
  });

  it('touches one cache line for a tail_count add into slots 0-5 and two past them', () => {
    const L = listWith('tail_count', 14 * 3); // the head is full: the next add prepends
    pteListAdd(L, 0, ptr(100)); // new head, slot 0: more, counts and slot 0 share line 0
    expect(L.cost.cacheLines).toBe(2); // line 0 of the new head + line 0 of the old (counts)
    for (let i = 1; i <= 6; i++) pteListAdd(L, 0, ptr(100 + i));
    expect(L.cost.cacheLines).toBe(2); // slot 6 is at byte 64: counts line + slot line
  });

  it('refuses a duplicate with a KvmBugError and leaves the list as it was', () => {
    const L = listWith('spte_count', 20);
    const before = JSON.stringify(headState(L, 0));
    expect(() => applyRmapOp(L, { op: 'add', head: 0, spte: ptr(7) })).toThrow(KvmBugError);
    expect(() => applyRmapOp(L, { op: 'add', head: 1, spte: ptr(7) })).toThrow(
      /already in rmap head 0/,
    );
    expect(JSON.stringify(headState(L, 0))).toBe(before);
  });
});

describe('pte_list_remove', () => {
  it.each(ALL)(
    '%s: removing an absent SPTE is refused, naming head and SPTE, state unchanged',
    (v) => {
      const L = listWith(v, 20);
      const before = JSON.stringify(headState(L, 0));
      let err: unknown;
      try {
        applyRmapOp(L, { op: 'remove', head: 0, spte: ptr(21) });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(KvmBugError);
      expect((err as KvmBugError).head).toBe(0);
      expect((err as KvmBugError).spte).toBe(ptr(21));
      expect((err as Error).message).toContain('0xb0');
      expect(JSON.stringify(headState(L, 0))).toBe(before);
    },
  );

  it.each(ALL)('%s without the owner index: the search itself refuses, before any write', (v) => {
    const L = new PteLists(v, { ownerIndex: false });
    L.allocHeads(2);
    for (let i = 1; i <= 20; i++) pteListAdd(L, 0, ptr(i));
    pteListAdd(L, 1, ptr(50));
    const before = JSON.stringify([headState(L, 0), headState(L, 1)]);
    expect(() => applyRmapOp(L, { op: 'remove', head: 0, spte: ptr(21) })).toThrow(KvmBugError);
    expect(() => applyRmapOp(L, { op: 'remove', head: 1, spte: ptr(51) })).toThrow(
      /not in rmap head 1/,
    );
    expect(JSON.stringify([headState(L, 0), headState(L, 1)])).toBe(before);
  });

  it('tail_count fills the hole from the head descriptor, spte_count from the same one', () => {
    for (const v of ['tail_count', 'spte_count'] as const) {
      const L = listWith(v, 30);
      applyRmapOp(L, { op: 'remove', head: 0, spte: ptr(1) });
      const l = goldenLayout(L, 0);
      if (l.kind !== 'many') throw new Error('expected many');
      const oldest = v === 'tail_count' ? l.descs.at(-1)! : l.descs[0]!;
      expect(oldest.sptes[0]).toBe(v === 'tail_count' ? ptr(30) : ptr(14));
    }
  });
});

describe('pte_list_count', () => {
  it('tail_count reads one descriptor at any size; spte_count walks them all', () => {
    for (const n of [2, 15, 1000]) {
      const t = listWith('tail_count', n);
      expect(pteListCount(t, 0)).toBe(n);
      expect(t.cost.descsVisited).toBe(1);
      const s = listWith('spte_count', n);
      expect(pteListCount(s, 0)).toBe(n);
      expect(s.cost.descsVisited).toBe(Math.ceil(n / 14));
    }
  });

  it('is null before v5.15, which had no count function', () => {
    expect(pteListCount(listWith('pte_list_ext3', 5), 0)).toBeNull();
  });
});

describe('micro-steps', () => {
  it.each(ALL)('%s: folding the recorded steps over the old picture gives the new one', (v) => {
    const L = listWith(v, 0);
    const ext = L.ext;
    const counted = L.variant.hasSpteCount;
    const tail = L.variant.tailCount;
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n) | 0;
    const live: number[] = [];
    for (let i = 0; i < 400; i++) {
      const before = headState(L, 0);
      let steps;
      if (live.length && rand(3) === 0) {
        const [s] = live.splice(rand(live.length), 1);
        steps = applyRmapOp(L, { op: 'remove', head: 0, spte: s! }, { record: true }).steps;
      } else if (rand(40) === 0) {
        steps = applyRmapOp(L, { op: 'destroy', head: 0 }, { record: true }).steps;
        live.length = 0;
      } else {
        live.push(ptr(1000 + i));
        steps = applyRmapOp(L, { op: 'add', head: 0, spte: ptr(1000 + i) }, { record: true }).steps;
      }
      const folded = steps.reduce((s, st) => applyStep(s, st, ext, counted, tail), before);
      expect(folded).toEqual(headState(L, 0));
    }
  });
});

describe('invariants', () => {
  it('names the broken rule', () => {
    const L = listWith('tail_count', 30);
    L.tailCount[0] = 5; // the oldest descriptor's tail_count must be 0
    expect(() => checkRmapHead(L, 0)).toThrow(InvariantError);
    expect(() => checkRmapHead(L, 0)).toThrow(/tail_count-exact/);
  });

  it('iterates newest-first with tail_count, oldest-first with spte_count', () => {
    expect(rmapSptes(listWith('tail_count', 16), 0).slice(0, 3)).toEqual([
      ptr(15),
      ptr(16),
      ptr(1),
    ]);
    expect(rmapSptes(listWith('spte_count', 16), 0).slice(0, 3)).toEqual([ptr(1), ptr(2), ptr(3)]);
  });
});
