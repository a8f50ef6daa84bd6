import { describe, expect, it } from 'vitest';
import type { PteListVariant } from '../model/pteListVariant';
import { fieldsOf } from '../worker/eraPane';
import type { EraPane } from '../worker/eraTypes';
import {
  descRects,
  fieldSummary,
  mapGeometry,
  mapHeight,
  ROW_GAP,
  ROW_H,
  rowBands,
  wordRects,
} from './eraLayout';
import { freshLine, lastAddLine, opLine, thresholdLine } from './eraText';

/** The fields the worker sends for a struct with this layout (the real layouts: eras.test.ts). */
const fields = (ext: number, moreOffset: number, counters: 0 | 1 | 2, slotsOffset: number) =>
  fieldsOf({
    ext,
    layout: {
      size: slotsOffset + 8 * ext + (moreOffset ? 8 : 0),
      moreOffset,
      spteCountOffset: counters ? 8 : null,
      tailCountOffset: counters === 2 ? 12 : null,
      slotsOffset,
    },
  } as PteListVariant);
const KVM_RMAP_DESC = fields(4, 32, 0, 0);
const PTE_LIST_DESC_3 = fields(3, 24, 0, 0);
const PTE_LIST_DESC_TAIL = fields(14, 0, 2, 16);

describe('eraLayout', () => {
  it('rows are whole cache lines, a byte narrower than 0.6 px, the largest list in 48 rows', () => {
    const g = mapGeometry(10_688, 200);
    expect(g.rowBytes).toBe(512);
    expect(g.x(512)).toBe(200);
    expect(g.words).toBe(true);
    expect(g.ruleBytes).toBe(64);
    expect(mapHeight(10_688, g)).toBe(21 * (ROW_H + ROW_GAP) - ROW_GAP);
    // 10,000 descriptors of 128 bytes: longer rows, one band each, rules every few lines.
    const big = mapGeometry(1_280_000, 200);
    expect(big.rowBytes).toBe(32_768);
    expect(Math.ceil(1_280_000 / big.rowBytes)).toBeLessThanOrEqual(48);
    expect(big.words).toBe(false);
    expect(big.ruleBytes * (200 / big.rowBytes)).toBeGreaterThanOrEqual(4);
  });

  it('a 40-byte descriptor that crosses a row end is drawn in two pieces; words never are', () => {
    const g = mapGeometry(10_000, 200); // 512-byte rows
    const rects = descRects(13, 40, g);
    // Descriptor 12 spans bytes 480..519: 32 bytes at the end of row 0, 8 at the start of row 1.
    const d12 = rects.filter((r) => r.desc === 12);
    expect(d12).toHaveLength(2);
    expect(d12[0]!.y).toBe(0);
    expect(d12[1]!.y).toBe(ROW_H + ROW_GAP);
    expect(d12[0]!.w + d12[1]!.w).toBeCloseTo(g.x(40));
    const words = wordRects([4, 2], KVM_RMAP_DESC, 40, g);
    expect(words).toHaveLength(10);
    expect(words.map((w) => w.kind)).toEqual([
      'used',
      'used',
      'used',
      'used',
      'more',
      'used',
      'used',
      'free',
      'free',
      'more',
    ]);
    expect(words[4]!.x).toBeCloseTo(g.x(32));
  });

  it('bands: bytes per row and the share of slots in use', () => {
    const g = mapGeometry(128 * 8, 100); // 256-byte rows: two 128-byte descriptors each
    const bands = rowBands([14, 7, 14, 0], 14, 128, g);
    expect(bands.map((b) => [b.y, b.fill])).toEqual([
      [0, 0.75],
      [ROW_H + ROW_GAP, 0.5],
    ]);
  });

  it('names each struct’s fields by offset', () => {
    expect(fieldSummary(KVM_RMAP_DESC)).toBe('sptes[0..3] 0–31 · more 32–39');
    expect(fieldSummary(PTE_LIST_DESC_3)).toBe('sptes[0..2] 0–23 · more 24–31');
    expect(fieldSummary(PTE_LIST_DESC_TAIL)).toBe(
      'more 0–7 · spte_count | tail_count 8–15 · sptes[0..13] 16–127',
    );
  });
});

const point = (entry: number, ret: number) => ({
  entry,
  ret,
  cacheLines: 157,
  op: 5,
  position: 100,
  label: 'rmap of gfn 0x400 (4K)',
  rmapAdd: true,
});

function paneWith(threshold: Partial<EraPane['threshold']>, extra: Partial<EraPane> = {}) {
  return {
    threshold: {
      exceed: null,
      passed: false,
      peak: null,
      rmapAdds: 0,
      recyclesSoFar: 0,
      fresh: { entry: 1002, ret: 1001 },
      freshLimit: 4064,
      freshReturns: [
        { entry: 1000, ret: 999 },
        { entry: 1001, ret: 996 },
        { entry: 1002, ret: 1001 },
      ],
      ...threshold,
    },
    lastAdd: null,
    op: null,
    hasCount: false,
    ...extra,
  } as EraPane;
}

describe('eraText', () => {
  it('says where the add return crosses the threshold: recycled, ahead, never, or not an rmap', () => {
    const exceed = point(1002, 1001);
    expect(thresholdLine(paneWith({ exceed, passed: true, rmapAdds: 1502 }), 1000)).toEqual({
      text: 'add #1,002 returned 1,001 > 1,000: rmap recycled',
      tone: 'recycled',
    });
    expect(thresholdLine(paneWith({ exceed, rmapAdds: 1502 }), 1000)).toEqual({
      text: 'add #1,002 will return 1,001 > 1,000 (op 6): the rmap is recycled there',
      tone: 'ahead',
    });
    expect(thresholdLine(paneWith({ peak: point(1000, 750), rmapAdds: 1000 }), 1000)).toEqual({
      text: 'never reaches it: returns 750 at entry 1,000 at most',
      tone: 'never',
    });
    expect(thresholdLine(paneWith({}), 1000).tone).toBe('none');
  });

  it('the growing list, the last add and the op', () => {
    expect(freshLine(paneWith({}), 1000)).toBe(
      'a growing list: #1,000 → 999 · #1,001 → 996 · #1,002 → 1,001',
    );
    expect(freshLine(paneWith({ fresh: null }), 1000)).toBe(
      'a growing list never goes over 1,000 within 4,064 adds',
    );
    expect(lastAddLine(paneWith({}, { lastAdd: point(1001, 996) }))).toBe(
      '#1,001 returned 996 · 157 lines',
    );
    const op = { index: 1, kind: 'rmap_count', label: 'count', cacheLines: 72, descsVisited: 72 };
    expect(opLine(paneWith({}, { op }))).toBe('none: no pte_list_count before v5.15');
    expect(opLine(paneWith({}, { op, hasCount: true }))).toBe('72 lines, 72 descriptors visited');
  });
});
