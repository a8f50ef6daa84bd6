/**
 * The timeline's markers (a trace's `tracing_mark_write` lines) under the scrubber: a tick at
 * each, labels where they fit (markerLayout.ts), a click on a label goes there. Every marker is
 * also in the "Marker" list beside (MarkerSelect), which is the keyboard's way and shows the
 * phase the shown step is in.
 */
import { useId, useMemo, useRef } from 'react';
import { useVizStore } from '../store/useVizStore';
import { commonTag, layoutMarkers, markerTicks, shortLabel, type Marker } from './markerLayout';
import { useElementSize } from './tree/useElementSize';
import './Trace.css';

const NO_MARKERS: Marker[] = [];
/** The labels' font is 10.5 px monospace (Trace.css): 0.6 em a character. */
const CHAR_PX = 6.3;
const GAP_PX = 12;
const ROW_PX = 17;

export function useMarkers(): Marker[] {
  return useVizStore((s) => s.info?.markers ?? NO_MARKERS);
}

interface TrackProps {
  total: number;
  position: number;
  onSeek(position: number): void;
}

export function TimelineMarkers(props: TrackProps) {
  const markers = useMarkers();
  // The track measures itself once mounted: mount it only with markers to draw.
  return markers.length === 0 ? null : <MarkerTrack markers={markers} {...props} />;
}

function MarkerTrack({ markers, total, position, onSeek }: TrackProps & { markers: Marker[] }) {
  const track = useRef<HTMLDivElement>(null);
  const { width } = useElementSize(track);
  const rows = width < 600 ? 1 : 2;
  const ticks = useMemo(() => markerTicks(markers, { width, total }), [markers, width, total]);
  const placed = useMemo(
    () => layoutMarkers(ticks, { width, total, position, rows, charPx: CHAR_PX, gapPx: GAP_PX }),
    [ticks, width, total, position, rows],
  );
  const used = Math.max(1, ...placed.map((p) => (p.row ?? 0) + 1));
  return (
    <div
      className="tl-markers"
      ref={track}
      style={{ height: 6 + used * ROW_PX }}
      data-testid="timeline-markers"
    >
      {placed.map((p) => (
        <span
          key={`t${p.position}`}
          className={`tl-tick${p.current ? ' current' : ''}`}
          style={{ left: `${p.at * 100}%` }}
          aria-hidden="true"
        />
      ))}
      {placed.map((p) =>
        p.row === null ? null : (
          <button
            key={`l${p.position}`}
            type="button"
            // The marker list is the keyboard's way to every marker: these stay out of the Tab order.
            tabIndex={-1}
            className={`tl-marker-label ${p.align}${p.current ? ' current' : ''}`}
            style={{
              // One edge on the tick (markerLayout): the label runs right from it, or ends at it.
              // In % of the track, so a resize moves them before the track is measured again.
              ...(p.align === 'start'
                ? { left: `${p.at * 100}%` }
                : { right: `${(1 - p.at) * 100}%` }),
              top: 6 + p.row * ROW_PX,
              maxWidth: p.text.length * CHAR_PX + GAP_PX,
            }}
            title={p.labels.join('\n')}
            aria-label={`Go to marker: ${p.labels.join('; ')}`}
            onClick={() => onSeek(p.position)}
          >
            {p.text}
          </button>
        ),
      )}
    </div>
  );
}

/** Every marker, the one the shown step is in selected: picking one goes there. */
export function MarkerSelect({
  position,
  onSeek,
}: {
  position: number;
  onSeek(position: number): void;
}) {
  const id = useId();
  const markers = useMarkers();
  const sorted = useMemo(() => [...markers].sort((a, b) => a.position - b.position), [markers]);
  // The options made once per marker list: a trace has thousands, and each step changes only
  // which one is selected (the same elements let React skip them).
  const options = useMemo(() => {
    const tag = commonTag(sorted.map((m) => m.label));
    return sorted.map((m, i) => (
      <option key={i} value={i}>
        {shortLabel(m.label, tag, 70)}
      </option>
    ));
  }, [sorted]);
  if (sorted.length === 0) return null;
  let cur = -1;
  sorted.forEach((m, i) => {
    if (m.position <= position) cur = i;
  });
  return (
    <span className="tl-marker-pick">
      <label htmlFor={id}>Marker</label>
      <select
        id={id}
        value={cur}
        onChange={(e) => {
          const m = sorted[Number(e.target.value)];
          if (m) onSeek(m.position);
        }}
      >
        <option value={-1} disabled>
          (before the first)
        </option>
        {options}
      </select>
    </span>
  );
}
