import { describe, expect, it } from 'vitest';
import type { CacheInfo } from '../worker/viewTypes';
import { gauge, gaugeText, groupCaches } from './cacheGroups';

const cache = (name: string, over: Partial<CacheInfo> = {}): CacheInfo => ({
  name,
  kind: 'pte_list_desc',
  nobjs: 0,
  min: 5,
  capacity: 0,
  objectBytes: 128,
  bytes: 0,
  emergencyAllocs: 0,
  ...over,
});

describe('groupCaches', () => {
  it('groups per vCPU in number order and puts the split caches last, per VM', () => {
    const g = groupCaches([
      cache('vcpu10.mmu_shadow_page_cache'),
      cache('split_desc_cache', { bytes: 100 }),
      cache('vcpu2.mmu_pte_list_desc_cache', { bytes: 7, emergencyAllocs: 2 }),
      cache('vcpu2.mmu_page_header_cache', { bytes: 3 }),
    ]);
    expect(g.map((x) => x.title)).toEqual(['vCPU 2', 'vCPU 10', 'VM · eager page splitting']);
    expect(g[0]!.rows.map((r) => r.field)).toEqual([
      'mmu_pte_list_desc_cache',
      'mmu_page_header_cache',
    ]);
    expect(g[0]!.bytes).toBe(10);
    expect(g[0]!.emergencyAllocs).toBe(2);
    expect(g[2]!.rows[0]!.field).toBe('split_desc_cache');
  });
});

describe('gauge', () => {
  it('scales to capacity and marks min', () => {
    const g = gauge(cache('split_desc_cache', { nobjs: 40, min: 513, capacity: 553 }));
    expect(g.max).toBe(553);
    expect(g.fillPct).toBeCloseTo((40 / 553) * 100);
    expect(g.minPct).toBeCloseTo((513 / 553) * 100);
    expect(g.belowMin).toBe(true);
    expect(g.unset).toBe(false);
  });
  it('with capacity 0 (never topped up) scales to min and says so', () => {
    const g = gauge(cache('x', { min: 14 }));
    expect(g).toMatchObject({ max: 14, fillPct: 0, minPct: 100, unset: true });
    expect(gaugeText(cache('x', { min: 14 }))).toMatch(/never topped up/);
  });
  it('never overflows the track, and never divides by zero', () => {
    expect(gauge(cache('x', { nobjs: 50, capacity: 40 })).fillPct).toBe(100);
    expect(gauge(cache('x', { min: 0 })).max).toBe(1);
  });
});
