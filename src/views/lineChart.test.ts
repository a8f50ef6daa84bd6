import { describe, expect, it } from 'vitest';
import { downsample, layoutLineChart, maxOf } from './lineChart';

const box = { width: 300, height: 80, left: 6, right: 6, top: 6, bottom: 16 };

describe('downsample', () => {
  it('keeps every point when there are few', () => {
    expect(downsample([3, 1, 2], 10)).toEqual([
      { i: 0, v: 3 },
      { i: 1, v: 1 },
      { i: 2, v: 2 },
    ]);
  });
  it('keeps each bucket’s min and max in index order, so a lone spike survives', () => {
    const values = new Array<number>(100_000).fill(1);
    values[51_234] = 999;
    const pts = downsample(values, 288);
    expect(pts.length).toBeLessThanOrEqual(2 * 288);
    expect(pts.some((p) => p.i === 51_234 && p.v === 999)).toBe(true);
    for (let k = 1; k < pts.length; k++) expect(pts[k]!.i).toBeGreaterThan(pts[k - 1]!.i);
  });
});

describe('layoutLineChart', () => {
  it('draws one point as a dot mid-chart, with the cursor on it', () => {
    const L = layoutLineChart([42], 0, box);
    expect(L.d).toBeNull();
    expect(L.dot).toEqual({ x: 150, y: 6 });
    expect(L.cursorX).toBe(150);
    expect(L.cursorValue).toBe(42);
  });
  it('puts "before the first op" at the left edge, and no cursor past the end', () => {
    expect(layoutLineChart([1, 2], -1, box).cursorX).toBe(6);
    expect(layoutLineChart([1, 2], 5, box).cursorX).toBeNull();
  });
  it('draws 100,000 points as a path of at most two per pixel column', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => i % 977);
    const L = layoutLineChart(values, 99_999, box);
    expect(L.points).toBeLessThanOrEqual(2 * 288);
    expect(L.d).toMatch(/^M/);
    expect(L.cursorX).toBeCloseTo(294, 0);
    expect(L.yMax).toBe(976);
  });
  it('handles an all-zero series (flat line on the axis)', () => {
    const L = layoutLineChart([0, 0, 0], 1, box);
    expect(L.yMax).toBe(0);
    expect(L.d).toContain(`${L.y0}`);
  });
  it('maxOf takes 100,000 values without spreading them', () => {
    expect(maxOf(Array.from({ length: 200_000 }, (_, i) => i))).toBe(199_999);
    expect(maxOf([])).toBe(0);
  });
});
