/**
 * Moving through the timeline: micro-steps, operations, play, a scrubber over every position,
 * and "Step k / n" always in view. The keys are bound in App (←/→, Shift+←/→, Space, Home/End).
 */
import { useVizApi, useVizStore } from '../store/useVizStore';
import { SourceLine } from './SourceLine';
import { stepMark } from './stepMarks';
import { MarkerSelect, TimelineMarkers } from './TimelineMarkers';

export function TimelineBar() {
  const info = useVizStore((s) => s.info);
  const position = useVizStore((s) => s.position);
  const step = useVizStore((s) => s.snapshot?.step);
  const playing = useVizStore((s) => s.playing);
  const speed = useVizStore((s) => s.speed);
  const playByOp = useVizStore((s) => s.playByOp);
  const api = useVizApi();
  const { stepBy, opBy, goTo, play, setSpeed, setPlayByOp } = api.getState();
  const total = info?.total ?? 0;
  const atStart = position <= 0;
  const atEnd = position >= total;

  return (
    <section className="timeline-bar" aria-label="Timeline">
      <div className="tl-buttons">
        <button type="button" onClick={() => goTo(0)} disabled={atStart} aria-keyshortcuts="Home">
          <span aria-hidden="true">|◀ </span>First step
        </button>
        <button
          type="button"
          onClick={() => opBy(-1)}
          disabled={atStart}
          aria-keyshortcuts="Shift+ArrowLeft"
        >
          <span aria-hidden="true">◀◀ </span>Previous operation
        </button>
        <button
          type="button"
          onClick={() => stepBy(-1)}
          disabled={atStart}
          aria-keyshortcuts="ArrowLeft"
        >
          <span aria-hidden="true">◀ </span>Step back
        </button>
        <button
          type="button"
          className="play"
          onClick={() => play(!playing)}
          disabled={!playing && atEnd}
          aria-keyshortcuts="Space"
        >
          {playing ? 'Pause' : 'Play'}
        </button>
        <button
          type="button"
          onClick={() => stepBy(1)}
          disabled={atEnd}
          aria-keyshortcuts="ArrowRight"
        >
          Step forward<span aria-hidden="true"> ▶</span>
        </button>
        <button
          type="button"
          onClick={() => opBy(1)}
          disabled={atEnd}
          aria-keyshortcuts="Shift+ArrowRight"
        >
          Next operation<span aria-hidden="true"> ▶▶</span>
        </button>
        <button type="button" onClick={() => goTo(total)} disabled={atEnd} aria-keyshortcuts="End">
          Last step<span aria-hidden="true"> ▶|</span>
        </button>
        <label className="tl-speed">
          Speed
          <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
            {[1, 2, 4, 8, 16, 32, 60].map((v) => (
              <option key={v} value={v}>{`${v}/s`}</option>
            ))}
          </select>
        </label>
        <label className="tl-byop">
          <input
            type="checkbox"
            checked={playByOp}
            onChange={(e) => setPlayByOp(e.target.checked)}
          />{' '}
          by operation
        </label>
        <span className="tl-pos" data-testid="step-pos" aria-live="polite">
          Step {position} / {total}
        </span>
      </div>
      <Scrubber total={total} position={position} onChange={goTo} />
      <div className="tl-where">
        <div className="tl-where-head">
          <span className="tl-op" data-testid="op-label">
            {step && step.op >= 0
              ? `op ${step.op + 1}/${info?.ops ?? 0}: ${step.opLabel}`
              : (step?.opLabel ?? '')}
            {step && step.stepsInOp > 0 && (
              <span className="muted">{`  · micro-step ${step.stepInOp} of ${step.stepsInOp}`}</span>
            )}
          </span>
          <MarkerSelect position={position} onSeek={goTo} />
        </div>
        <code
          className={`tl-caption${step ? ` mark-${stepMark(step.caption).mark ?? 'none'}` : ''}`}
          data-testid="caption"
        >
          {step?.caption}
        </code>
        {step?.source && <SourceLine source={step.source} />}
      </div>
    </section>
  );
}

function Scrubber({
  total,
  position,
  onChange,
}: {
  total: number;
  position: number;
  onChange(p: number): void;
}) {
  const api = useVizApi();
  return (
    <div className="tl-scrubber">
      <input
        type="range"
        aria-label="Timeline position"
        min={0}
        max={Math.max(total, 1)}
        value={position}
        onChange={(e) => onChange(Number(e.target.value))}
        // ←/→ step from the position last asked for: the native slider steps from the drawn one,
        // and presses made while a step is on its way from the worker would be lost.
        onKeyDown={(e) => {
          const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
          if (d === 0 || e.altKey || e.ctrlKey || e.metaKey) return;
          e.preventDefault();
          const s = api.getState();
          (e.shiftKey ? s.opBy : s.stepBy)(d);
        }}
      />
      <TimelineMarkers total={total} position={position} onSeek={onChange} />
    </div>
  );
}
