/**
 * The stats panel's drawings: horizontal bar tables (memory, histogram) and the small timeline
 * line charts. lineChart.ts and statsRows.ts compute; these components only draw.
 */
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { layoutLineChart, maxOf, type ChartBox } from './lineChart';
import type { BarRow } from './statsRows';

/** The element's width in CSS pixels, kept current as the panel resizes. */
export function useWidth<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(Math.floor(el.getBoundingClientRect().width));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width] as const;
}

export function BarTable({
  caption,
  rows,
  format,
  valueHeader,
}: {
  caption: string;
  rows: BarRow[];
  format: (v: number) => string;
  valueHeader: string;
}) {
  return (
    <table className="bar-table">
      <caption>{caption}</caption>
      <thead className="visually-hidden">
        <tr>
          <th scope="col">category</th>
          <th scope="col">{valueHeader}</th>
          <th scope="col">bar</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} data-key={r.key}>
            <th scope="row">
              <span className="bar-label">{r.label}</span>
              {r.note && <span className="bar-note">{keepTogether(r.note)}</span>}
            </th>
            <td className="bar-value mono">{format(r.value)}</td>
            <td className="bar-cell" aria-hidden="true">
              <span className="bar" style={{ width: `${r.pct}%` }} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// The top margin holds the y maximum's label, above the line rather than under it.
const BOX: Omit<ChartBox, 'width'> = { height: 86, left: 6, right: 6, top: 16, bottom: 16 };

export function LineChart({
  title,
  values,
  op,
  format,
}: {
  title: string;
  values: ArrayLike<number>;
  op: number;
  format: (v: number) => string;
}) {
  const [ref, width] = useWidth<HTMLDivElement>();
  // O(n) in the series: worth skipping when a sibling view, not this chart, changed.
  const L = useMemo(
    () => (width > 0 ? layoutLineChart(values, op, { ...BOX, width }) : null),
    [values, op, width],
  );
  const n = values.length;
  const now = op >= 0 && op < n ? format(values[op]!) : op < 0 ? 'before op 1' : '—';
  const label =
    n === 0
      ? `${title}: no ops yet`
      : `${title} over ${n} ops: max ${format(L?.yMax ?? maxOf(values))}, ${now} at the current op`;
  return (
    <figure className="line-chart" ref={ref}>
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="chart-now mono">{now}</span>
      </figcaption>
      {L && n > 0 && (
        <svg width={width} height={BOX.height} role="img" aria-label={label}>
          <line className="axis" x1={L.xLeft} x2={L.xRight} y1={L.y0} y2={L.y0} />
          <line className="grid" x1={L.xLeft} x2={L.xRight} y1={L.yTop} y2={L.yTop} />
          <text className="tick" x={L.xLeft} y={L.yTop - 4}>
            {format(L.yMax)}
          </text>
          {/* The cursor goes under the line, so a one-op chart's dot stays visible. */}
          {L.cursorX !== null && (
            <line
              className={op < 0 ? 'cursor before' : 'cursor'}
              x1={L.cursorX}
              x2={L.cursorX}
              y1={L.yTop}
              y2={L.y0}
            />
          )}
          {L.d && <path className="series" d={L.d} />}
          {L.dot && <circle className="series-dot" cx={L.dot.x} cy={L.dot.y} r={3} />}
          <OpTick x={L.firstX} edge={L.xLeft} side="start" label="op 1" />
          {n > 1 && (
            <OpTick
              x={L.lastX}
              edge={L.xRight}
              side="end"
              label={`op ${n.toLocaleString('en-US')}`}
            />
          )}
        </svg>
      )}
    </figure>
  );
}

/**
 * An op's label under its x. With few ops the first and last sit well inside the chart (each
 * op owns a unit of x); with many they sit at the edges, where a centred label would be cut.
 */
function OpTick({
  x,
  edge,
  side,
  label,
}: {
  x: number;
  edge: number;
  side: 'start' | 'end';
  label: string;
}) {
  const atEdge = Math.abs(x - edge) < 24;
  return (
    <text
      className="tick"
      x={atEdge ? edge : x}
      y={BOX.height - 3}
      textAnchor={atEdge ? side : 'middle'}
    >
      {label}
    </text>
  );
}

/** "sp->spt, 4 KiB" must not break after "sp-": kernel expressions stay on one line. */
function keepTogether(note: string) {
  return note.split(/(\S*->\S*)/).map((part, i) =>
    part.includes('->') ? (
      <span key={i} className="nowrap">
        {part}
      </span>
    ) : (
      part
    ),
  );
}
