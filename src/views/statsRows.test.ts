import { describe, expect, it } from 'vitest';
import type { MemoryReport, RmapReport } from '../model/accounting';
import { costLabel, costRows, histogramRows, memoryRows } from './statsRows';

describe('memoryRows', () => {
  it('lists the five categories, caches summed, bars relative to the largest', () => {
    const m: MemoryReport = {
      sptBytes: 8192,
      translationBytes: 0,
      headerBytes: 368,
      descriptorBytes: 1024,
      cacheBytes: { a: 1024, b: 3072 },
      totalBytes: 13680,
    };
    const rows = memoryRows(m);
    expect(rows.map((r) => [r.label, r.value])).toEqual([
      ['spt pages', 8192],
      ['shadowed_translation', 0],
      ['page headers', 368],
      ['rmap descriptors', 1024],
      ['objects in caches', 4096],
    ]);
    expect(rows[0]!.pct).toBe(100);
    expect(rows[4]!.pct).toBe(50);
    expect(rows[1]!.pct).toBe(0);
  });
});

describe('histogramRows', () => {
  it('orders buckets by chain length and keeps a bucket of 1 visible beside 262,144', () => {
    const r: RmapReport = {
      heads: 262145,
      entries: 263144,
      maxChain: 1000,
      descriptors: 72,
      histogram: { '>1000': 0, '101-1000': 1, '1': 262144, '2-14': 0, '15-100': 0 },
    };
    const rows = histogramRows(r);
    expect(rows.map((x) => x.key)).toEqual(['1', '2-14', '15-100', '101-1000', '>1000']);
    expect(rows[0]!.pct).toBe(100);
    expect(rows[1]!.pct).toBe(0);
    expect(rows[3]!.pct).toBeGreaterThan(4);
  });
});

describe('cost labels', () => {
  it('names known keys as reviewers do and splits unknown camelCase', () => {
    expect(costLabel('lockDrops')).toBe('mmu_lock drops');
    expect(costLabel('someNewCounter')).toBe('some new counter');
    expect(costRows({ descsAllocated: 3 })).toEqual([
      { key: 'descsAllocated', label: 'descriptors allocated', value: 3 },
    ]);
  });
});
