/**
 * The loaded scenario under the four rmap list eras at once, stepping with the main timeline:
 * per era its descriptor struct and the rmap of the last add drawn to one byte scale (every
 * 64-byte cache line ruled), the figures beneath, and where that era's add return crosses
 * RMAP_RECYCLE_THRESHOLD. The worker replays the eras (worker/eras.ts); geometry is in
 * eraLayout.ts, wording in eraText.ts.
 */
import { scaleLinear } from 'd3';
import type { ScaleLinear } from 'd3';
import { useId, useRef } from 'react';
import type { ErasLoading } from '../store/erasLoader';
import { useVizStore } from '../store/useVizStore';
import type { EraPane as Pane, ErasSnapshot } from '../worker/eraTypes';
import {
  CACHE_LINE_BYTES,
  descRects,
  fieldSummary,
  mapGeometry,
  mapHeight,
  ROW_GAP,
  ROW_H,
  rowBands,
  wordRects,
  type MapGeometry,
} from './eraLayout';
import { freshLine, lastAddLine, opLine, thresholdLine } from './eraText';
import { formatCount as n } from './format';
import { useElementSize } from './tree/useElementSize';
import './EraView.css';

/** A pane is at least this wide; four fit side by side from about 800 px, else two, else one. */
const MIN_PANE = 180;
const GAP = 12;
/** The pane's padding and border, left and right. */
const PANE_INSET = 2 * 10 + 2;

