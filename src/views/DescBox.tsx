/**
 * One pte_list_desc as its 128 bytes: `more`, the counter word (u64 spte_count, or u32
 * spte_count + u32 tail_count from v6.4), then sptes[0..13], with the 64-byte line marked.
 */
import type { DescView } from '../model/rmapLayout';
import { hex } from '../scenario/spteName';
import { useSpteName, useSptePick } from './spteNaming';
import type { VariantInfo } from '../worker/chainFrame';
import { CACHE_LINE_BYTES, CELL_H, TITLE_H } from './chainLayout';
import type { ChainLayout, Row } from './chainLayout';
import type { SlotRole, Touch } from './stepTouch';

interface Props {
  row: Row;
  desc: DescView | undefined;
  layout: ChainLayout;
  variant: VariantInfo;
  touch: Touch;
  allocated: boolean;
}

export function DescBox({ row, desc, layout, variant, touch, allocated }: Props) {
  const spteName = useSpteName();
  const { selected, pick } = useSptePick();
  const { xByte, word, descW } = layout;
  const x0 = xByte(0);
  const id = row.desc!;
  if (row.kind === 'freed' || !desc) {
    return (
      <g className="desc freed" data-testid="freed-desc" data-desc={id}>
        <rect className="box" x={x0} y={row.boxY} width={descW} height={CELL_H} rx={3} />
        <text
          className="ghost-label"
          x={x0 + descW / 2}
          y={row.boxY + CELL_H / 2 + 4}
          textAnchor="middle"
        >
          desc {id} freed · mmu_free_pte_list_desc
        </text>
      </g>
    );
  }
  const here = touch.desc === id;
  // A walk, alloc or free is about the whole descriptor; counter and `more` steps mark one word.
  const boxHit = here && touch.field === null;
  const roleOf = (slot: number): SlotRole | undefined =>
    touch.slots.find((s) => s.desc === id && s.slot === slot)?.role;
  const count = desc.spteCount ?? 0;
  const lineX = xByte(CACHE_LINE_BYTES);
  const textX = xByte(8) + 2; // right of the arrow lane in word 0
  // Short tags: the title shares its line with the counters even at 1024px.
  const tags = [
    row.kind === 'detached' ? 'off chain' : `chain[${row.index}]`,
    variant.tailCount && row.index === 0 ? 'head desc' : null,
    allocated ? 'new' : null,
  ].filter((t): t is string => t !== null);

  return (
    <g
      className={`desc ${row.kind}${boxHit ? ' touched' : ''}`}
      data-testid={row.kind === 'chain' ? 'desc' : 'desc-detached'}
      data-desc={id}
      data-index={row.index}
      data-spte-count={desc.spteCount ?? ''}
      data-tail-count={desc.tailCount ?? ''}
      data-allocated={allocated}
    >
      <text className="desc-title" x={textX} y={row.y + TITLE_H - 7}>
        <tspan className="desc-id">desc {id}</tspan>
        {tags.map((t) => (
          <tspan key={t} className={t === 'new' ? 'tag-new' : 'tag'}>
            {'  ·  ' + t}
          </tspan>
        ))}
      </text>
      <text className="desc-counts" x={x0 + descW} y={row.y + TITLE_H - 7} textAnchor="end">
        {`spte_count ${desc.spteCount ?? '–'}` +
          (variant.tailCount ? `   tail_count ${desc.tailCount}` : '')}
      </text>

      <g className={`cell field more${here && touch.field === 'more' ? ' hit' : ''}`}>
        <rect x={x0} y={row.boxY} width={word} height={CELL_H} />
        <text className="val" x={x0 + word / 2} y={row.boxY + CELL_H / 2 + 4} textAnchor="middle">
          {desc.more === null ? 'NULL' : `→ ${desc.more}`}
        </text>
        <title>
          {desc.more === null ? 'more = NULL: end of the chain' : `more = desc ${desc.more}`}
        </title>
      </g>
      <CountWord
        x={xByte(8)}
        y={row.boxY}
        w={word}
        desc={desc}
        hit={here && touch.field === 'count'}
      />

      {desc.slots.map((spte, i) => {
        const role = roleOf(i);
        const x = xByte(variant.slotsOffset + 8 * i);
        const cls = [
          'cell',
          'slot',
          spte === 0 ? 'empty' : '',
          i >= count ? 'unused' : '',
          role ? `hit ${role}` : '',
          spte !== 0 && spte === selected ? 'selected' : '',
        ]
          .filter(Boolean)
          .join(' ');
        return (
          <g
            key={i}
            className={cls}
            data-testid="slot"
            data-slot={i}
            data-spte={spte === 0 ? '' : spteName(spte)}
            data-highlight={role ? 'true' : 'false'}
            data-role={role ?? ''}
            data-selected={spte !== 0 && spte === selected ? 'true' : undefined}
            onClick={pick && spte !== 0 ? () => pick(spte) : undefined}
            style={pick && spte !== 0 ? { cursor: 'pointer' } : undefined}
          >
            <rect x={x} y={row.boxY} width={word} height={CELL_H} />
            {spte !== 0 && (
              <>
                <text
                  className="val"
                  x={x + word / 2}
                  y={row.boxY + 18}
                  textAnchor="middle"
                  textLength={fits(spteName(spte), word, 7.2)}
                  lengthAdjust="spacingAndGlyphs"
                >
                  {spteName(spte)}
                </text>
                <text
                  className="ptr"
                  x={x + word / 2}
                  y={row.boxY + 32}
                  textAnchor="middle"
                  textLength={fits(hex(spte), word, 5.6)}
                  lengthAdjust="spacingAndGlyphs"
                >
                  {hex(spte)}
                </text>
              </>
            )}
            <title>{`sptes[${i}] at byte ${variant.slotsOffset + 8 * i}: ${spte === 0 ? 'NULL' : `${spteName(spte)} (${hex(spte)})`}`}</title>
          </g>
        );
      })}

      <rect className="box" x={x0} y={row.boxY} width={descW} height={CELL_H} />
      <line
        className="cache-line"
        x1={lineX}
        x2={lineX}
        y1={row.boxY - 5}
        y2={row.boxY + CELL_H + 5}
      />
    </g>
  );
}

