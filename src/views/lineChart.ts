/**
 * The math of the small timeline charts: which points to draw and where. A timeline can hold
 * 100,000 ops; an SVG path with 100,000 vertices in a 300-pixel chart is slow and draws nothing
 * more than one with ~600, so the series is cut into one bucket per pixel column and each
 * bucket keeps its min and max (in index order). Spikes survive, unlike with every-kth sampling:
 * a lone flush at op 51,234 still reaches its height.
 */
import { line, scaleLinear } from 'd3';

export interface Point {
  /** Op index in the series. */
  i: number;
  v: number;
}

/** At most ~2 points per bucket; all points when there are few. */
export function downsample(values: ArrayLike<number>, buckets: number): Point[] {
  const n = values.length;
  const b = Math.max(1, Math.floor(buckets));
  if (n <= 2 * b) return Array.from(values, (v, i) => ({ i, v }));
  const out: Point[] = [];
  for (let k = 0; k < b; k++) {
    const from = Math.floor((k * n) / b);
    const to = Math.floor(((k + 1) * n) / b);
    let lo = from;
    let hi = from;
    for (let i = from + 1; i < to; i++) {
      if (values[i]! < values[lo]!) lo = i;
      if (values[i]! > values[hi]!) hi = i;
    }
    const first = Math.min(lo, hi);
    const second = Math.max(lo, hi);
    out.push({ i: first, v: values[first]! });
    if (second !== first) out.push({ i: second, v: values[second]! });
  }
  return out;
}

export interface ChartBox {
  width: number;
  height: number;
  /** Inner margins: room for the y labels on the left and the x labels below. */
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface LineChartLayout {
  /** The line's path; null when there is nothing to draw. */
  d: string | null;
  /** A lone point is drawn as a dot, since a path through one point is invisible. */
  dot: { x: number; y: number } | null;
  /** x of the current op (null when op is outside the series). */
  cursorX: number | null;
  cursorValue: number | null;
  yMax: number;
  y0: number;
  yTop: number;
  xLeft: number;
  xRight: number;
  /** x of the first and last op, for their labels. */
  firstX: number;
  lastX: number;
  points: number;
}

/**
 * Each op owns one unit of x, centred on its index ([-0.5, n - 0.5]): a one-op timeline puts its
 * point mid-chart, and op -1 ("before the first op") sits at the left edge.
 */
export function layoutLineChart(
  values: ArrayLike<number>,
  op: number,
  box: ChartBox,
): LineChartLayout {
  const n = values.length;
  const xLeft = box.left;
  const xRight = Math.max(box.left + 1, box.width - box.right);
  const yTop = box.top;
  const y0 = Math.max(box.top + 1, box.height - box.bottom);
  const max = maxOf(values);
  const x = scaleLinear()
    .domain([-0.5, Math.max(n, 1) - 0.5])
    .range([xLeft, xRight]);
  const y = scaleLinear()
    .domain([0, max || 1])
    .range([y0, yTop]);
  const pts = downsample(values, xRight - xLeft);
  const path =
    pts.length > 1
      ? line<Point>()
          .x((p) => x(p.i))
          .y((p) => y(p.v))(pts)
      : null;
  const only = pts.length === 1 ? pts[0]! : null;
  const inRange = op >= -1 && op < n;
  return {
    d: path,
    dot: only ? { x: x(only.i), y: y(only.v) } : null,
    cursorX: inRange ? (op === -1 ? xLeft : x(op)) : null,
    cursorValue: op >= 0 && op < n ? values[op]! : null,
    yMax: max,
    y0,
    yTop,
    xLeft,
    xRight,
    firstX: x(0),
    lastX: x(Math.max(n - 1, 0)),
    points: pts.length,
  };
}

/** A loop, not Math.max(...values): spreading 100,000 arguments can overflow the call stack. */
export function maxOf(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  return max;
}
