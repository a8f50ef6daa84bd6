/**
 * The caches view as one plain SVG, for `npm run export`: the same groups and gauges as
 * CacheView (groupCaches and gauge from cacheGroups.ts), one column of groups, each gauge a
 * track, a fill for nobjs and a tick for min, the numbers right-aligned beside it.
 */
import type { CacheInfo, Focus } from '../../worker/viewTypes';
import { groupCaches, type CacheGroup, type CacheRow } from '../cacheGroups';
import { formatBytes, formatCount } from '../format';
import { legendHeight, SvgLegend, type LegendItem } from './svgLegend';
import { STYLE_MARK } from './ChainExport';

const PAD = 12;
const HEAD_H = 40;
const GROUP_TITLE_H = 22;
const NOTE_H = 16;
const ROW_H = 24;
const ROW_NOTE_H = 16;
const GROUP_GAP = 12;
/** 12 px monospace: 7.2 px a character. */
const CH = 7.2;
const NAME_W = 25 * CH;
const NUMS_W = 3 * 82;

export const CACHE_EXPORT_CSS = `
svg.cache-export { font-family: var(--mono); }
.x-bg { fill: var(--panel); }
.x-title { font: 650 14px var(--sans); fill: var(--fg); }
.x-sub, .x-note, .x-muted { fill: var(--muted); }
.x-sub { font: 11.5px var(--sans); }
.x-group { font: 600 12.5px var(--sans); fill: var(--fg); }
.x-group-bytes { font: 12px var(--mono); fill: var(--muted); }
.x-rule { stroke: var(--line); stroke-width: 1; }
.x-note { font: 11.5px var(--sans); }
.x-note.unset { font-style: italic; }
.x-name, .x-num { font: 12px var(--mono); fill: var(--fg); }
.x-num.x-muted { fill: var(--muted); }
.x-focus { fill: var(--accent-soft); stroke: var(--accent); stroke-width: 1; }
.x-track { fill: var(--field); stroke: var(--line); stroke-width: 1; }
.x-track.unset { fill: none; stroke: var(--line-strong); stroke-dasharray: 3 2; }
.x-fill { fill: var(--accent); fill-opacity: 0.75; }
.x-fill.low { fill: var(--cache); fill-opacity: 1; }
.x-min { fill: var(--fg); }
.x-emergency-bg { fill: var(--danger-soft); }
.x-emergency { font: 11.5px var(--mono); fill: var(--danger); }
.x-legend-text { font: 11.5px var(--mono); fill: var(--muted); }
`;

interface Line {
  row: CacheRow;
  y: number;
  notes: { text: string; emergency: boolean }[];
}

export function CacheExport({
  caches,
  focus,
  width,
}: {
  caches: CacheInfo[];
  focus: Focus;
  width: number;
}) {
  const inner = width - 2 * PAD;
  const groups = groupCaches(caches);
  const total = caches.reduce((n, c) => n + c.bytes, 0);
  const legend = cacheLegend();
  let y = PAD + HEAD_H;
  const placed: { g: CacheGroup; top: number; lines: Line[] }[] = [];
  for (const g of groups) {
    const top = y;
    y += GROUP_TITLE_H + (g.note ? NOTE_H : 0);
    const lines: Line[] = [];
    for (const row of g.rows) {
      const notes = rowNotes(row, !g.allUnset);
      lines.push({ row, y, notes });
      y += ROW_H + notes.length * ROW_NOTE_H;
    }
    y += GROUP_GAP;
    placed.push({ g, top, lines });
  }
  if (caches.length === 0) y += 20;
  const legendTop = y;
  const height = Math.ceil(legendTop + legendHeight(legend, inner) + PAD);
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      className="cache-export"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`MMU memory caches: ${caches.length} caches, ${formatBytes(total)} held`}
    >
      <style>{STYLE_MARK}</style>
      <rect className="x-bg" x={0} y={0} width={width} height={height} />
      <text className="x-title" x={PAD} y={PAD + 14}>
        MMU memory caches
      </text>
      <text className="x-sub" x={PAD} y={PAD + 32}>
        {caches.length === 0
          ? 'No MMU memory caches in this model.'
          : `objects allocated ahead, outside mmu_lock · ${formatBytes(total)} held in all`}
      </text>
      {placed.map(({ g, top, lines }) => (
        <Group key={g.key} group={g} top={top} lines={lines} inner={inner} focus={focus.cache} />
      ))}
      {caches.length > 0 && <SvgLegend items={legend} x={PAD} y={legendTop} width={inner} />}
    </svg>
  );
}

