/**
 * An embedded visualizer: the chosen views and controls, without the app's header, picker,
 * composer or side panel. Shared by the iframe page (embed.html) and the custom element; each
 * gives it a store of its own (VizStoreContext) and its settings, and re-renders it with new
 * settings when the hash or an attribute changes.
 */
import { useEffect, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { useVizApi, useVizStore, type ViewName } from '../store/useVizStore';
import { TimelineBar } from '../views/TimelineBar';
import { EmbedViews } from './EmbedViews';
import { loadScenario, type EmbedError } from './loadScenario';
import { MiniControls } from './MiniControls';
import { OpenInApp } from './OpenInApp';
import type { EmbedSettings } from './settings';

export interface EmbedAppProps {
  settings: EmbedSettings;
  /** Told whenever a load fails (the iframe passes it on to its parent). */
  onError?: (error: EmbedError) => void;
  /** The full app, for the "Open in kvm-mmu-viz" link (none: no link). */
  appUrl?: string;
}

/** The store fetches the tree (its largest part) only when its view is the tree. */
function storeView(views: ViewName[]): ViewName {
  return views.includes('tree') ? 'tree' : views[0]!;
}

export function EmbedApp({ settings, onError, appUrl }: EmbedAppProps) {
  const store = useVizApi();
  const info = useVizStore((s) => s.info);
  const loading = useVizStore((s) => s.loading);
  // The worker died and the scenario did not come back (src/store): say so, not "Loading…".
  const lost = useVizStore((s) => (s.info ? null : s.notice));
  const [error, setError] = useState<EmbedError | null>(null);
  const [loadedKey, setLoadedKey] = useState<string | null>(null);
  const { scenario, step, views, controls, autoplay } = settings;
  const key = scenario?.key ?? null;
  const view = storeView(views);

  // The load effect runs per scenario, not per render: read the rest of the settings as they
  // are when it runs, without making them reasons to reload.
  const latest = useRef({ settings, onError });
  useEffect(() => {
    latest.current = { settings, onError };
  });

  const also = views.filter((v) => v !== view).join(',');
  useEffect(() => {
    store.getState().setView(view, also ? (also.split(',') as ViewName[]) : []);
  }, [store, view, also]);

  useEffect(() => {
    const { settings: s, onError: report } = latest.current;
    if (!s.scenario) {
      const e = { title: 'No scenario: set preset, src or doc.', problems: [] };
      setError(e);
      report?.(e);
      return;
    }
    let live = true;
    setError(null);
    // Autoplay with no step named starts at the beginning: from the end there is nothing to play.
    const at = s.step ?? (s.autoplay ? 0 : undefined);
    void loadScenario(store, s.scenario, at).then((e) => {
      if (!live) return;
      setError(e);
      if (e) return report?.(e);
      setLoadedKey(s.scenario!.key);
      if (s.autoplay) store.getState().play(true);
    });
    return () => {
      live = false;
    };
  }, [store, key]);

  // A new step on a loaded scenario moves there; the first step came with the load.
  useEffect(() => {
    if (loadedKey !== null && loadedKey === key && step !== undefined) store.getState().goTo(step);
  }, [store, step, loadedKey, key]);

  useEffect(() => {
    if (loadedKey !== null && autoplay) store.getState().play(true);
  }, [store, autoplay, loadedKey]);

  useEffect(() => () => store.getState().play(false), [store]);

  // Keys act when focus is inside this widget only: a page may hold several.
  const onKeyDown = (e: KeyboardEvent) => {
    const t = e.target as HTMLElement;
    if (t.closest('input, select, textarea') || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === ' ' && t.closest('button')) return;
    const s = store.getState();
    if (e.key === 'ArrowLeft') (e.shiftKey ? s.opBy : s.stepBy)(-1);
    else if (e.key === 'ArrowRight') (e.shiftKey ? s.opBy : s.stepBy)(1);
    else if (e.key === ' ') s.play(!s.playing);
    else return;
    e.preventDefault();
  };

  return (
    <div className="kmv-embed" data-controls={controls} onKeyDown={onKeyDown}>
      {error ? (
        <ErrorBox error={error} />
      ) : lost && !loading ? (
        <ErrorBox error={{ title: lost, problems: [] }} />
      ) : !info || loading ? (
        <p className="kmv-loading" role="status">
          {loading ? `Loading ${loading.label}…` : 'Loading…'}
          {loading && loading.total > 0 && (
            <progress max={loading.total} value={loading.done} aria-label="Loading progress" />
          )}
        </p>
      ) : null}
      {!error && info && (
        <>
          {controls === 'full' && <TimelineBar />}
          {controls === 'minimal' && <MiniControls />}
          <EmbedViews views={views} />
          {appUrl && <OpenInApp appUrl={appUrl} />}
        </>
      )}
    </div>
  );
}

export function ErrorBox({ error }: { error: EmbedError }) {
  return (
    <div className="kmv-error" role="alert" data-testid="embed-error">
      <strong>kvm-mmu-viz: {error.title}</strong>
      {error.problems.length > 0 && (
        <ul>
          {error.problems.slice(0, 8).map((p, i) => (
            <li key={i}>
              <code>{p.path}</code>
              {p.line ? ` (line ${p.line})` : ''}: {p.message}
            </li>
          ))}
          {error.problems.length > 8 && <li>… and {error.problems.length - 8} more</li>}
        </ul>
      )}
    </div>
  );
}
