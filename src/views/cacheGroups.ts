/**
 * How the cache view arranges kvm_mmu_memory_cache gauges: per vCPU (the fault path's four
 * caches, named "vcpuN.<cache>" by the worker) and per VM (the eager-split caches, which have
 * no vCPU prefix), and where on a gauge nobjs and min fall.
 */
import { scaleLinear } from 'd3';
import type { CacheInfo } from '../worker/viewTypes';

export interface CacheRow {
  info: CacheInfo;
  /** The kernel's field name without the vCPU prefix: "mmu_pte_list_desc_cache". */
  field: string;
  gauge: Gauge;
}

export interface CacheGroup {
  key: string;
  title: string;
  /** What the group is for, in kernel terms. */
  note: string;
  rows: CacheRow[];
  bytes: number;
  emergencyAllocs: number;
  /** Every cache of the group has capacity 0: said once for the group, not per gauge. */
  allUnset: boolean;
}

export interface Gauge {
  /** The gauge's full scale: the capacity once topped up, else the min it will be filled past. */
  max: number;
  /** Fill and min marker as percentages of the track. */
  fillPct: number;
  minPct: number;
  /** capacity 0: the cache has never been topped up (or was freed), so it has no capacity yet. */
  unset: boolean;
  /** nobjs < min: the next top-up on this path refills it to capacity. */
  belowMin: boolean;
}

export function gauge(c: CacheInfo): Gauge {
  const unset = c.capacity === 0;
  // Objects can only exceed capacity if the contract is broken; widen rather than overflow.
  const max = Math.max(unset ? c.min : c.capacity, c.nobjs, 1);
  const x = scaleLinear().domain([0, max]).range([0, 100]).clamp(true);
  return {
    max,
    fillPct: x(c.nobjs),
    minPct: x(c.min),
    unset,
    belowMin: c.nobjs < c.min,
  };
}

const VCPU_PREFIX = /^vcpu(\d+)\.(.+)$/;

export function groupCaches(caches: readonly CacheInfo[]): CacheGroup[] {
  const byKey = new Map<string, CacheGroup>();
  const order: CacheGroup[] = [];
  for (const info of caches) {
    const m = VCPU_PREFIX.exec(info.name);
    const key = m ? `vcpu${m[1]}` : 'vm';
    let g = byKey.get(key);
    if (!g) {
      g = m
        ? {
            key,
            title: `vCPU ${m[1]}`,
            note: 'topped up before each fault (mmu_topup_memory_caches)',
            rows: [],
            bytes: 0,
            emergencyAllocs: 0,
            allUnset: true,
          }
        : {
            key,
            title: 'VM · eager page splitting',
            note: 'topped up before each huge page split (kvm_arch.split_*)',
            rows: [],
            bytes: 0,
            emergencyAllocs: 0,
            allUnset: true,
          };
      byKey.set(key, g);
      order.push(g);
    }
    g.rows.push({ info, field: m ? m[2]! : info.name, gauge: gauge(info) });
    g.bytes += info.bytes;
    g.emergencyAllocs += info.emergencyAllocs;
    g.allUnset &&= info.capacity === 0;
  }
  // vCPUs in number order, the VM's split caches last: the fault path first, as a fault runs.
  const rank = (g: CacheGroup) => (g.key === 'vm' ? Infinity : Number(g.key.slice(4)));
  order.sort((a, b) => rank(a) - rank(b));
  // Every vCPU's caches are topped up alike: say how once, not 64 times on a 64-vCPU VM.
  order.forEach((g, i) => {
    if (g.key !== 'vm' && i > 0) g.note = '';
    if (g.allUnset)
      g.note =
        g.key === 'vm'
          ? 'never topped up: no huge page split yet'
          : `never topped up: ${g.title} has not faulted yet`;
  });
  return order;
}

/** What a screen reader hears for one gauge. */
export function gaugeText(c: CacheInfo): string {
  const cap = c.capacity === 0 ? 'capacity not set (never topped up)' : `capacity ${c.capacity}`;
  const emergency = c.emergencyAllocs > 0 ? `, ${c.emergencyAllocs} emergency allocations` : '';
  return `${c.nobjs} objects, min ${c.min}, ${cap}, ${c.bytes} bytes${emergency}`;
}
