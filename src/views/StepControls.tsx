/**
 * Stepping through the last operation's micro-steps: position, the current step's caption in
 * kernel terms, and what the whole operation cost.
 */
import { opLabel, useVizStore } from '../store/useVizStore';

export function StepControls() {
  const last = useVizStore((s) => s.last);
  const step = useVizStore((s) => s.step);
  const head = useVizStore((s) => s.head);
  const { stepBy } = useVizStore.getState();

  if (!last) {
    return (
      <section className="step-controls" aria-label="Micro-steps">
        <p className="muted">
          No operation on head {head} yet: Add, Remove or Count to record one.
        </p>
      </section>
    );
  }
  const n = last.steps.length;
  const caption = step < 0 ? `before ${opLabel(last.op)}` : last.steps[step]!.caption;
  const c = last.cost;
  return (
    <section className="step-controls" aria-label="Micro-steps">
      <div className="op-line">
        <code>{opLabel(last.op)}</code>
        {last.ret !== null && <code className="ret">{`returned ${last.ret}`}</code>}
      </div>
      <div className="nav">
        <button
          type="button"
          onClick={() => void stepBy(-1)}
          disabled={step < 0}
          aria-keyshortcuts="ArrowLeft"
        >
          <span aria-hidden="true">◀ </span>Step back
        </button>
        <span className="pos" data-testid="step-pos">
          Step {step + 1} / {n}
        </span>
        <button
          type="button"
          onClick={() => void stepBy(1)}
          disabled={step >= n - 1}
          aria-keyshortcuts="ArrowRight"
        >
          Step forward<span aria-hidden="true"> ▶</span>
        </button>
      </div>
      <p className="caption" data-testid="step-caption" aria-live="polite">
        {caption}
      </p>
      <dl className="cost" aria-label="Cost of this operation">
        <dt>descriptors visited</dt>
        <dd>{c.descsVisited}</dd>
        <dt>slot compares</dt>
        <dd>{c.slotCompares}</dd>
        <dt>allocated</dt>
        <dd>{c.descsAllocated}</dd>
        <dt>freed</dt>
        <dd>{c.descsFreed}</dd>
        <dt>64-byte lines</dt>
        <dd>{c.cacheLines}</dd>
      </dl>
    </section>
  );
}
