/** A load in progress (with Cancel), what became of a cancelled one, or why the last document did not load. */
import { useVizApi, useVizStore } from '../store/useVizStore';
import { failedTrace } from './openFile';
import { TraceProblems } from './TraceProblems';

export function LoadStatus() {
  const loading = useVizStore((s) => s.loading);
  const problems = useVizStore((s) => s.problems);
  const heading = useVizStore((s) => s.problemsHeading);
  const stopped = useVizStore((s) => s.info?.error ?? null);
  const trace = useVizStore((s) => failedTrace(s.failedSource));
  const notice = useVizStore((s) => s.notice);
  const api = useVizApi();
  const { cancelLoad, clearProblems, dismissNotice } = api.getState();
  if (loading) {
    return (
      <div className="load-status" role="status">
        <span>Loading {loading.label}…</span>
        <progress
          max={Math.max(1, loading.total)}
          // No total known (a gzip trace): an indeterminate bar, not a full one.
          value={loading.total ? loading.done : undefined}
          aria-label="Loading progress"
        />
        <span className="muted">{progressText(loading)}</span>
        <button type="button" onClick={cancelLoad}>
          Cancel
        </button>
      </div>
    );
  }
  if (notice) {
    return (
      <div className="load-notice" role="status">
        <span>{notice}</span>
        <button type="button" onClick={dismissNotice}>
          Dismiss
        </button>
      </div>
    );
  }
  // A trace's problems stay here (not in the scenario editor), with the part before the bad line.
  if (trace && problems.length > 0) return <TraceProblems source={trace} />;
  if (problems.length === 0) {
    if (!stopped) return null;
    return (
      <div className="load-problems" role="alert">
        <strong>
          The scenario stops at operation {stopped.index + 1}: the kernel would refuse it. The
          operations before it are loaded.
        </strong>
        <p>{stopped.message}</p>
      </div>
    );
  }
  return (
    <div className="load-problems" role="alert">
      <strong>{heading ?? 'Not loaded: the previous scenario stays.'}</strong>
      <ul>
        {problems.slice(0, 12).map((p, i) => (
          <li key={i}>
            <code>{p.path}</code>: {p.message}
          </li>
        ))}
      </ul>
      <button type="button" onClick={clearProblems}>
        Dismiss
      </button>
    </div>
  );
}

/** "1,200 / 3,400 operations", "312 / 1,024 MiB read", "312 MiB read" (a gzip trace's size is not its text's). */
function progressText(l: { done: number; total: number; unit?: string }): string {
  if (l.unit === 'bytes') {
    const mib = (n: number) => Math.round(n / 2 ** 20).toLocaleString('en');
    return l.total ? `${mib(l.done)} / ${mib(l.total)} MiB read` : `${mib(l.done)} MiB read`;
  }
  return l.total
    ? `${l.done.toLocaleString('en')} / ${l.total.toLocaleString('en')} operations`
    : '';
}
