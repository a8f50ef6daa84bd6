/**
 * The ten real traces replayed through the model (CI runs them from the gzip copies in
 * test/traces): no contradiction, used_pages equal to the model's n_used_mmu_pages at every
 * kvm_mmu_zap_all_fast, every shadow-MMU page, SPTE and rmap entry gone after the teardown, with
 * the parameters of each run's meta.txt and with what the importer tells by itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importTraceFile } from './nodeImport';
import { sniffTrace } from './traceImport';

const ROOT = new URL('../../test/traces/', import.meta.url);
const RUNS = ['linux-6.1', 'linux-6.12'].flatMap((k) =>
  readdirSync(new URL(`${k}/`, ROOT)).map((name) => ({
    kernel: k.slice(6) as '6.1' | '6.12',
    name,
  })),
);

/** KVM's module parameters as the run's meta.txt read them after insmod. */
function paramsOf(kernel: string, name: string): { tdp: boolean; tdpMmu: boolean } {
  const meta = readFileSync(new URL(`linux-${kernel}/${name}/meta.txt`, ROOT), 'utf8');
  const npt = /kvm_amd\/parameters\/npt = (\w)/.exec(meta)![1] === 'Y';
  const tdpMmu = /kvm\/parameters\/tdp_mmu = (\w)/.exec(meta)![1] === 'Y';
  return { tdp: npt, tdpMmu: npt && tdpMmu };
}

const file = (kernel: string, name: string) =>
  fileURLToPath(new URL(`linux-${kernel}/${name}/trace.txt.gz`, ROOT));

describe('the shared real traces replay with no contradiction', () => {
  it('finds all ten', () => expect(RUNS).toHaveLength(10));

  for (const { kernel, name } of RUNS) {
    it(`linux-${kernel}/${name} with its meta.txt parameters`, async () => {
      const params = paramsOf(kernel, name);
      const { summary: s } = await importTraceFile(file(kernel, name), { kernel, ...params });
      expect(s.contradictions).toEqual([]);
      expect(s.usedPages.length).toBeGreaterThan(0);
      for (const u of s.usedPages) expect(u.model).toBe(u.kernel);
      expect(s.teardown).toMatchObject({ shadowPages: 0, leafSptes: 0, rmapEntries: 0 });
      // The TDP MMU's root is freed without an event: one page is left, and the note says why.
      expect(s.teardown.tdpMmuPages).toBe(params.tdpMmu ? 1 : 0);
      if (params.tdpMmu) expect(s.teardown.note).toMatch(/without an event/);
      expect(s.pages.created).toBe(s.events.kvm_mmu_get_page);
      expect(s.markers.length).toBe(s.events.tracing_mark_write);
      expect(s.inferences.total).toBeGreaterThan(0);
    });

    it(`linux-${kernel}/${name} with nothing given: the importer tells, and still agrees`, async () => {
      const params = paramsOf(kernel, name);
      const { summary: s } = await importTraceFile(file(kernel, name));
      expect({ tdp: s.tdp.value, tdpMmu: s.tdpMmu.value }).toEqual(params);
      expect(s.contradictions).toEqual([]);
      for (const u of s.usedPages) expect(u.model).toBe(u.kernel);
    });
  }

  it('reads the figures reviewers quote off shadow-alias: one rmap of 1000 entries', async () => {
    const { summary: s } = await importTraceFile(file('6.1', 'shadow-alias'), { kernel: '6.1' });
    expect(s.rmaps.peak.maxChain).toBe(1000);
    expect(s.usedPages).toEqual([{ line: 13317, kernel: 8, model: 8 }]);
    expect(s.pages).toMatchObject({ created: 10, zapped: 10, live: 0 });
    // spte_count (6.1) needs ceil(1000 / 14) = 72 descriptors for that rmap alone.
    expect(s.rmaps.peak.descriptors).toBeGreaterThanOrEqual(72);
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
