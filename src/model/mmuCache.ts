/**
 * struct kvm_mmu_memory_cache (include/linux/kvm_types.h, virt/kvm/kvm_main.c): objects allocated
 * ahead, outside mmu_lock, so the fault and split paths never allocate while holding it.
 * The model keeps counts and sizes; the objects themselves are the descriptors and pages the
 * callers build when they take one.
 */
export type CacheObjectKind = 'pte_list_desc' | 'shadow_page' | 'shadowed_info' | 'page_header';

/** KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE. */
export const KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE = 40;

export const OBJECT_BYTES: Readonly<Record<CacheObjectKind, number>> = {
  pte_list_desc: 128, // set per era by the VM (see PteListVariant.layout.size)
  shadow_page: 4096,
  shadowed_info: 4096,
  page_header: 184, // sizeof(struct kvm_mmu_page)
};

export class KvmMmuMemoryCache {
  nobjs = 0;
  /** 0 until the first top-up fixes it. */
  capacity = 0;
  /** Objects handed out while empty: the kernel WARNs and falls back to GFP_ATOMIC. */
  emergencyAllocs = 0;
  /** Objects allocated into the cache over its life (what top-ups cost). */
  filled = 0;

  constructor(
    readonly name: string,
    readonly kind: CacheObjectKind,
    readonly objectBytes: number,
    /** The minimum its users top it up to (mmu_topup_memory_caches et al.). */
    readonly min: number,
    /** The capacity its users ask for. */
    readonly wantCapacity: number,
  ) {}

  clone(): KvmMmuMemoryCache {
    return Object.assign(Object.create(KvmMmuMemoryCache.prototype) as KvmMmuMemoryCache, this);
  }

  /**
   * __kvm_mmu_topup_memory_cache(mc, capacity, min): nothing if nobjs >= min, else fill to
   * capacity. Returns how many objects it allocated. The model's allocations never fail.
   */
  topup(capacity = this.wantCapacity, min = this.min): number {
    if (this.capacity === 0) this.capacity = capacity;
    else if (this.capacity !== capacity)
      throw new Error(`${this.name}: capacity changed (the kernel WARNs, -EIO)`);
    if (this.nobjs >= min) return 0;
    const added = this.capacity - this.nobjs;
    this.nobjs = this.capacity;
    this.filled += added;
    return added;
  }

  /** kvm_mmu_memory_cache_alloc: pops one; empty = WARN_ON + an emergency allocation. */
  alloc(n = 1): void {
    const fromCache = Math.min(n, this.nobjs);
    this.nobjs -= fromCache;
    this.emergencyAllocs += n - fromCache;
  }

  /** kvm_mmu_free_memory_cache: every object back, capacity reset. Returns bytes released. */
  free(): number {
    const bytes = this.nobjs * this.objectBytes;
    this.nobjs = 0;
    this.capacity = 0;
    return bytes;
  }

  get bytes(): number {
    return this.nobjs * this.objectBytes;
  }
}