export function EraView() {
  const eras = useVizStore((s) => s.eras);
  const loading = useVizStore((s) => s.erasLoading);
  const name = useVizStore((s) => s.info?.name ?? 'the scenario');
  const ref = useRef<HTMLDivElement>(null);
  const { width } = useElementSize(ref);
  const cols = width >= 4 * MIN_PANE + 3 * GAP ? 4 : width >= 2 * MIN_PANE + GAP ? 2 : 1;
  const paneW = Math.max(120, Math.floor((width - (cols - 1) * GAP) / cols) - PANE_INSET);

  return (
    <section className="era-view" aria-label="rmap list eras">
      <header className="era-head">
        <h2>One rmap, four eras</h2>
        {eras ? <EraCaption eras={eras} /> : <EraLoading name={name} loading={loading} />}
      </header>
      <div
        className="era-grid"
        ref={ref}
        style={{ gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))` }}
      >
        {eras && width > 0 && <Panes eras={eras} paneW={paneW} />}
      </div>
    </section>
  );
}

function EraCaption({ eras }: { eras: ErasSnapshot }) {
  const p = eras.panes[0];
  const head = eras.panes.find((x) => x.head)?.head;
  return (
    <p className="muted">
      {p?.op ? `op ${p.op.index + 1}: ${p.op.label}` : 'before the first operation'}
      {head ? ` · ${head.label}, the rmap of the last add` : ''} · same op, same share of it in each
      era · RMAP_RECYCLE_THRESHOLD {n(eras.threshold)}
    </p>
  );
}

function EraLoading({ name, loading }: { name: string; loading: ErasLoading | null }) {
  if (loading?.error)
    return (
      <p className="era-error" role="alert">
        Could not replay {name} under the four eras: {loading.error}
      </p>
    );
  return (
    <p className="muted" role="status">
      Replaying {name} under the four rmap list eras…
      {loading && loading.total > 0 && (
        <progress max={loading.total} value={loading.done} aria-label="Replay progress" />
      )}
    </p>
  );
}

function Panes({ eras, paneW }: { eras: ErasSnapshot; paneW: number }) {
  // One scale for every pane: the largest list sets the row length, the largest struct the strip's.
  const geo = mapGeometry(Math.max(...eras.panes.map((p) => p.bytes)), paneW);
  const structX = scaleLinear()
    .domain([0, Math.max(...eras.panes.map((p) => p.descBytes))])
    .range([0, paneW]);
  return eras.panes.map((p) => (
    <EraPane key={p.era} pane={p} geo={geo} structX={structX} threshold={eras.threshold} />
  ));
}

function EraPane({
  pane: p,
  geo,
  structX,
  threshold,
}: {
  pane: Pane;
  geo: MapGeometry;
  structX: ScaleLinear<number, number>;
  threshold: number;
}) {
  const id = useId();
  const mark = thresholdLine(p, threshold);
  return (
    <section
      className="era-pane"
      data-era={p.era}
      aria-labelledby={`${id}-h`}
      aria-describedby={`${id}-k`}
    >
      <h3 id={`${id}-h`} className="era-title">
        {p.era}
      </h3>
      <p id={`${id}-k`} className="era-kernels">
        <span className="mono">{`struct ${p.structName}, ${p.descBytes}\u00a0B`}</span> ·{' '}
        {p.kernels}
      </p>
      <StructStrip pane={p} x={structX} />
      <p className="era-fields mono">{fieldSummary(p.fields)}</p>
      <ChainMap pane={p} geo={geo} />
      <dl className="era-figures">
        <dt>descriptors</dt>
        <dd>
          <span data-testid="era-descs">{n(p.descs)}</span>
          {` × ${p.descBytes} B`}
        </dd>
        <dt>bytes</dt>
        <dd data-testid="era-bytes">{`${n(p.bytes)} B`}</dd>
        <dt>entries</dt>
        <dd>{p.head ? n(p.head.entries) : '–'}</dd>
      </dl>
      <p className="era-line">
        <span className="era-key">this op </span>
        <span data-testid="era-op">{opLine(p)}</span>
      </p>
      <p className="era-line">
        <span className="era-key">last add </span>
        <span data-testid="era-last-add">{lastAddLine(p)}</span>
      </p>
      <div className={`era-threshold ${mark.tone}`}>
        <ReturnMeter ret={p.lastAdd?.ret ?? null} threshold={threshold} />
        <p className="era-threshold-text" data-testid="era-threshold">
          {mark.text}
        </p>
        <p className="era-fresh">{freshLine(p, threshold)}</p>
      </div>
      <p className="era-return">add returns {p.addReturn}</p>
      {p.error && <p className="era-error">{`stopped: ${p.error}`}</p>}
    </section>
  );
}

/** The struct's words at their offsets, to the same scale in every pane, with the line boundary. */
function StructStrip({ pane: p, x }: { pane: Pane; x: ScaleLinear<number, number> }) {
  const h = 16;
  const top = 11;
  const end = x.domain()[1]!;
  const rules: number[] = [];
  for (let b = CACHE_LINE_BYTES; b <= end; b += CACHE_LINE_BYTES) rules.push(b);
  return (
    <svg
      className="era-struct"
      width={x.range()[1]}
      height={top + h + 1}
      role="img"
      aria-label={`struct ${p.structName}, ${p.descBytes} bytes: ${fieldSummary(p.fields)}`}
    >
      {rules.map((b) => (
        <g key={b}>
          <line className="era-rule" x1={x(b)} x2={x(b)} y1={top - 2} y2={top + h + 1} />
          <text className="era-rule-label" x={x(b) - 2} y={top - 3} textAnchor="end">
            {b}
          </text>
        </g>
      ))}
      {p.fields.map((f) => (
        <rect
          key={f.offset}
          className={`era-word ${f.kind === 'slot' ? 'free' : f.kind}`}
          x={x(f.offset) + 0.5}
          y={top}
          width={Math.max(0.5, x(f.bytes) - x(0) - 1)}
          height={h}
        >
          <title>{`${f.name}: bytes ${f.offset}–${f.offset + f.bytes - 1}`}</title>
        </rect>
      ))}
      <rect className="era-desc" x={x(0) + 0.5} y={top} width={x(p.descBytes) - 1} height={h} />
    </svg>
  );
}

/** The rmap's descriptors laid back to back, rows of whole cache lines, to the shared scale. */
function ChainMap({ pane: p, geo }: { pane: Pane; geo: MapGeometry }) {
  const height = mapHeight(p.bytes, geo);
  const rules: number[] = [];
  for (let b = geo.ruleBytes; b < geo.rowBytes; b += geo.ruleBytes) rules.push(b);
  const empty =
    !p.head || p.head.entries === 0
      ? 'empty'
      : p.descs === 0
        ? 'one SPTE, in the head itself'
        : null;
  const touched = p.touched.reduce((a, b) => a + b, 0);
  const outlines = descRects(p.descs, p.descBytes, geo);
  const label =
    `${n(p.descs)} descriptors of ${p.descBytes} bytes, ${n(p.bytes)} bytes, drawn to scale` +
    ` in rows of ${n(geo.rowBytes)} bytes` +
    (touched ? `; ${n(touched)} of them${touchedWords(p)}` : '');
  return (
    <figure className="era-map">
      <svg width={geo.width} height={height} role="img" aria-label={empty ?? label}>
        {geo.words
          ? wordRects(p.used, p.fields, p.descBytes, geo).map((r, i) => (
              <rect
                key={i}
                className={`era-word ${r.kind}`}
                x={r.x}
                y={r.y}
                width={Math.max(0.5, r.w - 0.5)}
                height={ROW_H}
              />
            ))
          : rowBands(p.used, p.ext, p.descBytes, geo).map((r) => (
              <rect
                key={r.y}
                className="era-word used"
                x={r.x}
                y={r.y}
                width={r.w}
                height={ROW_H}
                fillOpacity={0.25 + 0.75 * r.fill}
              />
            ))}
        {geo.words &&
          outlines.map((r, i) => (
            <rect key={i} className="era-desc" x={r.x} y={r.y} width={r.w} height={ROW_H} />
          ))}
        {/* The cache lines, over the words: where a descriptor straddles one shows. */}
        {!empty &&
          rules.map((b) => (
            <line
              key={b}
              className="era-rule"
              x1={geo.x(b)}
              x2={geo.x(b)}
              y1={-1}
              y2={height + 1}
            />
          ))}
        {/* The descriptors this op has read or written so far: a mark under each, in the row gap. */}
        {outlines
          .filter((r) => p.touched[r.desc])
          .map((r, i) => (
            <rect
              key={`t${i}`}
              className="era-touch"
              x={r.x + 0.5}
              y={r.y + ROW_H + 1}
              width={Math.max(1, r.w - 1)}
              height={ROW_GAP - 2}
            />
          ))}
        {empty && (
          <text className="era-empty" x={4} y={ROW_H - 1}>
            {empty}
          </text>
        )}
      </svg>
      <figcaption className="era-map-caption">
        {`1 row = ${n(geo.rowBytes)} B · rules every ${geo.ruleBytes} B`}
        {touched > 0 && (
          <>
            {' · '}
            <span className="era-touch-key" aria-hidden="true" />
            {touchedWords(p)}
          </>
        )}
      </figcaption>
    </figure>
  );
}

/** What the accent marks under descriptors stand for. */
function touchedWords(p: Pane): string {
  const { from, to, whole } = p.touchedSteps;
  return whole
    ? ' touched by this op so far'
    : ` touched in micro-steps ${n(from)}–${n(to)} of this op`;
}

/** The last add's return against RMAP_RECYCLE_THRESHOLD, the threshold as a tick. */
function ReturnMeter({ ret, threshold }: { ret: number | null; threshold: number }) {
  const w = 100;
  const top = Math.max(threshold, ret ?? 0) * 1.08;
  const x = scaleLinear().domain([0, top]).range([0, w]);
  const over = ret !== null && ret > threshold;
  return (
    <div
      className="era-meter"
      role="meter"
      aria-label="last add's return against RMAP_RECYCLE_THRESHOLD"
      aria-valuemin={0}
      aria-valuemax={Math.max(threshold, ret ?? 0)}
      aria-valuenow={ret ?? 0}
      aria-valuetext={
        ret === null ? 'no add yet' : `${n(ret)} of ${n(threshold)}${over ? ', over' : ''}`
      }
    >
      <svg viewBox={`0 0 ${w} 8`} preserveAspectRatio="none" aria-hidden="true">
        <rect className="era-meter-track" x={0} y={1} width={w} height={6} />
        {ret !== null && (
          <rect
            className={over ? 'era-meter-bar over' : 'era-meter-bar'}
            x={0}
            y={1}
            width={x(ret)}
            height={6}
          />
        )}
        <line
          className="era-meter-tick"
          x1={x(threshold)}
          x2={x(threshold)}
          y1={0}
          y2={8}
          vectorEffect="non-scaling-stroke"
        />
      </svg>
      <span className="era-meter-text mono">
        {ret === null ? '–' : n(ret)} / {n(threshold)}
      </span>
    </div>
  );
}
