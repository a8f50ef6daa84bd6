import { describe, expect, it } from 'vitest';
import { memoryReport, pageCounts, rmapReport } from './accounting';
import { KvmBugError } from './errors';
import type { KernelOptions } from './kernelOptions';
import { PAGE_SIZE, SIZEOF_KVM_MMU_PAGE } from './mmuPage';
import { applyMmuOp, MmuWorld, type MmuOp } from './mmuOps';
import { kvmPageTableHashfn } from './vm';
import { checkVm } from './vmInvariants';

const GiB = 262144;

/** L1's own tables sit below the gigabyte its L2 mappings use: a huge page over them is banned. */
function world(opts: Partial<KernelOptions>, npages = 2 * GiB, nMaxMmuPages?: number): MmuWorld {
  const guestTablesGfn = Math.min(npages, GiB) - 0x100;
  return new MmuWorld(
    { memslots: [{ baseGfn: 0, npages }], vcpus: 1, guestTablesGfn, nMaxMmuPages },
    opts,
  );
}

function apply(w: MmuWorld, ...ops: MmuOp[]) {
  const out = ops.map((op) => applyMmuOp(w, op));
  checkVm(w.vm);
  return out.at(-1)!;
}

const nested1g: MmuOp = { op: 'fault', kind: 'nested', gfn: GiB, gva: 0, level: 3, hostLevel: 3 };

describe('eager split of a nested 1 GiB page', () => {
  it('builds 1 + 512 pages and 262,144 leaf SPTEs', () => {
    const w = world({ tdp: true, tdpMmu: true });
    apply(w, nested1g);
    const { split } = apply(w, { op: 'split' });
    expect(split!.split).toEqual({ 3: 1, 2: 512 });
    expect(split!.newPages).toBe(1 + 512);
    expect(split!.newLeafSptes).toBe(262_144);
    expect(pageCounts(w.vm).byLevel).toEqual({ 4: 1, 3: 1, 2: 1, 1: 512 });
    expect(rmapReport(w.vm).entries).toBe(262_144);
    // No aliasing: every 4K rmap holds one entry, so no descriptor is needed.
    expect(split!.maxDescsPerSplit).toBe(0);
    // Initial top-up, then one every 40 pages as split_page_header_cache empties.
    expect(split!.lockDrops).toBe(Math.ceil(513 / 40));
  });

  it('takes at most 513 descriptors for one 2M->4K split, 512 when every gfn is aliased', () => {
    const w = world({ tdp: true, tdpMmu: true });
    // Two L2 mappings of the same L1 2 MiB page with different access: two different child roles.
    apply(
      w,
      { op: 'fault', kind: 'nested', gfn: GiB, gva: 0, level: 2, hostLevel: 2 },
      {
        op: 'fault',
        kind: 'nested',
        gfn: GiB,
        gva: 0x400,
        level: 2,
        hostLevel: 2,
        writable: false,
      },
    );
    const { split } = apply(w, { op: 'split' });
    expect(split!.split).toEqual({ 2: 2 });
    expect(split!.maxDescsPerSplit).toBe(512);
    expect(split!.maxDescsPerSplit).toBeLessThanOrEqual(513);
  });

  it('is refused at KVM_MIN_FREE_MMU_PAGES, leaving the huge SPTE in place', () => {
    const w = world({ tdp: true, tdpMmu: true }, 2 * GiB, 8);
    apply(w, nested1g);
    const { split } = apply(w, { op: 'split' });
    expect(split!.refused).toBeGreaterThan(0);
    expect(w.vm.nUsedMmuPages).toBeLessThanOrEqual(8 - 5);
  });

  it('splits under the TDP MMU with no rmaps, no descriptors and no flush', () => {
    const w = world({ tdp: true, tdpMmu: true });
    const r = apply(
      w,
      { op: 'fault', kind: 'tdp', gfn: GiB, level: 3, hostLevel: 3 },
      { op: 'split' },
    );
    expect(r.split!.tdpMmu).toEqual({ split: 513, newPages: 513, newLeafSptes: 262_144 });
    expect(rmapReport(w.vm).heads).toBe(0);
    expect(r.cost.tlbFlushes + r.cost.rangeFlushes).toBe(0);
    expect(w.vm.nUsedMmuPages).toBe(0);
  });
});

describe('split_desc_cache capacity', () => {
  it('fills to 553 after b9b71f43683a and to 1026 in the June 2022 series: 60,544 bytes apart', () => {
    const filled = (cap: KernelOptions['splitDescCapacity']) => {
      const w = world({ tdp: true, tdpMmu: true, splitDescCapacity: cap });
      apply(w, nested1g, { op: 'split' });
      return w.vm.splitDescCache;
    };
    const after = filled('min+40');
    const before = filled('2xmin');
    expect(after.nobjs).toBe(553);
    expect(before.nobjs).toBe(1026);
    expect(before.bytes - after.bytes).toBe(60_544);
  });
});

