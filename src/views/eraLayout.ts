/**
 * Where EraView draws things. Pure layout math, no DOM.
 *
 * Every pane shares one byte→pixel scale, so the four eras' lists are drawn to scale against
 * each other: a 40-byte kvm_rmap_desc is 40/128 of a 128-byte pte_list_desc. A list is drawn as
 * its descriptors laid back to back from a 64-byte boundary, in chain order from the head, wrapped
 * in rows of `rowBytes` (a whole number of cache lines), each 8-byte word at its offset in the
 * struct. That is how a slab packs them (objects of `sizeof` bytes, index × size), so a 40-byte
 * descriptor straddles a cache line where the slab makes it.
 */
import { scaleLinear } from 'd3';
import type { ScaleLinear } from 'd3';
import type { EraField } from '../worker/eraTypes';

export const CACHE_LINE_BYTES = 64;
const WORD_BYTES = 8;
/** A row is at least this many bytes, and doubles while a byte would be wider than MAX_PX_PER_BYTE. */
const MIN_ROW_BYTES = 256;
const MAX_PX_PER_BYTE = 0.6;
/** Rows double further until the largest list fits in this many. */
const MAX_ROWS = 48;
export const ROW_H = 10;
export const ROW_GAP = 5;
/** Words narrower than this are not drawn one by one: each row becomes one band. */
const MIN_WORD_PX = 1.5;

export interface MapGeometry {
  width: number;
  rowBytes: number;
  /** Byte offset within a row → x. */
  x: ScaleLinear<number, number>;
  /** Draw every 8-byte word (else one band per row). */
  words: boolean;
  /** Bytes between the cache-line rules drawn (64, or a multiple when 64 would be too dense). */
  ruleBytes: number;
}

/**
 * The scale all four panes share: rows as short as keeps bytes readable in `width` pixels, long
 * enough that the largest list (`maxBytes`) takes at most MAX_ROWS rows.
 */
export function mapGeometry(maxBytes: number, width: number): MapGeometry {
  const w = Math.max(60, width);
  let rowBytes = MIN_ROW_BYTES;
  while (w / rowBytes >= MAX_PX_PER_BYTE) rowBytes *= 2;
  while (Math.ceil(maxBytes / rowBytes) > MAX_ROWS) rowBytes *= 2;
  const x = scaleLinear().domain([0, rowBytes]).range([0, w]);
  const pxPerByte = w / rowBytes;
  let ruleBytes = CACHE_LINE_BYTES;
  while (ruleBytes * pxPerByte < 4) ruleBytes *= 2;
  return { width: w, rowBytes, x, words: WORD_BYTES * pxPerByte >= MIN_WORD_PX, ruleBytes };
}

export function mapHeight(bytes: number, g: MapGeometry): number {
  const rows = Math.max(1, Math.ceil(bytes / g.rowBytes));
  return rows * (ROW_H + ROW_GAP) - ROW_GAP;
}

export type WordKind = 'used' | 'free' | 'more' | 'count';

export interface Rect {
  x: number;
  y: number;
  w: number;
  /** Chain index of the descriptor. */
  desc: number;
}

export interface WordRect extends Rect {
  kind: WordKind;
}

/** (byte offset from the first descriptor, length) → one rect per row it spans. */
function pieces(start: number, len: number, desc: number, g: MapGeometry, out: Rect[]): void {
  let b = start;
  const end = start + len;
  while (b < end) {
    const row = Math.floor(b / g.rowBytes);
    const rowEnd = (row + 1) * g.rowBytes;
    const stop = Math.min(end, rowEnd);
    const x0 = g.x(b - row * g.rowBytes);
    out.push({ x: x0, y: row * (ROW_H + ROW_GAP), w: g.x(stop - row * g.rowBytes) - x0, desc });
    b = stop;
  }
}

/** Each descriptor's outline: one rect, or two where it wraps onto the next row. */
export function descRects(n: number, descBytes: number, g: MapGeometry): Rect[] {
  const out: Rect[] = [];
  for (let d = 0; d < n; d++) pieces(d * descBytes, descBytes, d, g, out);
  return out;
}

/**
 * Every word of every descriptor, typed: a used slot (entries are packed from slot 0 in every
 * era), a free one, `more`, or the counter word. Words never wrap: rows are multiples of 8 bytes.
 */
export function wordRects(
  used: ArrayLike<number>,
  fields: readonly EraField[],
  descBytes: number,
  g: MapGeometry,
): WordRect[] {
  const out: WordRect[] = [];
  const tmp: Rect[] = [];
  for (let d = 0; d < used.length; d++) {
    let slot = 0;
    for (const f of fields) {
      const kind: WordKind =
        f.kind === 'slot'
          ? slot++ < used[d]!
            ? 'used'
            : 'free'
          : f.kind === 'more'
            ? 'more'
            : 'count';
      tmp.length = 0;
      pieces(d * descBytes + f.offset, f.bytes, d, g, tmp);
      for (const r of tmp) out.push({ ...r, kind });
    }
  }
  return out;
}

/** One band per row: the bytes of descriptors in it, and the share of its slots in use. */
export function rowBands(
  used: ArrayLike<number>,
  ext: number,
  descBytes: number,
  g: MapGeometry,
): (Rect & { fill: number })[] {
  const rows = new Map<number, { bytes: number; slots: number; usedSlots: number }>();
  for (let d = 0; d < used.length; d++) {
    const row = Math.floor((d * descBytes) / g.rowBytes);
    const r = rows.get(row) ?? { bytes: 0, slots: 0, usedSlots: 0 };
    r.bytes += descBytes;
    r.slots += ext;
    r.usedSlots += used[d]!;
    rows.set(row, r);
  }
  return [...rows].map(([row, r]) => ({
    x: 0,
    y: row * (ROW_H + ROW_GAP),
    w: g.x(Math.min(g.rowBytes, r.bytes)),
    desc: -1,
    fill: r.slots ? r.usedSlots / r.slots : 0,
  }));
}

/** "sptes[0..3] 0–31 · more 32–39": the struct's fields by offset, runs of slots grouped. */
export function fieldSummary(fields: readonly EraField[]): string {
  const parts: string[] = [];
  let slot = 0;
  for (let i = 0; i < fields.length;) {
    const f = fields[i]!;
    if (f.kind !== 'slot') {
      parts.push(`${f.name} ${f.offset}–${f.offset + f.bytes - 1}`);
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < fields.length && fields[j + 1]!.kind === 'slot') j++;
    const last = fields[j]!;
    const first = slot;
    slot += j - i + 1;
    const names = first === slot - 1 ? `${first}` : `${first}..${slot - 1}`;
    parts.push(`sptes[${names}] ${f.offset}–${last.offset + last.bytes - 1}`);
    i = j + 1;
  }
  return parts.join(' · ');
}
