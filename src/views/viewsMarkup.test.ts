/**
 * The presentational views rendered to HTML under Node (no DOM here): the accessible names and
 * ARIA attributes the e2e journeys and screen readers rely on. Interaction is covered by the
 * preview screenshots (e2e/preview) and the app's e2e specs.
 */
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { CacheInfo, StatsSnapshot } from '../worker/viewTypes';
import { CacheView } from './CacheView';
import { OpComposer } from './OpComposer';
import { ScenarioEditor } from './ScenarioEditor';
import { ScenarioPicker } from './ScenarioPicker';
import { StatsPanel } from './StatsPanel';

const cache = (name: string, nobjs: number, min: number, capacity: number): CacheInfo => ({
  name,
  kind: 'pte_list_desc',
  nobjs,
  min,
  capacity,
  objectBytes: 128,
  bytes: nobjs * 128,
  emergencyAllocs: name === 'split_desc_cache' ? 3 : 0,
});

describe('CacheView', () => {
  const html = renderToStaticMarkup(
    h(CacheView, {
      caches: [
        cache('vcpu0.mmu_pte_list_desc_cache', 30, 14, 40),
        cache('split_desc_cache', 0, 513, 0),
      ],
      focus: { cache: 'split_desc_cache' },
    }),
  );
  it('draws each cache as a labelled meter', () => {
    expect(html).toContain(
      'role="meter" aria-label="vcpu0.mmu_pte_list_desc_cache" aria-valuemin="0" aria-valuemax="40" aria-valuenow="30"',
    );
    expect(html).toContain('aria-label="split_desc_cache" aria-valuemin="0" aria-valuemax="513"');
  });
  it('groups per vCPU and per VM, marks the focused cache, shows bytes and emergencies', () => {
    expect(html).toContain('vCPU 0');
    expect(html).toContain('VM · eager page splitting');
    expect(html).toMatch(/data-cache="split_desc_cache" aria-current="true"/);
    expect(html).toContain('3.8 KiB');
    expect(html).toContain('3 emergency allocations');
    expect(html).toContain('never topped up');
  });
});

describe('OpComposer', () => {
  it('has an "Operation" select, the fault fields by default, and an Apply button', () => {
    const html = renderToStaticMarkup(h(OpComposer, { onSubmit: () => Promise.resolve(null) }));
    expect(html).toMatch(/<label for="([^"]+)-op">Operation<\/label><select id="\1-op"/);
    expect(html).toMatch(/<option value="guest_unmap">guest_unmap<\/option>/);
    for (const label of ['kind', 'gfn', 'gva', 'host level', 'write fault']) {
      expect(html).toContain(`>${label}`);
    }
    expect(html).toMatch(/<button type="submit"[^>]*>Apply<\/button>/);
    expect(html).toContain('role="alert"');
  });
  it('says why it is disabled', () => {
    const html = renderToStaticMarkup(
      h(OpComposer, { onSubmit: () => Promise.resolve(null), disabledReason: 'a trace is shown' }),
    );
    expect(html).toMatch(/<fieldset disabled="">/);
    expect(html).toContain('a trace is shown');
  });
});

describe('ScenarioPicker', () => {
  it('lists presets with their captions, marks the current one, loads .json files', () => {
    const html = renderToStaticMarkup(
      h(ScenarioPicker, {
        presets: [
          { name: 'a', title: 'Title A', caption: 'Caption A.' },
          { name: 'b', title: 'Title B', caption: 'Caption B.' },
        ],
        current: 'b',
        onPick: () => {},
        onLoadFile: () => {},
      }),
    );
    expect(html).toContain('Caption A.');
    expect(html).toMatch(/aria-pressed="true"[^>]*>.*Title B/);
    expect(html).toMatch(
      />Load scenario file<\/label><input[^>]*type="file" accept=".json,application\/json"/,
    );
  });
});

describe('ScenarioEditor', () => {
  it('shows the text with a line-number gutter and an "Apply scenario" button', () => {
    const html = renderToStaticMarkup(
      h(ScenarioEditor, { text: '{\n  "ops": []\n}', onApply: () => Promise.resolve([]) }),
    );
    expect(html).toContain('<div class="ln">3</div>');
    expect(html).not.toContain('<div class="ln">4</div>');
    expect(html).toContain('  &quot;ops&quot;: []');
    expect(html).toContain('>Apply scenario</button>');
  });
});

describe('StatsPanel', () => {
  const stats: StatsSnapshot = {
    memory: {
      sptBytes: 4096 * 514,
      translationBytes: 0,
      headerBytes: 184 * 514,
      descriptorBytes: 0,
      cacheBytes: { split_desc_cache: 553 * 128 },
      totalBytes: 4096 * 514 + 184 * 514 + 553 * 128,
    },
    pages: {
      total: 514,
      shadowMmu: 514,
      tdpMmu: 0,
      direct: 514,
      indirect: 0,
      byLevel: { 1: 512, 2: 1, 3: 1 },
      nUsedMmuPages: 514,
      nMaxMmuPages: 8192,
    },
    rmap: { heads: 1, entries: 1, maxChain: 1, descriptors: 0, histogram: { '1': 1 } },
    flushes: { tlb: 2, range: 0 },
    lockDrops: 1,
    splits: { done: 513, refused: 0 },
    kvm: {
      vm: [
        ['pages_4k', 262144],
        ['mmu_cache_miss', 514],
      ],
      vcpu0: [['pf_taken', 3]],
      notModelled: ['mmu_pte_write'],
    },
  };
  const series = { descriptors: [0, 0], bytes: [1, 2], flushes: [0, 2], pages: [1, 514] };
  it('lists memory by category, the op cost and the counters', () => {
    const html = renderToStaticMarkup(
      h(StatsPanel, {
        stats,
        series,
        op: 1,
        opCount: 2,
        cost: { pagesCreated: 513, lockDrops: 1 },
      }),
    );
    expect(html).toContain('after op 2 of 2');
    expect(html).toContain('shadowed_translation');
    expect(html).toContain('2 MiB');
    expect(html).toContain('<caption>Cost of op 2 of 2</caption>');
    expect(html).toContain('<th scope="row">shadow pages created</th><td class="mono">513</td>');
    expect(html).toContain('L3\u00a0(1G)\u00a01 · L2\u00a0(2M)\u00a01 · L1\u00a0(4K)\u00a0512');
    // KVM's own statistics, under the names debugfs gives them.
    expect(html).toContain('<dt>pages_4k</dt><dd>262,144</dd>');
    expect(html).toContain('<dt>pf_taken</dt><dd>3</dd>');
    expect(html).toContain('not modelled: mmu_pte_write');
  });
});
