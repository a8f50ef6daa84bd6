/**
 * A dev-only page to look at the presentational views with real model data, no worker and no
 * store: `npx vite`, then /src/views/__preview__/preview.html. Fixtures come from
 * e2e/preview/makeFixtures.ts. URL parameters:
 *   fixture=NAME   which fixture (fixtures/index.json lists them)
 *   view=all|cache|stats|composer|picker|editor
 *   series=1       cut the timeline series to its first op (the one-point case)
 *   series=100k    replace them with 100,000 synthetic ops (the downsampling case)
 *   editor=broken  load the editor with a scenario that has errors
 *   edge=1         (synthetic) vCPU 0's descriptor cache below min with emergency allocations
 * Not part of the build: vite builds index.html only.
 */
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { PRESETS } from '../../scenario/presets';
import { editorErrors, scenarioProblemsByLine } from '../../scenario/textErrors';
import type { CacheInfo, StatsSnapshot } from '../../worker/viewTypes';
import { CacheView } from '../CacheView';
import { OpComposer } from '../OpComposer';
import { ScenarioEditor } from '../ScenarioEditor';
import { ScenarioPicker } from '../ScenarioPicker';
import { StatsPanel } from '../StatsPanel';
import { BROKEN_SCENARIO, fakeModel, syntheticSeries } from './previewData';
import '../../app.css';
import './preview.css';

interface Fixture {
  name: string;
  title: string;
  op: number;
  opCount: number;
  cost: Record<string, number>;
  caches: CacheInfo[];
  stats: StatsSnapshot;
  focusCache: string | null;
  scenarioText: string;
}

const params = new URLSearchParams(location.search);
const view = params.get('view') ?? 'all';
const show = (v: string) => view === 'all' || view === v;

/** The states no preset reaches: a cache run below min, and dry (the kernel's WARN path). */
function withEdge(f: Fixture): Fixture {
  if (params.get('edge') !== '1') return f;
  const caches = f.caches.map((c) =>
    c.name === 'vcpu0.mmu_pte_list_desc_cache'
      ? { ...c, nobjs: 3, bytes: 3 * c.objectBytes, emergencyAllocs: 2 }
      : c,
  );
  return { ...f, title: `${f.title} (edited: synthetic cache state)`, caches };
}

function withSeries(f: Fixture): Fixture {
  const mode = params.get('series');
  if (mode === '1') {
    const cut = (xs: number[]) => xs.slice(0, 1);
    const s = f.stats.series;
    return {
      ...f,
      op: 0,
      opCount: 1,
      stats: {
        ...f.stats,
        series: {
          descriptors: cut(s.descriptors),
          bytes: cut(s.bytes),
          flushes: cut(s.flushes),
          pages: cut(s.pages),
        },
      },
    };
  }
  if (mode === '100k') {
    return {
      ...f,
      op: 61_803,
      opCount: 100_000,
      stats: { ...f.stats, series: syntheticSeries(100_000) },
    };
  }
  return f;
}

function Preview() {
  const [fixture, setFixture] = useState<Fixture | null>(null);
  const [error, setError] = useState<string | null>(null);
  const name = params.get('fixture') ?? 'nested-split-1g';

  useEffect(() => {
    fetch(new URL(`./fixtures/${name}.json`, import.meta.url))
      .then((r) =>
        r.ok ? (r.json() as Promise<Fixture>) : Promise.reject(new Error(r.statusText)),
      )
      .then((f) => setFixture(withEdge(withSeries(f))))
      .catch((e: unknown) =>
        setError(`${name}: ${String(e)} (run npx tsx e2e/preview/makeFixtures.ts)`),
      );
  }, [name]);

  if (error) return <p role="alert">{error}</p>;
  if (!fixture) return <p>Loading…</p>;
  const text = params.get('editor') === 'broken' ? BROKEN_SCENARIO : fixture.scenarioText;
  return (
    <main className={`preview view-${view}`} data-ready="true">
      <p className="preview-title">
        <strong>view preview</strong> · {fixture.title} · op {fixture.op + 1} of {fixture.opCount}
      </p>
      {show('picker') && (
        <ScenarioPicker
          presets={PRESETS.map(({ name, title, caption }) => ({ name, title, caption }))}
          current={fixture.name}
          onPick={(n) => {
            params.set('fixture', n);
            location.search = params.toString();
          }}
          onLoadFile={(t, file) => console.log(`loaded ${file}: ${t.length} chars`)}
        />
      )}
      {show('composer') && <OpComposer onSubmit={fakeModel} />}
      {show('cache') && (
        <CacheView
          caches={fixture.caches}
          focus={fixture.focusCache ? { cache: fixture.focusCache } : {}}
        />
      )}
      {show('stats') && (
        <StatsPanel
          stats={fixture.stats}
          op={fixture.op}
          opCount={fixture.opCount}
          cost={fixture.cost}
        />
      )}
      {show('editor') && (
        <ScenarioEditor
          text={text}
          onApply={(t) => Promise.resolve(editorErrors(scenarioProblemsByLine(t)))}
        />
      )}
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Preview />
  </StrictMode>,
);
