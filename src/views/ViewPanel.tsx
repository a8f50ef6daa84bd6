/**
 * The view the user picked (chain, tree, caches, stats) at the current position; in compare mode
 * the same view of the other kernel beside it, with the differences that matter.
 */
import type { KeyboardEvent } from 'react';
import { useVizApi, useVizStore, type ViewName } from '../store/useVizStore';
import type { Snapshot, TimelineSeries } from '../worker/viewTypes';
import { CacheView } from './CacheView';
import { ChainToolbar } from './ChainToolbar';
import { ChainView } from './ChainView';
import { CompareSummary } from './CompareSummary';
import { EraView } from './EraView';
import { StatsPanel } from './StatsPanel';
import { TreeView } from './tree/TreeView';

const TABS: { view: ViewName; label: string }[] = [
  { view: 'chain', label: 'Chain' },
  { view: 'tree', label: 'Tree' },
  { view: 'caches', label: 'Caches' },
  { view: 'stats', label: 'Stats' },
  { view: 'eras', label: 'Eras' },
];

export function ViewPanel() {
  const view = useVizStore((s) => s.view);
  const snapshot = useVizStore((s) => s.snapshot);
  // The Eras view compares four eras itself: no second pane beside it.
  const compare = useVizStore((s) => (view === 'eras' ? null : s.compare));
  const info = useVizStore((s) => s.info);
  const series = useVizStore((s) => s.series);
  const api = useVizApi();
  const { setView } = api.getState();

  const onTabKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.view === view);
    const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!d) return;
    e.preventDefault();
    e.stopPropagation();
    const next = TABS[(i + d + TABS.length) % TABS.length]!.view;
    setView(next);
    // The ARIA tabs pattern: focus goes with the selection (the old tab leaves the Tab order).
    e.currentTarget.querySelector<HTMLElement>(`[id="tab-${next}"]`)?.focus();
  };

  return (
    <section className="view-panel" aria-label="Views">
      <div role="tablist" aria-label="View" className="tabs" onKeyDown={onTabKey}>
        {TABS.map((t) => (
          <button
            key={t.view}
            role="tab"
            type="button"
            id={`tab-${t.view}`}
            aria-selected={view === t.view}
            aria-controls="view-body"
            tabIndex={view === t.view ? 0 : -1}
            onClick={() => setView(t.view)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {compare && snapshot && compare.snapshot && (
        <CompareSummary
          a={snapshot}
          b={compare.snapshot}
          aName={info?.options.rmap ?? ''}
          options={compare.options}
        />
      )}
      <div
        id="view-body"
        role="tabpanel"
        aria-labelledby={`tab-${view}`}
        className={compare ? 'view-body compare' : 'view-body'}
      >
        {snapshot && (
          <div className="pane" data-pane="main">
            {compare && <h2 className="pane-title">{info?.name}</h2>}
            <OneView view={view} snapshot={snapshot} series={series} opCount={info?.ops ?? 0} />
          </div>
        )}
        {compare?.snapshot && (
          <div className="pane" data-pane="compare">
            <h2 className="pane-title">{compare.info.name}</h2>
            <OneView
              view={view}
              snapshot={compare.snapshot}
              series={compare.series}
              opCount={compare.info.ops}
            />
          </div>
        )}
      </div>
    </section>
  );
}

const NO_SERIES = { descriptors: [], bytes: [], flushes: [], pages: [] };

function OneView({
  view,
  snapshot,
  series,
  opCount,
}: {
  view: ViewName;
  snapshot: Snapshot;
  series: TimelineSeries | null;
  opCount: number;
}) {
  const selection = useVizStore((s) => s.selection);
  const api = useVizApi();
  const { select } = api.getState();
  switch (view) {
    case 'chain':
      return (
        <>
          <ChainToolbar />
          <ChainView
            chain={snapshot.chain}
            onPick={(ptr, scratch) => {
              // A VM's SPTE pointer is entry i of page p: (p + 1) * 4096 + 8 * i (model/mmuPage.ts).
              if (!scratch) select({ page: Math.floor(ptr / 4096) - 1, index: (ptr % 4096) / 8 });
            }}
          />
        </>
      );
    case 'tree':
      // The snapshot on hand may predate the switch to this tab (the tree is left out of the
      // others' snapshots): say so rather than draw an empty tree for a moment.
      if (snapshot.tree.pages.length === 0 && snapshot.stats.pages.total > 0) {
        return (
          <p className="muted">
            Drawing {snapshot.stats.pages.total.toLocaleString('en')} shadow pages…
          </p>
        );
      }
      return (
        <TreeView
          tree={snapshot.tree}
          focus={snapshot.step.focus}
          selected={
            selection?.page !== undefined ? { page: selection.page, index: selection.index } : null
          }
          onSelect={(sel) => select(sel)}
        />
      );
    case 'eras':
      return <EraView />;
    case 'caches':
      return <CacheView caches={snapshot.caches} focus={snapshot.step.focus} />;
    case 'stats':
      return (
        <StatsPanel
          stats={snapshot.stats}
          series={series ?? NO_SERIES}
          op={snapshot.step.op}
          opCount={opCount}
          cost={snapshot.step.cost}
        />
      );
  }
}
