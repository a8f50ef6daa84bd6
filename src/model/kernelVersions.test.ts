/**
 * Each dated behaviour at the versions on both sides of its change, through the model itself.
 */
import { describe, expect, it } from 'vitest';
import { memoryReport, pageCounts, rmapReport } from './accounting';
import { DEFAULT_KERNEL_OPTIONS } from './kernelOptions';
import {
  behavioursAt,
  KERNEL_VERSIONS,
  KernelReleaseError,
  optionsForKernel,
  resolveKernelRelease,
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

  it('7.x: the 4-bit role access from 7.2, the 2026 split fix from 7.1, in-place recovery from 6.13', () => {
    const at = (v: KernelVersion) => {
      const o = optionsForKernel(v);
      return [o.roleAccessHasRead, o.splitLinkZapsAndFlushesAll, o.tdpMmuRecoverHugePagesInPlace];
    };
    expect(at('6.12')).toEqual([false, false, false]);
    expect(at('6.13')).toEqual([false, false, true]);
    expect(at('6.15')).toEqual([false, false, true]);
    expect(at('7.3')).toEqual([true, true, true]);
    expect(optionsForKernel('5.15').setSpteSkipsUnchanged).toBe(false);
    expect(optionsForKernel('6.1').setSpteSkipsUnchanged).toBe(true);
    const b = behavioursAt('7.3').find((x) => x.option === 'roleAccessHasRead')!;
    expect(b).toMatchObject({ since: '7.2', commit: 'a8827c196146' });
  });

  it('current is 7.3: nothing after v7.3 is modelled, as the picker says', () => {
    expect(optionsForKernel('current')).toEqual(optionsForKernel('7.3'));
  });

  it('the default options are the current behaviour for the 7.x switches', () => {
    const now = optionsForKernel('current');
    for (const k of [
      'roleAccessHasRead',
      'tdpMmuRecoverHugePagesInPlace',
      'setSpteSkipsUnchanged',
    ] as const)
      expect([k, DEFAULT_KERNEL_OPTIONS[k]]).toEqual([k, now[k]]);
  });
});

describe('any release', () => {
  it('runs as the newest modelled version at or below it, and says so', () => {
    expect(resolveKernelRelease('7.3')).toMatchObject({
      version: '7.3',
      release: '7.3',
      options: {},
    });
    const deb = resolveKernelRelease('7.3.4+deb13-amd64');
    expect(deb).toMatchObject({ version: '7.3', release: '7.3.4', options: {} });
    expect(deb.note).toMatch(
      /^7\.3\.4\+deb13-amd64 runs as 7\.3; stable updates of 7\.3 may carry backports/,
    );
    const s65 = resolveKernelRelease('6.5.12');
    expect(s65).toMatchObject({ version: '6.4', release: '6.5.12', options: {} });
    expect(s65.note).toMatch(/runs as 6\.4: no dated behaviour changed between 6\.4 and 6\.5/);
    // 52e322eda3d4 (6.6): pte_list_remove's BUG() became KVM_BUG_ON_DATA_CORRUPTION.
    expect(resolveKernelRelease('6.6.12').options).toEqual({
      rmapCorruption: 'KVM_BUG_ON_DATA_CORRUPTION',
    });
    expect(resolveKernelRelease('v6.1').version).toBe('6.1');
    expect(resolveKernelRelease('6.12.95+deb12-amd64').version).toBe('6.12');
    expect(resolveKernelRelease('2.6.36').version).toBe('2.6.35');
    expect(resolveKernelRelease('current').version).toBe('current');
    const later = resolveKernelRelease('8.1');
    expect(later.version).toBe('7.3');
    expect(later.note).toMatch(/what changed after 7\.3 is not modelled/);
  });

  it('every modelled version is itself', () => {
    for (const v of KERNEL_VERSIONS)
      expect(resolveKernelRelease(v)).toMatchObject({ version: v, options: {} });
  });

  it('a release between two modelled versions gets the behaviours that changed in between', () => {
    const r = resolveKernelRelease('6.11');
    expect(r.version).toBe('6.4');
    expect(r.options).toEqual({
      nonPresentBit63: true,
      translationOnlyLevels1to3: true,
      rmapCorruption: 'KVM_BUG_ON_DATA_CORRUPTION',
    });
    expect(r.note).toMatch(/nonPresentBit63 \(6\.10\)/);
    // As a whole, the release has the behaviours of its own number.
    const own = { ...optionsForKernel(r.version), ...r.options };
    expect(own.nonPresentBit63).toBe(true);
    expect(own.rmap).toBe('tail_count');
    expect(resolveKernelRelease('7.2').options).toEqual({
      splitLinkZapsAndFlushesAll: true,
      roleAccessHasRead: true,
      childSpMatch: 'gfn-role',
    });
  });

  it('refuses what is not a release, or is older than any modelled one', () => {
    for (const t of ['hello', '7', '', '6.x', 'linux-6.1'])
      expect(() => resolveKernelRelease(t)).toThrow(KernelReleaseError);
    expect(() => resolveKernelRelease('hello')).toThrow(
      '"hello" is not a kernel release: expected MAJOR.MINOR[.SUBLEVEL] as uname -r prints it',
    );
    expect(() => resolveKernelRelease('2.6.20')).toThrow('2.6.20: older than 2.6.35');
  });
});
