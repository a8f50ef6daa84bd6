/**
 * The embed's views, one under the other in the order the settings list them: the same
 * components as the app's ViewPanel, minus its tabs and compare mode.
 */
import { useVizApi, useVizStore, type ViewName } from '../store/useVizStore';
import { CacheView } from '../views/CacheView';
import { ChainView } from '../views/ChainView';
import { EraView } from '../views/EraView';
import { StatsPanel } from '../views/StatsPanel';
import { TreeView } from '../views/tree/TreeView';

const LABEL: Record<ViewName, string> = {
  chain: 'Chain',
  tree: 'Tree',
  caches: 'Caches',
  stats: 'Stats',
  eras: 'Eras',
};

const NO_SERIES = { descriptors: [], bytes: [], flushes: [], pages: [] };

export function EmbedViews({ views }: { views: ViewName[] }) {
  const snapshot = useVizStore((s) => s.snapshot);
  const series = useVizStore((s) => s.series);
  const opCount = useVizStore((s) => s.info?.ops ?? 0);
  const selection = useVizStore((s) => s.selection);
  const { select } = useVizApi().getState();
  if (!snapshot) return null;
  return (
    <div className="kmv-views">
      {views.map((view) => (
        <section key={view} className="kmv-view" data-view={view} aria-label={LABEL[view]}>
          {views.length > 1 && <h2 className="kmv-view-title">{LABEL[view]}</h2>}
          {view === 'chain' && (
            <div className="kmv-panel">
              <ChainView chain={snapshot.chain} />
            </div>
          )}
          {view === 'tree' && (
            <div className="kmv-panel">
              <TreeView
                tree={snapshot.tree}
                focus={snapshot.step.focus}
                selected={
                  selection?.page !== undefined
                    ? { page: selection.page, index: selection.index }
                    : null
                }
                onSelect={(sel) => select(sel)}
                wheelNeedsFocus
              />
            </div>
          )}
          {view === 'eras' && (
            <div className="kmv-panel">
              <EraView />
            </div>
          )}
          {view === 'caches' && <CacheView caches={snapshot.caches} focus={snapshot.step.focus} />}
          {view === 'stats' && (
            <StatsPanel
              stats={snapshot.stats}
              series={series ?? NO_SERIES}
              op={snapshot.step.op}
              opCount={opCount}
              cost={snapshot.step.cost}
            />
          )}
        </section>
      ))}
    </div>
  );
}
