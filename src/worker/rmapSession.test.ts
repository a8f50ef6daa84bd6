import { describe, expect, it } from 'vitest';
import type { RmapOp } from '../model/rmapOps';
import { DEFAULT_SCENARIO } from '../scenario/defaultScenario';
import { spteName, sptePtr } from '../scenario/spteName';
import { RmapSession, SESSION_HEADS } from './rmapSession';
import type { ApplyResult, Frame, OpOutcome, SliceVariant } from './rmapSession';

const add = (head: number, n: number): RmapOp => ({ op: 'add', head, spte: sptePtr(n) });
const remove = (head: number, n: number): RmapOp => ({ op: 'remove', head, spte: sptePtr(n) });

function ok(r: ApplyResult): OpOutcome {
  if ('error' in r) throw new Error(r.error.message);
  return r;
}

/** [spte_count, tail_count, names] per descriptor, in chain order. */
function drawn(f: Frame) {
  return f.chain.map((id) => {
    const d = f.descs[id]!;
    return [
      d.spteCount,
      d.tailCount,
      d.slots
        .filter((s) => s !== 0)
        .map(spteName)
        .join(' '),
    ];
  });
}

function grow30(variant: SliceVariant): RmapSession {
  const s = new RmapSession(variant);
  for (let n = 1; n <= 30; n++) ok(s.apply(add(2, n)));
  return s;
}

describe('RmapSession', () => {
  it('draws 30 entries as the kernel lays them out, per variant', () => {
    const sc = grow30('spte_count').view(2);
    expect(sc.kind).toBe('many');
    expect(drawn(sc).map(([c]) => c)).toEqual([14, 14, 2]);
    const tc = grow30('tail_count').view(2);
    expect(drawn(tc).map(([c, t]) => [c, t])).toEqual([
      [2, 28],
      [14, 14],
      [14, 0],
    ]);
    expect(drawn(tc)[0]![2]).toBe('s29 s30');
  });

  it('fills a hole in the oldest descriptor from the right place', () => {
    const sc = grow30('spte_count');
    ok(sc.apply(remove(2, 1)));
    expect(drawn(sc.view(2))[0]).toEqual([13, null, 's14 s2 s3 s4 s5 s6 s7 s8 s9 s10 s11 s12 s13']);

    const tc = grow30('tail_count');
    const r = ok(tc.apply(remove(2, 1)));
    const after = drawn(tc.view(2));
    expect(after[0]).toEqual([1, 28, 's29']);
    expect(after[2]![2]).toMatch(/^s30 s2 /);
    const [head, , oldest] = r.before.chain;
    expect(r.steps.map((st) => st.caption)).toContain(
      `pte_list_desc_remove_entry: move desc ${head} slot 1 (s30) into desc ${oldest} slot 0`,
    );
  });

  it('replays micro-steps: frame -1 is before, the last frame is after', () => {
    for (const variant of ['spte_count', 'tail_count'] as const) {
      const s = grow30(variant);
      for (const op of [
        remove(2, 1),
        add(2, 31),
        remove(2, 29),
        { op: 'count', head: 2 } as RmapOp,
      ]) {
        const r = ok(s.apply(op));
        expect(s.frameAt(-1)).toEqual(r.before);
        expect(s.frameAt(r.steps.length - 1)).toEqual(r.after);
        expect(s.frameAt(999)).toEqual(r.after); // clamped
        expect(r.after).toEqual(s.view(2));
      }
    }
  });

  it('shows a descriptor the head cannot reach as detached', () => {
    // tail_count, 14 entries: the 15th add allocates a new head desc, links it, then sets the head.
    const s = new RmapSession('tail_count');
    for (let n = 1; n <= 14; n++) ok(s.apply(add(0, n)));
    const grow = ok(s.apply(add(0, 15)));
    const kinds = grow.steps.map((st) => st.step.k);
    const alloc = kinds.indexOf('alloc');
    const setHead = kinds.indexOf('setHead');
    expect(alloc).toBeGreaterThan(0);
    expect(s.frameAt(alloc).detached).toHaveLength(1);
    expect(s.frameAt(setHead).detached).toHaveLength(0);
    expect(s.frameAt(setHead).chain).toHaveLength(2);

    // Removing s15 empties that head desc: the head moves on first, the free comes after.
    const drop = ok(s.apply(remove(0, 15)));
    const unlink = drop.steps.findIndex((st) => st.step.k === 'setHead');
    const free = drop.steps.findIndex((st) => st.step.k === 'free');
    expect(free).toBeGreaterThan(unlink);
    expect(s.frameAt(unlink).detached).toHaveLength(1);
    expect(s.frameAt(free).detached).toHaveLength(0);
    expect(drop.cost.descsFreed).toBe(1);
  });

  it('refuses what the kernel would BUG() on, and changes nothing', () => {
    const s = grow30('tail_count');
    const r = ok(s.apply(remove(2, 1)));
    const before = s.view(2);
    const absent = s.apply(remove(2, 99));
    expect('error' in absent && absent.error).toMatchObject({
      message: 'pte_list_remove: SPTE s99 (0x320) is not in rmap head 2',
      check: 'pte_list_remove: SPTE not in rmap',
      head: 2,
    });
    const dup = s.apply(add(1, 5));
    expect('error' in dup && dup.error.check).toBe('pte_list_add: SPTE already in an rmap');
    expect(s.view(2)).toEqual(before);
    expect(s.snapshot().last).toBe(r);
    expect(s.frameAt(-1)).toEqual(r.before);
  });

  it('rejects heads and SPTE names outside the session', () => {
    const s = new RmapSession();
    const r1 = s.apply(add(SESSION_HEADS, 1));
    expect('error' in r1 && r1.error.check).toBe('input');
    const r2 = s.apply({ op: 'add', head: 0, spte: 12 });
    expect('error' in r2 && r2.error.check).toBe('input');
    expect(s.snapshot().history).toBe(0);
  });

  it('loads the default scenario and replays it on the other kernel', () => {
    const s = new RmapSession();
    const snap = s.load(DEFAULT_SCENARIO);
    expect(snap.variant.name).toBe('tail_count');
    expect(snap.heads[0]).toEqual({ head: 0, kind: 'many', entries: 16 });
    expect(snap.heads[1]).toEqual({ head: 1, kind: 'single', entries: 1 });
    expect(snap.last?.op).toEqual(remove(0, 3));
    const other = s.switchVariant('spte_count');
    expect(other.variant).toMatchObject({
      name: 'spte_count',
      ext: 14,
      descBytes: 128,
      tailCount: false,
    });
    expect(other.history).toBe(snap.history);
    expect(drawn(s.view(0)).map(([c]) => c)).toEqual([13, 3]);
    expect(s.reset().heads.every((h) => h.kind === 'empty')).toBe(true);
  });

  it('returns data that survives structured cloning unchanged', () => {
    const s = grow30('tail_count');
    const r = ok(s.apply(remove(2, 1)));
    expect(structuredClone(r)).toEqual(r);
    expect(structuredClone(s.frameAt(5))).toEqual(s.frameAt(5));
  });
});
