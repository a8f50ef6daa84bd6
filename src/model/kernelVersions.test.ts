/**
 * Each dated behaviour at the versions on both sides of its change, through the model itself.
 */
import { describe, expect, it } from 'vitest';
import { memoryReport, pageCounts, rmapReport } from './accounting';
import {
  behavioursAt,
  KERNEL_VERSIONS,
  optionsForKernel,
  unmodelled,
  type KernelVersion,
} from './kernelVersions';
import { applyMmuOp, MmuWorld, type MmuOp } from './mmuOps';
import { PAGE_SIZE, SIZEOF_KVM_MMU_PAGE } from './mmuPage';

const world = (v: KernelVersion, tdp = false, tdpMmu = false) =>
  new MmuWorld(
    {
      memslots: [{ baseGfn: 0, npages: 1 << 20 }],
      vcpus: 1,
      nMaxMmuPages: 1 << 16,
      guestTablesGfn: (1 << 20) - 0x200,
    },
    { ...optionsForKernel(v), tdp, tdpMmu },
  );

const run = (w: MmuWorld, ...ops: MmuOp[]) => ops.map((op) => applyMmuOp(w, op)).at(-1)!;

describe('kernel versions', () => {
  it('name every list era at its versions', () => {
    const era = (v: KernelVersion) => optionsForKernel(v).rmap;
    expect([
      era('2.6.35'),
      era('2.6.37'),
      era('3.6'),
      era('5.14'),
      era('5.15'),
      era('6.1'),
      era('6.4'),
      era('current'),
    ]).toEqual([
      'rmap_ext4',
      'rmap_ext4',
      'pte_list_ext3',
      'pte_list_ext3',
      'spte_count',
      'spte_count',
      'tail_count',
      'tail_count',
    ]);
  });

  it("add's return: v5.9 leaves out the full last descriptor, v5.14 counts it (c6c4f961cb87)", () => {
    const ret = (v: KernelVersion) => {
      const w = world(v);
      return [1, 2, 3, 4].map((n) => run(w, { op: 'add', head: 0, spte: n * 8 }).ret);
    };
    // 3-slot descriptors: the 4th add appends a descriptor after a full one.
    expect(ret('5.9')).toEqual([0, 1, 2, 0]);
    expect(ret('5.14')).toEqual([0, 1, 2, 3]);
  });

  it('count: null before v5.15, the count after', () => {
    for (const [v, want] of [
      ['5.14', null],
      ['5.15', 3],
    ] as const) {
      const w = world(v);
      run(w, { op: 'add', head: 0, spte: 8, count: 3 });
      expect(run(w, { op: 'count', head: 0 }).ret).toBe(want);
    }
  });

  it('direct pages: two pages before v2.6.36 (2032a93d66fa), one after', () => {
    for (const [v, pages] of [
      ['2.6.35', 2],
      ['2.6.37', 1],
    ] as const) {
      const w = world(v, true, false);
      run(w, { op: 'fault', kind: 'tdp', gfn: 0, count: 512 });
      const m = memoryReport(w.vm);
      expect((m.sptBytes + m.translationBytes + m.headerBytes) / pageCounts(w.vm).direct).toBe(
        pages * PAGE_SIZE + SIZEOF_KVM_MMU_PAGE,
      );
    }
  });

  it('eager splitting of nested pages: none before 6.0, done from 6.0', () => {
    for (const [v, split] of [
      ['5.15', 0],
      ['6.0', 513],
    ] as const) {
      const w = world(v, true, true);
      const r = run(
        w,
        { op: 'fault', kind: 'nested', gfn: 1 << 18, gva: 0, level: 3, hostLevel: 3 },
        { op: 'split' },
      );
      expect(r.split!.newPages).toBe(split);
    }
  });

  it('the shrinker: one page before 5.9, a batch 5.9 to 6.12, nothing from 6.13', () => {
    const zapped = (v: KernelVersion) => {
      const w = world(v);
      run(w, { op: 'fork', gfn: 0x400, count: 20 });
      const before = w.vm.nUsedMmuPages;
      run(w, { op: 'shrink', nrToScan: 10 });
      return before - w.vm.nUsedMmuPages;
    };
    expect([zapped('5.8' as KernelVersion), zapped('5.9'), zapped('6.12'), zapped('6.13')]).toEqual(
      [1, 10, 10, 0],
    );
  });

  it('shadowed_translation for levels 1-3 only from 6.11 (9ecc1c119b28)', () => {
    const translations = (v: KernelVersion) => {
      const w = world(v);
      run(w, { op: 'fault', kind: 'shadow', gfn: 0x400, gva: 0x7000 });
      return memoryReport(w.vm).translationBytes / PAGE_SIZE;
    };
    // Four indirect pages (levels 4, 3, 2, 1): the root loses its translation page in 6.12.
    expect(translations('6.1')).toBe(4);
    expect(translations('6.12')).toBe(3);
  });

  it("the split's last step: a ranged flush at most before the 2026 fix, the whole VM after", () => {
    const flushes = (v: KernelVersion) => {
      const w = world(v, true, true);
      const r = run(
        w,
        { op: 'fault', kind: 'nested', gfn: 1 << 18, gva: 0, level: 2, hostLevel: 2 },
        { op: 'split' },
      );
      return [r.cost.tlbFlushes, r.cost.rangeFlushes];
    };
    expect(flushes('6.15')).toEqual([0, 0]);
    expect(flushes('current')).toEqual([1, 0]);
  });

  it('say where each behaviour came from, and what the model leaves out', () => {
    const b = behavioursAt('6.4').find((x) => x.option === 'rmap')!;
    expect(b).toMatchObject({ value: 'tail_count', since: '6.4', commit: '141705b78381' });
    expect(unmodelled('2.6.35').join(' ')).toMatch(/kvm_pte_chain/);
    expect(unmodelled('6.4').join(' ')).not.toMatch(/kvm_pte_chain/);
    expect(KERNEL_VERSIONS).toContain('current');
    expect(rmapReport(world('6.4').vm).heads).toBe(0);
  });
});
