/**
 * Every real trace in test/traces (Linux 6.1, 6.12 and 7.3) replayed through the model (CI runs
 * them from the gzip copies): no contradiction, used_pages equal to the model's n_used_mmu_pages
 * at every kvm_mmu_zap_all_fast, every KVM statistic the model keeps equal to the kernel's at
 * every kvm-stats line, every shadow-MMU page, SPTE and rmap entry gone after the teardown; with
 * the parameters of each run's meta.txt and with what the importer tells by itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importTraceFile } from './nodeImport';
import { sniffTrace } from './traceImport';

const ROOT = new URL('../../test/traces/', import.meta.url);
const KERNELS = readdirSync(ROOT).filter((k) => k.startsWith('linux-'));
const RUNS = KERNELS.flatMap((k) =>
  readdirSync(new URL(`${k}/`, ROOT)).map((name) => ({ kernel: k.slice(6), name })),
);

interface Meta {
  /** kvm_amd's npt and kvm's tdp_mmu as the run read them after insmod (what was asked). */
  npt: boolean;
  tdpMmuParam: boolean;
  /** The kernel's own evidence that the TDP MMU was in use: its events. */
  tdpMmuEvents: number;
  getPages: number;
  markers: number;
}

function metaOf(kernel: string, name: string): Meta {
  const meta = readFileSync(new URL(`linux-${kernel}/${name}/meta.txt`, ROOT), 'utf8');
  const count = (ev: string) =>
    Number(
      new RegExp(`^\\s+(\\d+) ${ev}$`, 'm').exec(meta.split('== event counts (grep')[1]!)?.[1] ?? 0,
    );
  return {
    npt: /kvm_amd\/parameters\/npt = (\w)/.exec(meta)![1] === 'Y',
    tdpMmuParam: /kvm\/parameters\/tdp_mmu = (\w)/.exec(meta)![1] === 'Y',
    tdpMmuEvents: count('kvm_tdp_mmu_spte_changed'),
    getPages: count('kvm_mmu_get_page'),
    markers: count('tracing_mark_write'),
  };
}

const file = (kernel: string, name: string) =>
  fileURLToPath(new URL(`linux-${kernel}/${name}/trace.txt.gz`, ROOT));

