/**
 * The selected rmap head and its pte_list_desc chain at the shown micro-step: the head word
 * with its tag bit, one descriptor per row drawn as its memory, `more` arrows, the 64-byte
 * line, the touched cell highlighted. Layout math is in chainLayout.ts; React draws.
 */
import { useMemo, useState } from 'react';
import { useWidth } from './statsCharts';
import { hex, pageEntryName, spteName } from '../scenario/spteName';
import { SpteNaming, SptePick, useSpteName } from './spteNaming';
import type { RmapStep } from '../model/events';
import type { Frame, VariantInfo } from '../worker/chainFrame';
import type { ChainSnapshot } from '../worker/viewTypes';
import { CACHE_LINE_BYTES, CELL_H, TITLE_H, layoutChain } from './chainLayout';
import type { ChainLayout } from './chainLayout';
import { DescBox } from './DescBox';
import './ChainView.css';
import { allocFreeUpTo, touchOf } from './stepTouch';

/** Chains longer than this many descriptors scroll in their own box and draw only what is in view. */
const LONG_CHAIN = 120;

/** Every head of the snapshot, one drawing each (a gfn has one rmap per level). */
export function ChainView({
  chain,
  onPick,
  width,
}: {
  chain: ChainSnapshot;
  onPick?: (ptr: number, scratch: boolean) => void;
  /**
   * Draw at this width, and whole (no scroll box for long chains), instead of measuring the box:
   * for renderToStaticMarkup (src/cli/export.ts), where there is no box and nothing scrolls.
   */
  width?: number;
}) {
  // Measured here, once: each head's drawing remounts as the shown heads change at every step,
  // and measuring in each would force a layout and draw it twice.
  const [ref, measured] = useWidth<HTMLDivElement>();
  return (
    <div className="chain-heads" ref={ref}>
      {chain.selectionNote && (
        <p className="selection-note" data-testid="selection-note">
          {chain.selectionNote}
        </p>
      )}
      {chain.heads.map((h) => (
        <section key={h.head} className="chain-head" aria-label={h.label}>
          <h2 className="chain-head-label">
            {h.label}{' '}
            <span className="muted">
              · {h.entries} {h.entries === 1 ? 'entry' : 'entries'}
            </span>
          </h2>
          <SpteNaming.Provider value={h.scratch ? spteName : pageEntryName}>
            <SptePick.Provider
              value={{
                selected: chain.selectedSptep,
                pick: onPick ? (p) => onPick(p, h.scratch) : null,
              }}
            >
              <HeadChain
                frame={h.frame}
                name={h.label}
                variant={chain.era}
                steps={chain.listSteps}
                current={chain.current}
                fixedWidth={width}
                boxWidth={measured}
              />
            </SptePick.Provider>
          </SpteNaming.Provider>
        </section>
      ))}
      {chain.heads.length === 0 && <p className="muted">No rmap head to show here.</p>}
    </div>
  );
}

interface HeadChainProps {
  frame: Frame;
  /** How the page names this head ("head 0", "rmap of gfn 0x400 (4K)"). */
  name: string;
  variant: VariantInfo;
  /** The op's pte_list steps so far (any head): allocations and frees on this head are marked. */
  steps: readonly RmapStep[];
  current: RmapStep | null;
  fixedWidth?: number | undefined;
  /** The width of the box it draws in, as ChainView measured it (0 until then). */
  boxWidth: number;
}

function HeadChain({ frame, name, variant, steps, current, fixedWidth, boxWidth }: HeadChainProps) {
  const width = fixedWidth ?? boxWidth;

  // A long chain (a 1000-way fork has 72 descriptors; a stress test 10,000) scrolls in its own
  // box and draws only the rows in view: a hand-rolled virtual list, since the rows are SVG
  // groups in one coordinate space, which list-virtualization libraries (built on DOM rows) miss.
  const [view, setView] = useState({ top: 0, height: 800 });
  const mine = useMemo(() => steps.filter((s) => s.head === frame.head), [steps, frame.head]);
  const touch = touchOf(current?.head === frame.head ? current : undefined);
  const { allocated, freed } = useMemo(() => allocFreeUpTo(mine, mine.length - 1), [mine]);
  const layout = useMemo(
    () => (width > 0 ? layoutChain(frame, freed, variant, width) : null),
    [frame, freed, variant, width],
  );

  const long = layout !== null && layout.rows.length > LONG_CHAIN && fixedWidth === undefined;
  // A box that scrolls is a Tab stop, or a keyboard cannot scroll it (axe:
  // scrollable-region-focusable): sideways when the drawing is wider (compare panes, phones).
  const wide = layout !== null && fixedWidth === undefined && layout.width > width;
  const margin = 600;
  const inView = (top: number, bottom: number) =>
    !long || (bottom >= view.top - margin && top <= view.top + view.height + margin);

  return (
    <div
      className="chain-view"
      {...(wide && { tabIndex: 0, role: 'group', 'aria-label': `${name}, scrolls sideways` })}
    >
      {layout && frame && variant && (
        <div
          className={long ? 'chain-scroll' : undefined}
          {...(long && { tabIndex: 0, role: 'group', 'aria-label': `${name}, scrolls` })}
          data-rows={layout.rows.length}
          onScroll={
            long
              ? (e) =>
                  setView({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })
              : undefined
          }
        >
          <svg
            role="img"
            aria-label={describe(frame, name, variant)}
            width={layout.width}
            height={layout.height}
            viewBox={`0 0 ${layout.width} ${layout.height}`}
          >
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
            <Ruler layout={layout} variant={variant} />
            <HeadWord frame={frame} name={name} layout={layout} hit={touch.head} />
            {layout.rows
              .filter((row) => inView(row.y, row.boxY + CELL_H))
              .map((row) => (
                <DescBox
                  key={row.key}
                  row={row}
                  desc={row.desc === null ? undefined : frame.descs[row.desc]}
                  layout={layout}
                  variant={variant}
                  touch={touch}
                  allocated={row.desc !== null && allocated.has(row.desc)}
                />
              ))}
            {layout.arrows
              .filter((a) => inView(a.top, a.bottom))
              .map((a) => (
                <path key={a.key} className="arrow" d={a.d} markerEnd="url(#arrowhead)" />
              ))}
          </svg>
        </div>
      )}
      {layout && (
        <p className="legend" aria-hidden="true">
          <span>
            <span className="key hit" /> touched by this step
          </span>
          <span>
            <span className="key from" /> moved out
          </span>
          <span>
            <span className="key line" /> 64-byte cache line
          </span>
          <span>
            <span className="key-text new">new</span> allocated in this op
          </span>
          <span>
            <span className="key unused" /> past spte_count
          </span>
        </p>
      )}
    </div>
  );
}

