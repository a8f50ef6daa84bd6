/**
 * What the stats panel lists, as rows: MMU memory by category (the figures the "50% less
 * memory" and split-cache-size patches argued with), an op's costs under readable names, and
 * the rmap chain-length histogram in bucket order.
 */
import { scaleLinear, scaleSymlog } from 'd3';
import type { MemoryReport, RmapReport } from '../model/accounting';

export interface BarRow {
  key: string;
  label: string;
  /** Kernel name or a short why, shown muted. */
  note: string;
  value: number;
  /** Bar length, 0..100 (% of the longest). */
  pct: number;
}

export function memoryRows(m: MemoryReport): BarRow[] {
  const caches = Object.values(m.cacheBytes).reduce((a, b) => a + b, 0);
  const rows: Omit<BarRow, 'pct'>[] = [
    { key: 'spt', label: 'spt pages', note: 'sp->spt, 4 KiB per shadow page', value: m.sptBytes },
    {
      key: 'translation',
      label: 'shadowed_translation',
      note: 'sp->shadowed_translation, indirect pages',
      value: m.translationBytes,
    },
    {
      key: 'header',
      label: 'page headers',
      note: 'struct kvm_mmu_page, 184 bytes per page (TDP MMU pages too)',
      value: m.headerBytes,
    },
    {
      key: 'desc',
      label: 'rmap descriptors',
      note: 'struct pte_list_desc, rmaps + parent_ptes',
      value: m.descriptorBytes,
    },
    { key: 'caches', label: 'objects in caches', note: 'kvm_mmu_memory_cache', value: caches },
  ];
  const max = Math.max(1, ...rows.map((r) => r.value));
  const x = scaleLinear().domain([0, max]).range([0, 100]);
  return rows.map((r) => ({ ...r, pct: x(r.value) }));
}

const COST_LABELS: Record<string, string> = {
  pagesCreated: 'shadow pages created',
  pagesReused: 'shadow pages reused',
  pagesZapped: 'shadow pages zapped',
  leafSptesSet: 'leaf SPTEs set',
  descsAllocated: 'descriptors allocated',
  descsFreed: 'descriptors freed',
  descsVisited: 'descriptors visited',
  slotCompares: 'slot compares',
  cacheLines: '64-byte lines touched',
  tlbFlushes: 'TLB flushes',
  rangeFlushes: 'range flushes',
  lockDrops: 'mmu_lock drops',
};

/** "leafSptesSet" → "leaf sptes set" for keys the table above does not know. */
export function costLabel(key: string): string {
  return COST_LABELS[key] ?? key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

export function costRows(
  cost: Record<string, number>,
): { key: string; label: string; value: number }[] {
  return Object.entries(cost).map(([key, value]) => ({ key, label: costLabel(key), value }));
}

/** accounting.ts's buckets, in chain-length order whatever order the keys arrive in. */
const BUCKET_ORDER = ['1', '2-14', '15-100', '101-1000', '>1000'];

/**
 * Chain lengths span 1 to 262,144 heads per bucket; on a linear scale every bucket but the
 * largest rounds to nothing. A symlog scale keeps a bucket of 1 visible next to one of 250,000
 * (and 0 at 0); the counts are printed beside the bars, so nobody has to read lengths.
 */
export function histogramRows(r: RmapReport): BarRow[] {
  const keys = Object.keys(r.histogram).sort((a, b) => rank(a) - rank(b));
  const max = Math.max(1, ...keys.map((k) => r.histogram[k]!));
  const x = scaleSymlog().domain([0, max]).range([0, 100]);
  return keys.map((k) => {
    const value = r.histogram[k]!;
    return {
      key: k,
      label: k === '1' ? '1 entry' : `${k} entries`,
      note: k === '1' ? 'no descriptor: the head holds the SPTE' : '',
      value,
      pct: x(value),
    };
  });
}

function rank(bucket: string): number {
  const i = BUCKET_ORDER.indexOf(bucket);
  return i < 0 ? BUCKET_ORDER.length : i;
}