describe('direct shadow pages (2032a93d66fa)', () => {
  it('cost one 4 KiB page plus the header; two pages before v2.6.36', () => {
    for (const [gfns, pages] of [
      [false, 1],
      [true, 2],
    ] as const) {
      const w = world({ tdp: true, tdpMmu: false, gfnsForDirectPages: gfns });
      apply(w, { op: 'fault', kind: 'tdp', gfn: 0, count: 512 });
      const m = memoryReport(w.vm);
      const n = pageCounts(w.vm).direct;
      expect(n).toBe(4);
      expect((m.sptBytes + m.translationBytes + m.headerBytes) / n).toBe(
        pages * PAGE_SIZE + SIZEOF_KVM_MMU_PAGE,
      );
    }
  });
});

describe('guest fork', () => {
  const forked = (rmap: KernelOptions['rmap'], count: number) => {
    const w = world({ tdp: false, tdpMmu: false, rmap }, 1 << 20, 8192);
    apply(w, { op: 'fork', gfn: 0x400, count });
    return w;
  };

  it('grows one rmap to N entries, counted in one step with tail_count and by a walk with spte_count', () => {
    for (const n of [1, 15, 100, 1000]) {
      const t = applyMmuOp(forked('tail_count', n), { op: 'rmap_count', gfn: 0x400 });
      expect(t.ret).toBe(n);
      expect(t.rmap!.descsVisited).toBe(n === 1 ? 0 : 1);
      const s = applyMmuOp(forked('spte_count', n), { op: 'rmap_count', gfn: 0x400 });
      expect(s.ret).toBe(n);
      expect(s.rmap!.descsVisited).toBe(n === 1 ? 0 : Math.ceil(n / 14));
    }
  });

  it('zaps the whole rmap past RMAP_RECYCLE_THRESHOLD', () => {
    const w = forked('tail_count', 1002);
    expect(w.vm.stats.rmapRecycles).toBe(1);
    expect(rmapReport(w.vm).entries).toBe(0);
  });
});

describe('zapping', () => {
  it('unlinks children, drops leaves from their rmaps and frees the page', () => {
    const w = world({ tdp: true, tdpMmu: false });
    apply(w, { op: 'fault', kind: 'tdp', gfn: 0, count: 600 });
    const l1 = [...w.vm.livePages()].find((p) => p.level === 1)!;
    const before = rmapReport(w.vm).entries;
    const r = apply(w, { op: 'zap', page: l1.id });
    expect(r.cost.pagesZapped).toBe(1);
    expect(rmapReport(w.vm).entries).toBe(before - 512);
    expect(r.cost.tlbFlushes).toBe(1);
  });

  it('refuses a duplicate on the free-standing heads', () => {
    const w = world({});
    apply(w, { op: 'add', head: 0, spte: 8 });
    expect(() => applyMmuOp(w, { op: 'add', head: 2, spte: 8 })).toThrow(/already in rmap head 0/);
  });

  it('refuses an op on what does not exist, changing nothing', () => {
    const w = world({ tdp: true, tdpMmu: false });
    expect(() => applyMmuOp(w, { op: 'zap', page: 99 })).toThrow(KvmBugError);
    expect(() => applyMmuOp(w, { op: 'fault', kind: 'tdp', gfn: 4 * GiB })).toThrow(
      /in no memslot/,
    );
    expect(w.vm.nUsedMmuPages).toBe(0);
  });
});

describe('shrinker', () => {
  const shrunk = (shrinker: KernelOptions['shrinker']) => {
    const w = world({ tdp: false, tdpMmu: false, shrinker }, 1 << 20, 4096);
    apply(w, { op: 'fork', gfn: 0x400, count: 50 });
    const pages = w.vm.nUsedMmuPages;
    apply(w, { op: 'shrink', nrToScan: 20 });
    return { zapped: pages - w.vm.nUsedMmuPages, w };
  };
  it('zaps one page before 5.9, a batch until 6.12, nothing from 6.13', () => {
    expect(shrunk('zap-oldest-one').zapped).toBe(1);
    expect(shrunk('zap-oldest-batch').zapped).toBe(20);
    expect(shrunk('none').zapped).toBe(0);
  });
  it('the 2024 proposal frees vCPU page caches instead', () => {
    const { zapped, w } = shrunk('free-vcpu-caches');
    expect(zapped).toBe(0);
    expect(w.vm.vcpus[0]!.caches.shadowPage.nobjs).toBe(0);
  });
});

