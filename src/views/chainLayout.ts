/**
 * Where ChainView draws things. Pure layout math (D3 scales and path generators), no DOM.
 *
 * A descriptor is drawn as its memory: one cell per 8-byte word, `more` at byte 0, the counter
 * word at 8, sptes[i] at 16 + 8i, through a byte→pixel scale. So the 64-byte cache-line
 * boundary is simply xByte(64) and falls between slots 5 and 6 because the struct puts it there.
 * One descriptor per row keeps every `more` pointer a short straight arrow down the first column.
 */
import { curveBasis, line, scaleBand, scaleLinear } from 'd3';
import type { ScaleLinear } from 'd3';
import type { Frame, VariantInfo } from '../worker/chainFrame';

export const CACHE_LINE_BYTES = 64;
const WORD_BYTES = 8;
/** Left gutter: room for the arrow of a descriptor that is allocated but not yet linked. */
const LEFT = 44;
const RIGHT = 16;
const RULER_H = 34;
export const TITLE_H = 22;
export const CELL_H = 42;
const GAP = 26;
const ROW_STEP = TITLE_H + CELL_H + GAP;

export type RowKind = 'head' | 'chain' | 'detached' | 'freed';

export interface Row {
  key: string;
  kind: RowKind;
  /** Descriptor id (slab index); null for the head row. */
  desc: number | null;
  /** Position in the chain from the head; -1 off the chain. */
  index: number;
  /** Top of the title band; the cells start TITLE_H below. */
  y: number;
  boxY: number;
}

export interface ChainLayout {
  width: number;
  height: number;
  /** Byte offset inside a descriptor → x. */
  xByte: ScaleLinear<number, number>;
  /** Width of one 8-byte word. */
  word: number;
  descW: number;
  rulerY: number;
  head: Row;
  rows: Row[];
  /** Arrows with the vertical span they cover, so a long chain can draw only what is in view. */
  arrows: { key: string; d: string; top: number; bottom: number }[];
}

export function layoutChain(
  frame: Frame,
  freed: readonly number[],
  v: VariantInfo,
  width: number,
): ChainLayout {
  const words = v.descBytes / WORD_BYTES;
  const word = Math.max(34, Math.min(62, Math.floor((width - LEFT - RIGHT) / words)));
  const descW = word * words;
  const xByte = scaleLinear()
    .domain([0, v.descBytes])
    .range([LEFT, LEFT + descW]);

  const rowDefs: Omit<Row, 'y' | 'boxY'>[] = [
    { key: 'head', kind: 'head', desc: null, index: -1 },
    ...frame.chain.map((desc, index) => ({ key: `d${desc}`, kind: 'chain' as const, desc, index })),
    ...frame.detached.map((desc) => ({
      key: `x${desc}`,
      kind: 'detached' as const,
      desc,
      index: -1,
    })),
    ...freed.map((desc) => ({ key: `f${desc}`, kind: 'freed' as const, desc, index: -1 })),
  ];
  const band = scaleBand<string>()
    .domain(rowDefs.map((r) => r.key))
    .range([RULER_H, RULER_H + rowDefs.length * ROW_STEP - GAP])
    .paddingInner(GAP / ROW_STEP)
    .paddingOuter(0);
  const rows = rowDefs.map((r) => {
    const y = band(r.key) ?? 0;
    return { ...r, y, boxY: y + TITLE_H };
  });
  const byKey = new Map(rows.map((r) => [r.key, r]));

  // `more` and rmap_head->val hold the address of a descriptor's first byte: arrows leave the
  // pointer word and land on the top of word 0 of the descriptor they name.
  const down = line();
  const around = line().curve(curveBasis);
  const midWord0 = xByte(WORD_BYTES / 2);
  const arrows: ChainLayout['arrows'] = [];
  const vertical = (key: string, from: Row, to: Row) =>
    arrows.push({
      key,
      top: from.boxY,
      bottom: to.boxY,
      d:
        down([
          [midWord0, from.boxY + CELL_H],
          [midWord0, to.boxY - 3],
        ]) ?? '',
    });

  const first = frame.headDesc === null ? undefined : byKey.get(`d${frame.headDesc}`);
  if (first) vertical('head', rows[0]!, first);
  for (let i = 0; i + 1 < frame.chain.length; i++) {
    vertical(
      `more${frame.chain[i]}`,
      byKey.get(`d${frame.chain[i]}`)!,
      byKey.get(`d${frame.chain[i + 1]}`)!,
    );
  }
  // A new head descriptor (v6.4+) points at the old head before rmap_head->val points at it.
  for (const id of frame.detached) {
    const more = frame.descs[id]?.more;
    const to = more === null || more === undefined ? undefined : byKey.get(`d${more}`);
    const from = byKey.get(`x${id}`)!;
    if (!to) continue;
    const x = xByte(0);
    const y0 = from.boxY + CELL_H / 2;
    const y1 = to.boxY + CELL_H / 2;
    const d = around([
      [x, y0],
      [x - 30, y0],
      [x - 30, y1],
      [x - 3, y1],
    ]);
    arrows.push({
      key: `detached${id}`,
      d: d ?? '',
      top: Math.min(y0, y1),
      bottom: Math.max(y0, y1),
    });
  }

  return {
    width: Math.max(width, LEFT + descW + RIGHT),
    height: RULER_H + rowDefs.length * ROW_STEP - GAP + 8,
    xByte,
    word,
    descW,
    rulerY: RULER_H - 8,
    head: rows[0]!,
    rows: rows.slice(1),
    arrows,
  };
}
