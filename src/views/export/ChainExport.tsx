/**
 * The chain view as one plain SVG, for `npm run export`: the same drawing as ChainView (its
 * layoutChain, Ruler, HeadWord, DescBox and arrows), with the parts that are HTML in the app (the
 * selection note, each head's label, the legend) drawn as SVG text and shapes. Nothing here
 * measures: the heights come from the layout and from fixed line heights.
 */
import type { ChainHead, ChainSnapshot } from '../../worker/viewTypes';
import type { RmapStep } from '../../model/events';
import type { VariantInfo } from '../../worker/chainFrame';
import { pageEntryName, spteName } from '../../scenario/spteName';
import { layoutChain, type ChainLayout } from '../chainLayout';
import { HeadWord, Ruler } from '../ChainView';
import { DescBox } from '../DescBox';
import { SpteNaming, SptePick } from '../spteNaming';
import { allocFreeUpTo, touchOf } from '../stepTouch';
import { legendChars, legendHeight, SvgLegend, type LegendItem } from './svgLegend';

export const CHAIN_PAD = 12;
// A space that starts a <tspan> is dropped by librsvg and kept by browsers: the exports start
// theirs with a no-break space (U+00A0), which both keep.
const NOTE_H = 22;
const LABEL_H = 22;
const EMPTY_H = 22;
const AFTER_HEAD = 10;

/** The styles the export adds to ChainView.css (in app.css's variables, resolved later). */
export const CHAIN_EXPORT_CSS = `
svg.chain-export { font-family: var(--mono); }
.x-bg { fill: var(--panel); }
.x-label { font: 600 12.5px var(--sans); fill: var(--fg); }
.x-label .x-muted { font-weight: 400; fill: var(--muted); }
.x-muted { fill: var(--muted); }
.x-note { font: 12.5px var(--mono); fill: var(--ok); }
.x-legend-text { font: 11.5px var(--mono); fill: var(--muted); }
.x-key { fill: var(--panel); stroke: var(--line); stroke-width: 1; }
.x-key.hit { fill: var(--accent-soft); stroke: var(--accent); stroke-width: 2; }
.x-key.from { fill: none; stroke: var(--accent); stroke-width: 2; stroke-dasharray: 3 2; }
.x-key.unused { fill: var(--slot-unused); }
.x-key-line { stroke: var(--cache); stroke-width: 2; stroke-dasharray: 3 2; }
.x-key-new { font: 11.5px var(--mono); fill: var(--ok); }
`;

interface Placed {
  head: ChainHead;
  layout: ChainLayout;
  /** Top of the label line; the drawing starts LABEL_H below. */
  y: number;
  touch: ReturnType<typeof touchOf>;
  allocated: Set<number>;
}

export function ChainExport({ chain, width }: { chain: ChainSnapshot; width: number }) {
  const inner = width - 2 * CHAIN_PAD;
  const legend = chainLegend();
  let y = CHAIN_PAD + (chain.selectionNote ? NOTE_H : 0);
  const placed: Placed[] = [];
  for (const head of chain.heads) {
    const p = placeHead(head, chain.era, chain.listSteps, chain.current, inner, y);
    y += LABEL_H + p.layout.height + 6 + legendHeight(legend, inner) + AFTER_HEAD;
    placed.push(p);
  }
  if (chain.heads.length === 0) y += EMPTY_H;
  const drawW = Math.max(width, ...placed.map((p) => p.layout.width + 2 * CHAIN_PAD));
  const height = Math.ceil(y + CHAIN_PAD - (placed.length ? AFTER_HEAD : 0));
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      className="chain-export"
      width={drawW}
      height={height}
      viewBox={`0 0 ${drawW} ${height}`}
      role="img"
      aria-label={describeChain(chain)}
    >
      <style>{STYLE_MARK}</style>
      <defs>
        <marker
          id="arrowhead"
          viewBox="0 0 8 8"
          refX="7"
          refY="4"
          markerWidth="7"
          markerHeight="7"
          orient="auto"
        >
          <path d="M0,0 L8,4 L0,8 z" className="arrowhead" />
        </marker>
      </defs>
      <rect className="x-bg" x={0} y={0} width={drawW} height={height} />
      {chain.selectionNote && (
        <text className="x-note" x={CHAIN_PAD} y={CHAIN_PAD + 13}>
          {chain.selectionNote}
        </text>
      )}
      {placed.map((p) => (
        <HeadDrawing key={p.head.head} placed={p} chain={chain} legend={legend} inner={inner} />
      ))}
      {chain.heads.length === 0 && (
        <text className="x-label x-muted" x={CHAIN_PAD} y={CHAIN_PAD + 14}>
          No rmap head to show here.
        </text>
      )}
    </svg>
  );
}

