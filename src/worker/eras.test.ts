/**
 * The Eras view's data for the "rmap-fifteen-years" preset, checked against the model itself:
 * the figures at 1,000 entries (250 x 40 B, 334 x 32 B, 72 x 128 B twice), each era's add
 * returns around RMAP_RECYCLE_THRESHOLD and where it recycles, the costs per add and per count,
 * and that the panes follow the main timeline op for op.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { optionsForKernel } from '../model/kernelVersions';
import { PteLists } from '../model/pteLists';
import { PTE_LIST_VARIANTS, type PteListVariantName } from '../model/pteListVariant';
import { pteListAdd, pteListCount } from '../model/rmap';
import { presetByName } from '../scenario/presets';
import { parseScenario, type Scenario } from '../scenario/schema';
import { fieldsOf } from './eraPane';
import { probeThreshold } from './eraProbe';
import { ERAS, EraSet, mapPosition } from './eras';
import { ErasSession } from './erasSession';
import type { EraPane, ErasSnapshot } from './eraTypes';
import { Timeline } from './timeline';

const scenario = (doc: unknown): Scenario => {
  const r = parseScenario(doc);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.scenario;
};

const preset = (name: string) => scenario(presetByName(name)!.scenario);

/** The preset's ops: fork 1000, count, half exit, fork 500, fork 1, fork 1, count. */
const AFTER = { fork1000: 1, count: 2, exits: 3, refork: 4, add1001: 5, add1002: 6, end: 7 };

let main: Timeline;
let set: EraSet;
const at = (afterOps: number): ErasSnapshot => set.snapshot(main.opStart(afterOps));
const pane = (s: ErasSnapshot, era: PteListVariantName): EraPane =>
  s.panes.find((p) => p.era === era)!;

beforeAll(async () => {
  main = await Timeline.load(preset('rmap-fifteen-years'), 'rmap-fifteen-years');
  set = await EraSet.load(main);
}, 60_000);

/** The model's own list on a fresh head: descriptors and bytes after `n` adds. */
function freshList(era: PteListVariantName, n: number) {
  const L = new PteLists(era);
  const h = L.allocHeads(1);
  for (let k = 1; k <= n; k++) pteListAdd(L, h, 8 * k);
  return { descs: L.liveDescs, bytes: L.liveDescs * L.variant.layout.size, L, h };
}