function rowNotes(row: CacheRow, noteUnset: boolean): Line['notes'] {
  const c = row.info;
  const notes: Line['notes'] = [];
  if (noteUnset && row.gauge.unset)
    notes.push({ text: 'never topped up: no capacity yet', emergency: false });
  if (c.emergencyAllocs > 0)
    notes.push({
      text:
        `${formatCount(c.emergencyAllocs)} emergency ` +
        `${c.emergencyAllocs === 1 ? 'allocation' : 'allocations'} (cache empty: WARN, GFP_ATOMIC)`,
      emergency: true,
    });
  return notes;
}

function Group({
  group: g,
  top,
  lines,
  inner,
  focus,
}: {
  group: CacheGroup;
  top: number;
  lines: Line[];
  inner: number;
  focus: string | undefined;
}) {
  const right = PAD + inner;
  return (
    <g className="cache-group" aria-label={g.title}>
      <text className="x-group" x={PAD} y={top + 14}>
        {g.title}
      </text>
      <text className="x-group-bytes" x={right} y={top + 14} textAnchor="end">
        {formatBytes(g.bytes)}
      </text>
      <line className="x-rule" x1={PAD} x2={right} y1={top + 19.5} y2={top + 19.5} />
      {g.note && (
        <text
          className={g.allUnset ? 'x-note unset' : 'x-note'}
          x={PAD}
          y={top + GROUP_TITLE_H + 11}
        >
          {g.note}
        </text>
      )}
      {lines.map((l) => (
        <Gauge key={l.row.info.name} line={l} inner={inner} focused={l.row.info.name === focus} />
      ))}
    </g>
  );
}

function Gauge({ line, inner, focused }: { line: Line; inner: number; focused: boolean }) {
  const { row, y, notes } = line;
  const { info: c, gauge: g, field } = row;
  const trackX = PAD + 6 + NAME_W + 10;
  const trackW = Math.max(60, inner - 12 - NAME_W - 20 - NUMS_W);
  const numsRight = trackX + trackW + 10 + NUMS_W;
  const mid = y + ROW_H / 2;
  const h = ROW_H + notes.length * ROW_NOTE_H;
  return (
    <g className="cache-row" data-cache={c.name}>
      {focused && (
        <rect
          className="x-focus"
          x={PAD + 0.5}
          y={y + 0.5}
          width={inner - 1}
          height={h - 1}
          rx={4}
        />
      )}
      <text className="x-name" x={PAD + 6} y={mid + 4}>
        {field}
      </text>
      <rect
        className={g.unset ? 'x-track unset' : 'x-track'}
        x={trackX + 0.5}
        y={mid - 6}
        width={trackW - 1}
        height={12}
        rx={2}
      />
      <rect
        className={g.belowMin ? 'x-fill low' : 'x-fill'}
        x={trackX + 1}
        y={mid - 5.5}
        width={(Math.max(0, trackW - 2) * g.fillPct) / 100}
        height={11}
      />
      <rect
        className="x-min"
        x={trackX + (trackW * g.minPct) / 100 - 1}
        y={mid - 10}
        width={2}
        height={20}
      />
      <text className="x-num" x={numsRight - 2 * 82} y={mid + 4} textAnchor="end">
        {formatCount(c.nobjs)}
        <tspan className="x-muted">{`\u00a0/ ${g.unset ? '—' : formatCount(c.capacity)}`}</tspan>
      </text>
      <text className="x-num x-muted" x={numsRight - 82} y={mid + 4} textAnchor="end">
        {`min ${formatCount(c.min)}`}
      </text>
      <text className="x-num" x={numsRight} y={mid + 4} textAnchor="end">
        {formatBytes(c.bytes)}
      </text>
      {notes.map((n, i) => {
        const ny = y + ROW_H + i * ROW_NOTE_H + 11;
        return n.emergency ? (
          <g key={n.text}>
            <rect
              className="x-emergency-bg"
              x={PAD + 2}
              y={ny - 11}
              width={n.text.length * 6.9 + 8}
              height={15}
              rx={3}
            />
            <text className="x-emergency" x={PAD + 6} y={ny}>
              {n.text}
            </text>
          </g>
        ) : (
          <text key={n.text} className="x-note" x={PAD + 6} y={ny}>
            {n.text}
          </text>
        );
      })}
    </g>
  );
}

/** CacheView's legend, key for key. */
function cacheLegend(): LegendItem[] {
  return [
    {
      key: (x, y) => <rect className="x-fill" x={x} y={y + 1} width={14} height={10} rx={2} />,
      text: 'objects (nobjs)',
    },
    {
      key: (x, y) => <rect className="x-fill low" x={x} y={y + 1} width={14} height={10} rx={2} />,
      text: 'below min: the next top-up refills',
    },
    {
      key: (x, y) => <rect className="x-min" x={x + 6} y={y - 1} width={2} height={14} />,
      text: 'min',
    },
    {
      key: (x, y) => (
        <rect className="x-track unset" x={x + 0.5} y={y + 1.5} width={13} height={9} rx={2} />
      ),
      text: 'never topped up',
    },
  ];
}