describe('split of a huge SPTE whose child page already exists', () => {
  const aliased = (opts: Partial<KernelOptions>) => {
    const w = world({ tdp: true, tdpMmu: true, ...opts });
    // L2 #0: L1 maps 1 GiB, the host only 4 KiB: a direct level-2 page links a level-1 page.
    // L2 #1 (another nested root): the same L1 gigabyte, host-backed by 1 GiB: a huge SPTE.
    apply(
      w,
      { op: 'fault', kind: 'nested', gfn: GiB, gva: 0, as: 0, level: 3, hostLevel: 1 },
      { op: 'fault', kind: 'nested', gfn: GiB, gva: 0, as: 1, level: 3, hostLevel: 3 },
    );
    return w;
  };

  it('reuses it, and flushes the range because it holds a non-leaf entry (6.0 to early 2026)', () => {
    const w = aliased({});
    const r = apply(w, { op: 'split', targetLevel: 2 });
    expect(r.split!.reusedPages).toBe(1);
    expect(r.split!.newPages).toBe(0);
    expect(r.cost.rangeFlushes).toBe(1);
    expect(r.cost.tlbFlushes).toBe(0);
  });

  it('flushes the whole VM after 0cb2af2ea66a', () => {
    const r = apply(aliased({ splitLinkZapsAndFlushesAll: true }), { op: 'split', targetLevel: 2 });
    expect(r.cost.tlbFlushes).toBe(1);
    expect(r.cost.rangeFlushes).toBe(0);
  });
});

describe('clone (timeline checkpoints)', () => {
  it('gives an independent copy that continues exactly like the original', () => {
    const ops: MmuOp[] = [
      { op: 'fault', kind: 'tdp', gfn: 0, count: 700 },
      { op: 'zap_gfn', gfn: 5 },
      { op: 'fault', kind: 'tdp', gfn: 0x900, level: 2, hostLevel: 2 },
      { op: 'write_protect', gfn: 7 },
    ];
    const a = world({ tdp: true, tdpMmu: false });
    apply(a, ops[0]!, ops[1]!);
    const b = a.clone();
    apply(a, ops[2]!, ops[3]!);
    apply(b, ops[2]!, ops[3]!);
    expect(memoryReport(b.vm)).toEqual(memoryReport(a.vm));
    expect(rmapReport(b.vm)).toEqual(rmapReport(a.vm));
    expect(b.vm.stats).toEqual(a.vm.stats);
    // Zapping in the copy leaves the original alone.
    const page = [...b.vm.livePages()].find((p) => p.level === 1)!.id;
    apply(b, { op: 'zap', page });
    expect(a.vm.pages[page]).toBeDefined();
    expect(pageCounts(a.vm).total).toBe(pageCounts(b.vm).total + 1);
    checkVm(a.vm);
  });
});

describe('micro-step recording', () => {
  it('stops the model after step k, leaving the state between two micro-steps', async () => {
    const { MmuRecorder, Paused } = await import('./mmuEvents');
    const base = world({ tdp: true, tdpMmu: false });
    const counter = new MmuRecorder({ keep: false });
    applyMmuOp(base.clone(), { op: 'fault', kind: 'tdp', gfn: 3 }, { recorder: counter });
    const all = new MmuRecorder();
    applyMmuOp(base.clone(), { op: 'fault', kind: 'tdp', gfn: 3 }, { recorder: all });
    expect(all.steps).toHaveLength(counter.count);
    expect(all.steps[0]!.k).toBe('op');
    const k = all.steps.findIndex((s) => s.k === 'setSpte' && s.fn === 'mmu_set_spte');
    const mid = base.clone();
    expect(() =>
      applyMmuOp(
        mid,
        { op: 'fault', kind: 'tdp', gfn: 3 },
        { recorder: new MmuRecorder({ stopAfter: k + 1 }) },
      ),
    ).toThrow(Paused);
    // The leaf is written, its rmap_add has not happened yet.
    expect(rmapReport(mid.vm).entries).toBe(0);
    expect(mid.vm.stats.leafSptesSet).toBe(0);
    expect(pageCounts(mid.vm).total).toBe(4);
  });
});

describe('mmu_page_hash', () => {
  it('buckets gfns as hash_64(gfn, 12) does: the top 12 bits of gfn * GOLDEN_RATIO_64', () => {
    const golden = 0x61c8864680b583ebn;
    const hash64 = (gfn: number) => Number(((BigInt(gfn) * golden) & ((1n << 64n) - 1n)) >> 52n);
    for (const gfn of [
      0,
      1,
      0x400,
      0x1000,
      0x12345678,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 40 + 12345,
      2 ** 52 - 1,
    ])
      expect([gfn, kvmPageTableHashfn(gfn)]).toEqual([gfn, hash64(gfn)]);
    expect(kvmPageTableHashfn(1)).toBe(1564);
  });
});