/** Column labels: what each 8-byte word of a pte_list_desc holds, and where the line ends. */
export function Ruler({ layout, variant }: { layout: ChainLayout; variant: VariantInfo }) {
  const { xByte, word, rulerY } = layout;
  const narrow = word < 46; // "sc | tc" needs ~45px at 10px monospace
  const labels = [
    'more',
    variant.tailCount ? (narrow ? 'sc|tc' : 'sc | tc') : 'count',
    ...Array.from({ length: variant.ext }, (_, i) => `[${i}]`),
  ];
  const lineX = xByte(CACHE_LINE_BYTES);
  return (
    <g className="ruler" aria-hidden="true">
      {labels.map((l, i) => (
        <text key={l} x={xByte(8 * i) + word / 2} y={rulerY} textAnchor="middle">
          {l}
        </text>
      ))}
      <text className="ruler-line" x={lineX} y={rulerY - 14} textAnchor="middle">
        byte 64: next cache line
      </text>
      <line className="cache-line" x1={lineX} x2={lineX} y1={rulerY - 10} y2={rulerY + 4} />
    </g>
  );
}

/** kvm_rmap_head.val: 0, one SPTE pointer (bit 0 clear), or a descriptor | KVM_RMAP_MANY. */
export function HeadWord({
  frame,
  name,
  layout,
  hit,
}: {
  frame: Frame;
  name: string;
  layout: ChainLayout;
  hit: boolean;
}) {
  const spteName = useSpteName();
  const { xByte, word, head } = layout;
  const x = xByte(0);
  const decoded =
    frame.kind === 'empty'
      ? ['0', 'empty: no SPTE maps this gfn']
      : frame.kind === 'single'
        ? [spteName(frame.val), 'bit 0 clear: val is the only SPTE pointer']
        : [`desc ${frame.headDesc} | KVM_RMAP_MANY`, 'bit 0 set: val points at a pte_list_desc'];
  return (
    <g
      className={`head-word${hit ? ' hit' : ''}`}
      data-testid="head"
      data-kind={frame.kind}
      data-val={hex(frame.val)}
    >
      <text className="desc-title" x={xByte(8) + 2} y={head.y + TITLE_H - 7}>
        <tspan className="desc-id">{name}</tspan>
        <tspan className="tag">{'  ·  kvm_rmap_head.val'}</tspan>
      </text>
      <g className="cell field">
        <rect x={x} y={head.boxY} width={word} height={CELL_H} />
        <text
          className="val small"
          x={x + word / 2}
          y={head.boxY + CELL_H / 2 + 4}
          textAnchor="middle"
        >
          {hex(frame.val)}
        </text>
        <title>model encoding of a descriptor: (slab index &lt;&lt; 2) | KVM_RMAP_MANY</title>
      </g>
      <text className="head-decoded" x={x + word + 12} y={head.boxY + 18}>
        {`= ${decoded[0]}`}
      </text>
      <text className="head-note" x={x + word + 12} y={head.boxY + 34}>
        {decoded[1]}
      </text>
    </g>
  );
}

function describe(frame: Frame, label: string, variant: VariantInfo): string {
  const name = `${label} (${variant.name})`;
  if (frame.kind === 'empty') return `${name}: empty`;
  if (frame.kind === 'single') return `${name}: one SPTE`;
  const counts = frame.chain.map((id) => {
    const d = frame.descs[id]!;
    return variant.tailCount ? `${d.spteCount} (tail ${d.tailCount})` : `${d.spteCount}`;
  });
  return `${name}: desc ${frame.headDesc} | KVM_RMAP_MANY, ${frame.chain.length} descriptors with spte_count ${counts.join(', ')}`;
}