describe('the shared real traces replay with no contradiction', () => {
  it('finds all fourteen', () => expect(RUNS).toHaveLength(14));

  for (const { kernel, name } of RUNS) {
    it(`linux-${kernel}/${name} with its meta.txt parameters`, async () => {
      const m = metaOf(kernel, name);
      const { summary: s } = await importTraceFile(file(kernel, name), {
        kernel: kernel as never,
        tdp: m.npt,
        tdpMmu: m.tdpMmuParam,
      });
      expect(s.contradictions).toEqual([]);
      // The importer's own derivation of tdp_mmu in effect, against the kernel's own events.
      expect(s.tdpMmu.value).toBe(m.tdpMmuEvents > 0);
      if (m.tdpMmuParam && !m.npt) expect(s.tdpMmu.why).toMatch(/tdp_mmu=Y has no effect/);
      expect(s.usedPages.length).toBeGreaterThan(0);
      for (const u of s.usedPages) expect(u.model).toBe(u.kernel);
      // KVM's statistics: every phase prints them, every value the model keeps agrees.
      expect(s.kernelStatsChecked.total).toBeGreaterThan(100);
      expect(s.kernelStatsChecked.agree).toBe(s.kernelStatsChecked.total);
      const checked = new Set(s.kernelStats.map((k) => k.name));
      for (const n of ['pages_4k', 'mmu_shadow_zapped', 'mmu_cache_miss', 'pf_taken', 'pf_fixed'])
        expect(checked).toContain(n);
      expect(s.notModelled.map((n) => n.name)).toContain('vm.mmu_pte_write');
      expect(s.teardown).toMatchObject({ shadowPages: 0, leafSptes: 0, rmapEntries: 0 });
      // The TDP MMU's root is freed without an event: one page is left, and the note says why.
      expect(s.teardown.tdpMmuPages).toBe(s.tdpMmu.value ? 1 : 0);
      expect(s.pages.created + s.pages.reused).toBe(m.getPages);
      expect(s.markers.length).toBeLessThan(m.markers);
      expect(s.inferences.total).toBeGreaterThan(0);
    });

    it(`linux-${kernel}/${name} with nothing given: the importer tells, and still agrees`, async () => {
      const m = metaOf(kernel, name);
      const { summary: s } = await importTraceFile(file(kernel, name));
      expect({ tdp: s.tdp.value, tdpMmu: s.tdpMmu.value }).toEqual({
        tdp: m.npt,
        tdpMmu: m.tdpMmuEvents > 0,
      });
      expect(s.contradictions).toEqual([]);
      for (const u of s.usedPages) expect(u.model).toBe(u.kernel);
    });
  }

  it('reads the figures reviewers quote off shadow-alias: one rmap of 1000 entries', async () => {
    const { summary: s } = await importTraceFile(file('6.1', 'shadow-alias'), { kernel: '6.1' });
    expect(s.rmaps.peak.maxChain).toBe(1000);
    expect(s.usedPages).toEqual([{ line: 13338, kernel: 8, model: 8 }]);
    expect(s.pages).toMatchObject({ created: 10, zapped: 10, live: 0 });
    // spte_count (6.1) needs ceil(1000 / 14) = 72 descriptors for that rmap alone.
    expect(s.rmaps.peak.descriptors).toBeGreaterThanOrEqual(72);
    // The 1000th add returned 999: the kernel's max_mmu_rmap_size.
    expect(s.kernelStats.filter((k) => k.name === 'max_mmu_rmap_size').at(-1)).toMatchObject({
      kernel: 999,
      model: 999,
    });
  });

  it('replays nested eager splits in the shadow MMU with the TDP MMU on (nested-tdpmmu-alias)', async () => {
    for (const kernel of ['6.1', '6.12'] as const) {
      const { summary: s } = await importTraceFile(file(kernel, 'nested-tdpmmu-alias'), { kernel });
      // 16 splits: 8 new children and 8 found again (the aliases of one access share a child).
      expect(s.pages.reused).toBe(8);
      expect(s.inferences.byKind.split).toBeGreaterThanOrEqual(16);
      expect(s.usedPages.at(-1)).toMatchObject({ kernel: 12, model: 12 });
      // The second split of each huge gfn put 512 entries into non-empty rmaps.
      expect(s.rmaps.peak.descriptors).toBeGreaterThanOrEqual(4 * 512);
      const pages4k = s.kernelStats.filter((k) => k.name === 'pages_4k').map((k) => k.kernel);
      expect(Math.max(...pages4k)).toBeGreaterThanOrEqual(4096);
    }
  });
});

describe('what a trace tells by itself', () => {
  it('bit-63 empty SPTEs mean 6.10+, a TDP MMU event means TDP and the TDP MMU', () => {
    const s = sniffTrace(
      ' vmm-1 [000] ...1. 1.0: kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 2 old_spte 8000000000000000 new_spte cc00ee7\n',
    );
    expect(s.kernel).toMatchObject({ value: '6.12', how: 'seen' });
    expect(s.tdp).toMatchObject({ value: true, how: 'seen' });
    expect(s.tdpMmu).toMatchObject({ value: true, how: 'seen' });
  });

  it('a shadow root says shadow paging; no version clue is an assumption, said as such', () => {
    const s = sniffTrace(
      ' vmm-1 [000] ...1. 1.0: kvm_mmu_get_page: sp gen 0 gfn 10 l4 8-byte q0 wux nxe ad root 0 sync new\n',
    );
    expect(s.tdp).toMatchObject({ value: false, how: 'seen' });
    expect(s.kernel).toMatchObject({ value: 'current', how: 'assumed' });
  });

  it('what the user gives wins', () => {
    const s = sniffTrace('', { kernel: '6.4', tdp: true, tdpMmu: false });
    expect(s.kernel).toMatchObject({ value: '6.4', how: 'given' });
    expect(s.tdpMmu).toMatchObject({ value: false, how: 'given' });
  });
});