/** Filled in by the caller with the resolved stylesheet (React would escape it). */
export const STYLE_MARK = '/*kvm-mmu-viz-style*/';

function placeHead(
  head: ChainHead,
  era: VariantInfo,
  steps: readonly RmapStep[],
  current: RmapStep | null,
  width: number,
  y: number,
): Placed {
  // As ChainView's HeadChain: this head's steps mark its allocations, frees and touched cells.
  const mine = steps.filter((s) => s.head === head.frame.head);
  const { allocated, freed } = allocFreeUpTo(mine, mine.length - 1);
  const touch = touchOf(current?.head === head.frame.head ? current : undefined);
  return { head, layout: layoutChain(head.frame, freed, era, width), y, touch, allocated };
}

function HeadDrawing({
  placed: { head: h, layout, y, touch, allocated },
  chain,
  legend,
  inner,
}: {
  placed: Placed;
  chain: ChainSnapshot;
  legend: LegendItem[];
  inner: number;
}) {
  const top = y + LABEL_H;
  return (
    <g className="chain-head" aria-label={h.label}>
      <text className="x-label" x={CHAIN_PAD} y={y + 14}>
        {h.label}
        <tspan className="x-muted">
          {`\u00a0· ${h.entries} ${h.entries === 1 ? 'entry' : 'entries'}`}
        </tspan>
      </text>
      <SpteNaming.Provider value={h.scratch ? spteName : pageEntryName}>
        <SptePick.Provider value={{ selected: chain.selectedSptep, pick: null }}>
          <g transform={`translate(${CHAIN_PAD},${top})`}>
            <Ruler layout={layout} variant={chain.era} />
            <HeadWord frame={h.frame} name={h.label} layout={layout} hit={touch.head} />
            {layout.rows.map((row) => (
              <DescBox
                key={row.key}
                row={row}
                desc={row.desc === null ? undefined : h.frame.descs[row.desc]}
                layout={layout}
                variant={chain.era}
                touch={touch}
                allocated={row.desc !== null && allocated.has(row.desc)}
              />
            ))}
            {layout.arrows.map((a) => (
              <path key={a.key} className="arrow" d={a.d} markerEnd="url(#arrowhead)" />
            ))}
          </g>
        </SptePick.Provider>
      </SpteNaming.Provider>
      <SvgLegend items={legend} x={CHAIN_PAD} y={top + layout.height + 6} width={inner} />
    </g>
  );
}

/** ChainView's legend, key for key. */
function chainLegend(): LegendItem[] {
  const box = (cls: string) => (x: number, y: number) => (
    <rect className={`x-key ${cls}`} x={x + 1} y={y + 1} width={12} height={10} />
  );
  return [
    { key: box('hit'), text: 'touched by this step' },
    { key: box('from'), text: 'moved out' },
    {
      key: (x, y) => <line className="x-key-line" x1={x + 7} x2={x + 7} y1={y} y2={y + 12} />,
      text: '64-byte cache line',
    },
    {
      key: (x, y) => (
        <text className="x-key-new" x={x} y={y + 10.5}>
          new
        </text>
      ),
      keyW: legendChars(3),
      text: 'allocated in this op',
    },
    { key: box('unused'), text: 'past spte_count' },
  ];
}

function describeChain(chain: ChainSnapshot): string {
  const heads = chain.heads.map((h) => `${h.label} (${h.entries})`).join(', ');
  return `rmap chain: ${heads || 'no head'}`;
}