describe('the four eras of the rmap-fifteen-years preset', () => {
  it('runs each era as its traced kernel would, and logs every position as Timeline counts it', () => {
    expect(set.runs.map((r) => r.era)).toEqual([
      'rmap_ext4',
      'pte_list_ext3',
      'spte_count',
      'tail_count',
    ]);
    for (const r of set.runs) {
      // The label is honest: that kernel version picks this era.
      expect(optionsForKernel(r.traced).rmap).toBe(r.era);
      expect(r.timeline.error).toBeNull();
      expect(r.pass.position).toBe(r.timeline.total);
      expect(r.pass.log.n).toBe(1502);
      expect(r.pass.log.truncated).toBe(false);
    }
    // 2.6.37's add leaves out the full last descriptor; from v5.10 it does not.
    expect(set.runs.map((r) => r.variant.addLeavesOutFullLast)).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });

  it('at 1,000 entries: 250 x 40 B, 334 x 32 B, 72 x 128 B and 72 x 128 B, as the model has them', () => {
    const s = at(AFTER.fork1000);
    const want: Record<PteListVariantName, [number, number]> = {
      rmap_ext4: [250, 10_000],
      pte_list_ext3: [334, 10_688],
      spte_count: [72, 9_216],
      tail_count: [72, 9_216],
    };
    for (const p of s.panes) {
      expect(p.head).toMatchObject({ label: 'rmap of gfn 0x400 (4K)', entries: 1000 });
      expect([p.descs, p.bytes]).toEqual(want[p.era]);
      // The same list built by pte_list_add alone on a fresh head.
      const f = freshList(p.era, 1000);
      expect([p.descs, p.bytes]).toEqual([f.descs, f.bytes]);
      expect(p.used.reduce((a, b) => a + b, 0)).toBe(1000);
      expect(p.lastAdd).toMatchObject({ entry: 1000, ret: 999, op: 0, rmapAdd: true });
    }
  });

  it('the 1,001st add returns 996 in 2.6.37 and 1,000 elsewhere; the 1,002nd returns 1,001 everywhere and recycles', () => {
    const s1001 = at(AFTER.add1001);
    const s1002 = at(AFTER.add1002);
    for (const p of s1001.panes) {
      expect(p.lastAdd).toMatchObject({ entry: 1001, ret: p.era === 'rmap_ext4' ? 996 : 1000 });
      expect(p.threshold.passed).toBe(false);
      expect(p.threshold.recyclesSoFar).toBe(0);
      expect(p.head!.entries).toBe(1001);
    }
    // rmap_ext4 appended descriptor 251 for it; pte_list_ext3 had room in its 334th.
    expect(pane(s1001, 'rmap_ext4').descs).toBe(251);
    expect(pane(s1001, 'pte_list_ext3').descs).toBe(334);
    for (const p of s1002.panes) {
      expect(p.lastAdd).toMatchObject({ entry: 1002, ret: 1001, op: AFTER.add1002 - 1 });
      expect(p.threshold.exceed).toMatchObject({ entry: 1002, ret: 1001, op: 5 });
      expect(p.threshold.passed).toBe(true);
      expect(p.threshold.recyclesSoFar).toBe(1);
      // rmap_add recycled the rmap: every SPTE zapped, every descriptor freed.
      expect(p.head!.entries).toBe(0);
      expect(p.descs).toBe(0);
      expect(p.threshold.peak).toMatchObject({ entry: 1002, ret: 1001 });
    }
    expect(s1002.threshold).toBe(1000);
  });

  it('a growing list first returns more than 1,000 at entry 1,002 in every era, found by running pte_list_add', () => {
    for (const r of set.runs) {
      expect(r.probe.first).toEqual({ entry: 1002, ret: 1001 });
      expect(r.probe.returns.map((x) => x.ret)).toEqual(
        r.era === 'rmap_ext4' ? [999, 996, 1001] : [999, 1000, 1001],
      );
    }
    // 2.6.37's dips come at every append: the 1,005th add would return 1,000, not over it.
    const ext4 = probeThreshold(PTE_LIST_VARIANTS.rmap_ext4, 1004);
    expect(ext4.first).toEqual({ entry: 1006, ret: 1005 });
    expect(ext4.returns.slice(0, 3)).toEqual([
      { entry: 1004, ret: 1003 },
      { entry: 1005, ret: 1000 },
      { entry: 1006, ret: 1005 },
    ]);
    // A threshold nothing reaches within the probe's limit.
    expect(probeThreshold(PTE_LIST_VARIANTS.tail_count, 10, 5).first).toBeNull();
  });

  it('cache lines per add and per count: the walk before v6.4, the head descriptor after', () => {
    const add = at(AFTER.add1001);
    expect(add.panes.map((p) => [p.era, p.lastAdd!.cacheLines, p.op!.cacheLines])).toEqual([
      ['rmap_ext4', 157, 157],
      ['pte_list_ext3', 167, 167],
      ['spte_count', 73, 73],
      ['tail_count', 2, 2],
    ]);
    const count = at(AFTER.count);
    expect(count.panes.map((p) => [p.era, p.hasCount, p.op!.kind, p.op!.cacheLines])).toEqual([
      ['rmap_ext4', false, 'rmap_count', 0],
      ['pte_list_ext3', false, 'rmap_count', 0],
      ['spte_count', true, 'rmap_count', 72],
      ['tail_count', true, 'rmap_count', 1],
    ]);
    // What the count read: every descriptor, or the head alone.
    expect(pane(count, 'spte_count').touched.reduce((a, b) => a + b, 0)).toBe(72);
    expect([...pane(count, 'tail_count').touched.slice(0, 2)]).toEqual([1, 0]);
    // The model's own count agrees with the figures.
    const f = freshList('spte_count', 1000);
    expect(pteListCount(f.L, f.h)).toBe(1000);
    expect(f.L.cost.cacheLines).toBe(72);
  });

  it('after half the children exit: tail_count packs 500 into 36, the others keep every descriptor', () => {
    const s = at(AFTER.exits);
    expect(s.panes.map((p) => [p.era, p.head!.entries, p.descs])).toEqual([
      ['rmap_ext4', 500, 250],
      ['pte_list_ext3', 500, 334],
      ['spte_count', 500, 72],
      ['tail_count', 500, 36],
    ]);
    // Refilling the holes: add before v6.4 returns what it walked, far below the list's length.
    const refork = set.runs.map(({ pass: { log }, timeline }) => {
      const first = log.lastAt(timeline.opStart(AFTER.exits)) + 1;
      return [log.entries[first], log.ret[first]];
    });
    expect(refork).toEqual([
      [501, 2],
      [501, 1],
      [501, 7],
      [501, 500],
    ]);
  });

  it('steps with the main timeline: op boundaries exactly, inside an op by its share', () => {
    for (const r of set.runs) {
      for (let op = 0; op <= main.ops.length; op++)
        expect(mapPosition(main, r.timeline, main.opStart(op))).toBe(r.timeline.opStart(op));
      const mid = (main.opStart(0) + main.opStart(1)) / 2;
      const q = mapPosition(main, r.timeline, mid);
      expect(Math.abs(q - r.timeline.opStart(1) / 2)).toBeLessThanOrEqual(1);
    }
    const s = at(0);
    for (const p of s.panes) {
      expect(p.head).toBeNull();
      expect(p.lastAdd).toBeNull();
      expect(p.op).toBeNull();
    }
  });
});

