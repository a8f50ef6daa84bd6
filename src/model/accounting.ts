/**
 * The figures a reviewer reads off the model: memory by category, as the kernel would spend it,
 * and the counts behind it. Computed from the VM's state, never kept on the side.
 */
import { PAGE_SIZE, SIZEOF_KVM_MMU_PAGE } from './mmuPage';
import { pteListCountQuiet } from './rmapStats';
import type { Kvm } from './vm';

export interface MemoryReport {
  /** The 4 KiB `spt` page of every shadow page (TDP MMU pages included). */
  sptBytes: number;
  /** shadowed_translation (`gfns`) pages. */
  translationBytes: number;
  /** struct kvm_mmu_page headers: the TDP MMU's pages have one too (tdp_mmu_page is a field of it). */
  headerBytes: number;
  /** Live pte_list_desc descriptors (rmaps and parent_ptes). */
  descriptorBytes: number;
  /** Objects sitting in MMU memory caches, per cache name. */
  cacheBytes: Record<string, number>;
  totalBytes: number;
}

export interface PageCounts {
  total: number;
  shadowMmu: number;
  tdpMmu: number;
  direct: number;
  indirect: number;
  byLevel: Record<number, number>;
  nUsedMmuPages: number;
  nMaxMmuPages: number;
}

export interface RmapReport {
  /** Non-empty rmap heads (memslot rmaps only, not parent_ptes). */
  heads: number;
  entries: number;
  maxChain: number;
  descriptors: number;
  /** Chain length (entries) -> number of heads, in buckets 1, 2-14, 15-100, 101-1000, >1000. */
  histogram: Record<string, number>;
}

export function memoryReport(vm: Kvm): MemoryReport {
  let spt = 0;
  let translation = 0;
  let header = 0;
  for (const sp of vm.livePages()) {
    spt += PAGE_SIZE;
    header += SIZEOF_KVM_MMU_PAGE;
    if (sp.hasTranslation) translation += PAGE_SIZE;
  }
  const descriptorBytes = vm.lists.liveDescs * vm.lists.variant.layout.size;
  const cacheBytes: Record<string, number> = {};
  let caches = 0;
  for (const c of vm.allCaches()) {
    cacheBytes[c.name] = c.bytes;
    caches += c.bytes;
  }
  return {
    sptBytes: spt,
    translationBytes: translation,
    headerBytes: header,
    descriptorBytes,
    cacheBytes,
    totalBytes: spt + translation + header + descriptorBytes + caches,
  };
}

export function pageCounts(vm: Kvm): PageCounts {
  const c: PageCounts = {
    total: 0,
    shadowMmu: 0,
    tdpMmu: 0,
    direct: 0,
    indirect: 0,
    byLevel: {},
    nUsedMmuPages: vm.nUsedMmuPages,
    nMaxMmuPages: vm.nMaxMmuPages,
  };
  for (const sp of vm.livePages()) {
    c.total++;
    if (sp.tdpMmuPage) c.tdpMmu++;
    else c.shadowMmu++;
    if (sp.role.direct) c.direct++;
    else c.indirect++;
    c.byLevel[sp.level] = (c.byLevel[sp.level] ?? 0) + 1;
  }
  return c;
}

const BUCKETS: [string, number][] = [
  ['1', 1],
  ['2-14', 14],
  ['15-100', 100],
  ['101-1000', 1000],
  ['>1000', Infinity],
];

export function rmapReport(vm: Kvm): RmapReport {
  const r: RmapReport = {
    heads: 0,
    entries: 0,
    maxChain: 0,
    descriptors: vm.lists.liveDescs,
    histogram: Object.fromEntries(BUCKETS.map(([b]) => [b, 0])),
  };
  for (const slot of vm.memslots) {
    for (let level = 1; level <= 3; level++) {
      const base = slot.rmapBase[level - 1]!;
      for (let k = 0; k < slot.rmapLen[level - 1]!; k++) {
        if (vm.lists.headVal[base + k] === 0) continue;
        const n = pteListCountQuiet(vm.lists, base + k);
        r.heads++;
        r.entries += n;
        r.maxChain = Math.max(r.maxChain, n);
        const bucket = BUCKETS.find(([, max]) => n <= max)![0];
        r.histogram[bucket]!++;
      }
    }
  }
  return r;
}
