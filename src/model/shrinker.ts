/**
 * mmu_shrink_scan, as each era had it (spec §6): zap the oldest shadow pages (one per call
 * before 5.9, up to nr_to_scan from 5.9 to 6.12), the unmerged 2024 proposal that empties every
 * vCPU's shadow-page caches instead, or nothing (removed in 6.13, fe140e611d34).
 */
import { PAGE_SIZE, SIZEOF_KVM_MMU_PAGE } from './mmuPage';
import { PTE_LIST_VARIANTS } from './pteListVariant';
import { zapOldestMmuPages } from './zap';
import type { Kvm } from './vm';

export interface ShrinkResult {
  pagesZapped: number;
  /** What the kernel would get back: pages, headers, translations, descriptors, cache objects. */
  bytesFreed: number;
  how: string;
}

export function mmuShrinkScan(vm: Kvm, nrToScan = 128): ShrinkResult {
  switch (vm.opts.shrinker) {
    case 'none':
      return { pagesZapped: 0, bytesFreed: 0, how: 'no MMU shrinker (removed in 6.13)' };
    case 'free-vcpu-caches': {
      let bytes = 0;
      for (const v of vm.vcpus)
        bytes += v.caches.shadowPage.free() + (v.caches.shadowedInfo?.free() ?? 0);
      return {
        pagesZapped: 0,
        bytesFreed: bytes,
        how: "freed every vCPU's mmu_shadow_page_cache and mmu_shadowed_info_cache",
      };
    }
    default: {
      const n = vm.opts.shrinker === 'zap-oldest-one' ? 1 : nrToScan;
      const before = kernelBytesOfPages(vm);
      const zapped = zapOldestMmuPages(vm, n, 'mmu_shrink_scan').total;
      return {
        pagesZapped: zapped,
        bytesFreed: before - kernelBytesOfPages(vm),
        how: `zapped the oldest ${n === 1 ? 'page' : `pages (nr_to_scan ${n})`}`,
      };
    }
  }
}

/** Bytes held by shadow pages and rmap descriptors. */
function kernelBytesOfPages(vm: Kvm): number {
  let bytes = vm.lists.liveDescs * PTE_LIST_VARIANTS[vm.opts.rmap].layout.size;
  for (const sp of vm.livePages()) {
    if (sp.tdpMmuPage) continue; // the shrinker never zaps TDP MMU pages
    bytes += PAGE_SIZE + SIZEOF_KVM_MMU_PAGE + (sp.hasTranslation ? PAGE_SIZE : 0);
  }
  return bytes;
}