describe('era layouts', () => {
  it('lists every 8-byte word of each struct once, tiling it exactly', () => {
    for (const { era } of ERAS) {
      const v = PTE_LIST_VARIANTS[era];
      const f = fieldsOf(v);
      expect(f.reduce((n, x) => n + x.bytes, 0)).toBe(v.layout.size);
      f.forEach((x, i) => expect(x.offset).toBe(i === 0 ? 0 : f[i - 1]!.offset + 8));
      expect(f.filter((x) => x.kind === 'slot')).toHaveLength(v.ext);
    }
    expect(fieldsOf(PTE_LIST_VARIANTS.rmap_ext4).map((x) => x.name)).toEqual([
      'sptes[0]',
      'sptes[1]',
      'sptes[2]',
      'sptes[3]',
      'more',
    ]);
    expect(fieldsOf(PTE_LIST_VARIANTS.tail_count)[1]!.name).toBe('spte_count | tail_count');
  });
});

describe('ErasSession', () => {
  it('loads on request, follows appended ops, and forgets the eras of a replaced scenario', async () => {
    let t: Timeline | null = await Timeline.load(preset('rmap-spte-count-30'), 'spte-30');
    const s = new ErasSession(() => t);
    expect(s.snapshot(0)).toBeNull();
    const progress: number[] = [];
    const info = await s.load((done, total) => progress.push(done / total));
    expect(info!.eras.map((e) => e.adds)).toEqual([30, 30, 30, 30]);
    expect(progress.at(-1)).toBe(1);
    const end = s.snapshot(t.total)!;
    // Free-standing heads: adds logged, but no rmap_add, so nothing to recycle.
    for (const p of end.panes) {
      expect(p.head).toMatchObject({ label: 'head 0', entries: 29 });
      expect(p.lastAdd).toMatchObject({ entry: 30, ret: 29, rmapAdd: false });
      expect(p.threshold).toMatchObject({ exceed: null, peak: null, rmapAdds: 0 });
    }
    // An op appended to the main timeline reaches every era at the next look.
    expect(t.append({ op: 'add', head: 0, spte: 8 * 100 })).toBe(true);
    const after = s.snapshot(t.total)!;
    for (const p of after.panes) {
      expect(p.lastAdd!.entry).toBe(30);
      expect(p.lastAdd!.position).toBe(p.total);
    }
    // Into the hole s1 left in the first descriptor: before v6.4 add counts only that one.
    expect(after.panes.map((p) => p.lastAdd!.ret)).toEqual([3, 2, 13, 29]);
    // Another scenario: the old eras are gone until loaded again.
    t = await Timeline.load(preset('rmap-tail-count-30'), 'tail-30');
    expect(s.snapshot(0)).toBeNull();
    expect(await s.load()).not.toBeNull();
    expect(s.snapshot(t.total)).not.toBeNull();
  });
});
