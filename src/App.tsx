/**
 * The page: pick or load a scenario, move along its timeline, and look at the MMU through the
 * views (chain, tree, caches, stats), optionally beside the same scenario under other kernel
 * options. Keys (when focus is not in a form field): ←/→ micro-step, Shift+←/→ operation,
 * Space play/pause, Home/End.
 */
import { useEffect } from 'react';
import { useVizApi } from './store/useVizStore';
import { useUrlSync } from './store/useUrlSync';
import { AppHeader } from './views/AppHeader';
import { DropZone } from './views/DropZone';
import { LoadStatus } from './views/LoadStatus';
import { SidePanel } from './views/SidePanel';
import { TimelineBar } from './views/TimelineBar';
import { ViewPanel } from './views/ViewPanel';

export function App() {
  const store = useVizApi();
  useUrlSync(store);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t?.closest('input, select, textarea, button') && e.key === ' ') return;
      if (t?.closest('input, select, textarea') || e.altKey || e.ctrlKey || e.metaKey) return;
      const s = store.getState();
      if (e.key === 'ArrowLeft') (e.shiftKey ? s.opBy : s.stepBy)(-1);
      else if (e.key === 'ArrowRight') (e.shiftKey ? s.opBy : s.stepBy)(1);
      else if (e.key === 'Home') s.goTo(0);
      else if (e.key === 'End') s.goTo(s.info?.total ?? 0);
      else if (e.key === ' ') s.play(!s.playing);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);

  return (
    <div className="app">
      <AppHeader />
      <TimelineBar />
      <LoadStatus />
      <main className="work">
        <ViewPanel />
        <SidePanel />
      </main>
      <DropZone />
    </div>
  );
}