/** The word at byte 8: one u64 spte_count, or u32 spte_count | u32 tail_count (v6.4+). */
function CountWord({
  x,
  y,
  w,
  desc,
  hit,
}: {
  x: number;
  y: number;
  w: number;
  desc: DescView;
  hit: boolean;
}) {
  const split = desc.tailCount !== null;
  const mid = y + CELL_H / 2 + 4;
  return (
    <g className={`cell field count${hit ? ' hit' : ''}`}>
      <rect x={x} y={y} width={w} height={CELL_H} />
      {split ? (
        <>
          <line className="half" x1={x + w / 2} x2={x + w / 2} y1={y + 6} y2={y + CELL_H - 6} />
          <text className="val small" x={x + w / 4} y={mid} textAnchor="middle">
            {desc.spteCount}
          </text>
          <text className="val small" x={x + (3 * w) / 4} y={mid} textAnchor="middle">
            {desc.tailCount}
          </text>
        </>
      ) : (
        <text className="val" x={x + w / 2} y={mid} textAnchor="middle">
          {desc.spteCount ?? '–'}
        </text>
      )}
      <title>
        {split
          ? `u32 spte_count = ${desc.spteCount} (byte 8), u32 tail_count = ${desc.tailCount} (byte 12)`
          : `u64 spte_count = ${desc.spteCount} (byte 8)`}
      </title>
    </g>
  );
}

/** A long name (s139987, 0x1116a0) is squeezed to the cell rather than spilling into the next. */
function fits(text: string, word: number, charWidth: number): number | undefined {
  const room = word - 6;
  return text.length * charWidth > room ? room : undefined;
}
