/**
 * A trace that did not open: the parser's message (the line, the event, what was expected), the
 * timeline on screen untouched, and "Open the part before line N", which replays the same file
 * up to the bad line.
 */
import { useVizApi, useVizStore } from '../store/useVizStore';
import type { TraceSource } from '../worker/mmuSession';
import { openTrace } from './openFile';

export function TraceProblems({ source }: { source: TraceSource }) {
  const problems = useVizStore((s) => s.problems);
  const loaded = useVizStore((s) => s.info !== null);
  const api = useVizApi();
  const { clearProblems } = api.getState();
  const line = problems.find((p) => p.traceLine !== undefined)?.traceLine;
  return (
    <div className="load-problems trace-problems" role="alert" data-testid="trace-problems">
      <strong>
        {source.name} did not open{loaded ? ': the timeline on screen stays.' : '.'}
      </strong>
      <ul>
        {problems.slice(0, 12).map((p, i) => (
          <li key={i}>
            <code>{p.message}</code>
          </li>
        ))}
      </ul>
      {line !== undefined && line > 1 && (
        <button
          type="button"
          onClick={() => void openTrace(api, { ...source, stopBeforeLine: line })}
        >
          Open the part before line {line}
        </button>
      )}
      <button type="button" onClick={clearProblems}>
        Dismiss
      </button>
    </div>
  );
}
