import { describe, expect, it } from 'vitest';
import { rmapReport } from '../model/accounting';
import type { MmuOp } from '../model/mmuOps';
import { presetByName } from '../scenario/presets';
import { parseScenario, type Scenario } from '../scenario/schema';
import { MmuSession } from './mmuSession';
import { Timeline } from './timeline';

const scenario = (doc: unknown): Scenario => {
  const r = parseScenario(doc);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.scenario;
};

const small = scenario({
  format: 'kvm-mmu-scenario/1',
  options: { tdp: true, tdpMmu: false },
  vm: { memslots: [{ baseGfn: 0, npages: 4096 }] },
  ops: [
    { op: 'fault', kind: 'tdp', gfn: 1 },
    { op: 'fault', kind: 'tdp', gfn: 2 },
    { op: 'zap_gfn', gfn: 1 },
  ],
});

describe('Timeline', () => {
  it('counts every micro-step and finds the op of any position', async () => {
    const t = await Timeline.load(small, 'small');
    expect(t.ops).toHaveLength(3);
    expect(t.opStart(0)).toBe(0);
    expect(t.total).toBe(t.opStart(3));
    expect(t.opAt(0)).toBe(-1);
    expect(t.opAt(1)).toBe(0);
    expect(t.opAt(t.opStart(1))).toBe(0);
    expect(t.opAt(t.opStart(1) + 1)).toBe(1);
    expect(t.opAt(t.total)).toBe(2);
  });

  it('gives the state between any two micro-steps, the same whichever way it is reached', async () => {
    const t = await Timeline.load(small, 'small');
    const entries = (p: number) => rmapReport(t.at(p).world.vm).entries;
    expect(entries(0)).toBe(0);
    expect(entries(t.opStart(1))).toBe(1);
    expect(entries(t.total)).toBe(1);
    // Walk every position forward, then backward: the same figures.
    const fwd = Array.from({ length: t.total + 1 }, (_, p) => entries(p));
    const back = Array.from({ length: t.total + 1 }, (_, p) => entries(t.total - p)).reverse();
    expect(back).toEqual(fwd);
    // Inside op 0 the rmap entry appears at one step and stays.
    const inside = fwd.slice(0, t.opStart(1) + 1);
    expect(inside.indexOf(1)).toBeGreaterThan(0);
  });

  it('appends an op, or refuses it and changes nothing', async () => {
    const t = await Timeline.load(small, 'small');
    const total = t.total;
    expect(t.append({ op: 'fault', kind: 'tdp', gfn: 99999 })).toBe(false);
    expect(t.total).toBe(total);
    expect(t.append({ op: 'fault', kind: 'tdp', gfn: 3 })).toBe(true);
    expect(t.total).toBeGreaterThan(total);
    expect(rmapReport(t.at(t.total).world.vm).entries).toBe(2);
  });
});

describe('Timeline checkpoints', () => {
  it('stay within their budget: thinned, they still give every position the same state', async () => {
    const doc = presetByName('rmap-tail-count-30')!.scenario;
    const full = await Timeline.load(scenario(doc), 'full');
    const { checkpointBudget, checkpointEveryMs } = Timeline;
    // A checkpoint before every op, and a budget of about three.
    Timeline.checkpointEveryMs = 0;
    Timeline.checkpointBudget = 3 * (96 << 10);
    try {
      const thin = await Timeline.load(scenario(doc), 'thin');
      expect(thin.ops.length).toBeGreaterThan(20);
      expect(thin.heldBytes.count).toBeLessThan(thin.ops.length / 4);
      expect(thin.heldBytes.checkpoints).toBeLessThanOrEqual(Timeline.checkpointBudget);
      expect(thin.total).toBe(full.total);
      for (const p of [0, 1, full.opStart(3), full.total >> 1, full.total - 1, full.total]) {
        const a = full.at(p).world.vm;
        const b = thin.at(p).world.vm;
        expect([b.nUsedMmuPages, b.lists.liveDescs, b.stats.tlbFlushes]).toEqual([
          a.nUsedMmuPages,
          a.lists.liveDescs,
          a.stats.tlbFlushes,
        ]);
      }
    } finally {
      Object.assign(Timeline, { checkpointBudget, checkpointEveryMs });
    }
  });

  it('thinned, they keep to the budget’s worth and stay even by replay time', async () => {
    const doc = presetByName('rmap-tail-count-30')!.scenario;
    const { checkpointBudget, checkpointEveryMs, clock } = Timeline;
    // Every op takes 0.5 ms of replay exactly; a budget of about eight worlds.
    let now = 0;
    Timeline.clock = () => (now += 0.25);
    Timeline.checkpointEveryMs = 0;
    Timeline.checkpointBudget = 8 * (96 << 10);
    try {
      const sc = scenario(doc);
      const t = new Timeline('even', sc);
      let full = false;
      for (const op of sc.ops as MmuOp[]) {
        expect(t.append(op)).toBe(true);
        const held = t.heldBytes.checkpoints;
        full ||= held > 0.75 * Timeline.checkpointBudget;
        // Once full, they stay so: halving them would leave half the budget, gaps twice as long.
        if (full) expect(held).toBeGreaterThan(0.75 * Timeline.checkpointBudget);
      }
      expect(full).toBe(true);
      const at = [...t.checkpointOps, t.ops.length];
      const gaps = at.slice(1).map((op, k) => op - at[k]!);
      const mean = t.ops.length / gaps.length;
      expect(Math.max(...gaps)).toBeLessThanOrEqual(2 * mean);
    } finally {
      Object.assign(Timeline, { checkpointBudget, checkpointEveryMs, clock });
    }
  });
});

describe('MmuSession', () => {
  it('keeps the loaded scenario when a bad one comes', async () => {
    const s = new MmuSession();
    expect((await s.load({ preset: 'rmap-tail-count-30' })).ok).toBe(true);
    const bad = await s.load({ text: '{"format":"kvm-mmu-scenario/1","ops":[{"op":"fault"}]}' });
    expect(bad.ok).toBe(false);
    expect(s.timeline!.name).toBe('rmap-tail-count-30');
  });

  it('compares the fork preset under spte_count and tail_count', async () => {
    const s = new MmuSession();
    await s.load({ preset: 'guest-fork' });
    await s.loadCompare({ rmap: 'spte_count' });
    const end = s.timeline!.total;
    const a = await s.snapshot(end, { chain: { kind: 'gfn', gfn: 0x400 }, tree: false });
    const b = (await s.compareSnapshot(end, { chain: { kind: 'gfn', gfn: 0x400 }, tree: false }))!;
    expect(a.stats.rmap.descriptors).toBe(36);
    expect(b.stats.rmap.descriptors).toBe(72);
    expect(a.stats.rmap.entries).toBe(500);
    // The final count: one descriptor read with tail_count, every one with spte_count.
    expect(a.step.cost.descsAllocated).toBe(0);
    expect(presetByName('guest-fork')).toBeDefined();
  });
});
