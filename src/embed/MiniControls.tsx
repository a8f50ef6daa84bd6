/**
 * The small timeline for `controls=minimal`: step back, play, step forward, "Step k / n" and
 * what the step does. A docs page walks a reader through a few steps; the full TimelineBar
 * (operations, speed, scrubber) is there with `controls=full`.
 */
import { useVizApi, useVizStore } from '../store/useVizStore';

export function MiniControls() {
  const total = useVizStore((s) => s.info?.total ?? 0);
  const position = useVizStore((s) => s.position);
  const playing = useVizStore((s) => s.playing);
  const caption = useVizStore((s) => s.snapshot?.step.caption ?? '');
  const { stepBy, play } = useVizApi().getState();
  return (
    <div className="kmv-mini" role="group" aria-label="Timeline">
      <button type="button" onClick={() => stepBy(-1)} disabled={position <= 0}>
        <span aria-hidden="true">◀ </span>Step back
      </button>
      <button
        type="button"
        className="play"
        onClick={() => play(!playing)}
        disabled={!playing && position >= total}
      >
        {playing ? 'Pause' : 'Play'}
      </button>
      <button type="button" onClick={() => stepBy(1)} disabled={position >= total}>
        Step forward<span aria-hidden="true"> ▶</span>
      </button>
      <span className="kmv-pos" data-testid="step-pos" aria-live="polite">
        Step {position} / {total}
      </span>
      <code className="kmv-caption" data-testid="caption">
        {caption}
      </code>
    </div>
  );
}
