/**
 * One VM's MMU state (struct kvm / kvm_arch): memslots and their rmap arrays, every shadow page
 * (active_mmu_pages, the gfn hash), the page limit, the vCPUs and their caches, the split caches,
 * and the counters reviewers read. The operations live beside it: pageTable.ts (faults),
 * zap.ts, split.ts, shrinker.ts.
 */
import type { KernelOptions } from './kernelOptions';
import { DEFAULT_KERNEL_OPTIONS, tdpMmuInEffect } from './kernelOptions';
import {
  KvmMmuMemoryCache,
  KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE,
  OBJECT_BYTES,
  type CacheObjectKind,
} from './mmuCache';
import type { MmuRecorder } from './mmuEvents';
import { KvmMmuPage } from './mmuPage';
import { roleWord, type KvmMmuPageRole } from './mmuPageRole';
import { PteLists } from './pteLists';
import { PTE_LIST_VARIANTS } from './pteListVariant';
import { PT64_LEVEL_BITS } from './spte';
import { SptStore } from './sptStore';
import { newVmStat, type KvmVmStat } from './kvmStats';
import { newVcpuStat, type KvmVcpuStat } from './kvmVcpuStats';

/** PTE_PREFETCH_NUM. */
export const PTE_PREFETCH_NUM = 8;
/** PT64_ROOT_MAX_LEVEL. */
export const PT64_ROOT_MAX_LEVEL = 5;
/** SPLIT_DESC_CACHE_MIN_NR_OBJECTS: 512 entries of one split plus its parent_ptes link. */
export const SPLIT_DESC_CACHE_MIN_NR_OBJECTS = 512 + 1;
export const KVM_MIN_FREE_MMU_PAGES = 5;
export const KVM_REFILL_PAGES = 25;
/** KVM_MIN_ALLOC_MMU_PAGES and KVM_PERMILLE_MMU_PAGES (n_max_mmu_pages default). */
export const KVM_MIN_ALLOC_MMU_PAGES = 64;
export const KVM_PERMILLE_MMU_PAGES = 20;

export interface MemslotConfig {
  baseGfn: number;
  npages: number;
}

export class Memslot {
  /** First head of this slot's rmap array per level (1..3), in the VM's PteLists. */
  readonly rmapBase: number[] = [];
  readonly rmapLen: number[] = [];
  constructor(
    readonly id: number,
    readonly baseGfn: number,
    readonly npages: number,
  ) {}
}

export interface VcpuCaches {
  pteListDesc: KvmMmuMemoryCache;
  /** mmu_shadow_page_cache; before 5.9 mmu_page_cache, which also gave the gfns pages. */
  shadowPage: KvmMmuMemoryCache;
  /** mmu_shadowed_info_cache (mmu_gfn_array_cache in 5.9–5.19); none before 5.9. */
  shadowedInfo: KvmMmuMemoryCache | null;
  pageHeader: KvmMmuMemoryCache;
}

/**
 * A vCPU's caches as the era had them, with mmu_topup_memory_caches' minimums: before 5.9,
 * 8 + PTE_PREFETCH_NUM descriptors, 8 pages (spt and gfns alike) and 4 headers; from 5.9,
 * 1 + PT64_ROOT_MAX_LEVEL + PTE_PREFETCH_NUM descriptors (a fault's rmap and parent_ptes adds)
 * and PT64_ROOT_MAX_LEVEL of each page kind. Capacity 40 (KVM_NR_MEM_OBJS, then
 * KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE) throughout.
 */
export function vcpuCaches(
  id: number,
  era: KernelOptions['vcpuCaches'],
  descBytes: number,
): VcpuCaches {
  const cap = KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE;
  const cache = (name: string, kind: CacheObjectKind, min: number) =>
    new KvmMmuMemoryCache(`vcpu${id}.${name}`, kind, OBJECT_BYTES[kind], min, cap);
  const descs = (min: number) =>
    new KvmMmuMemoryCache(
      `vcpu${id}.mmu_pte_list_desc_cache`,
      'pte_list_desc',
      descBytes,
      min,
      cap,
    );
  if (era === 'mmu_page_cache')
    return {
      pteListDesc: descs(8 + PTE_PREFETCH_NUM),
      shadowPage: cache('mmu_page_cache', 'shadow_page', 8),
      shadowedInfo: null,
      pageHeader: cache('mmu_page_header_cache', 'page_header', 4),
    };
  return {
    pteListDesc: descs(1 + PT64_ROOT_MAX_LEVEL + PTE_PREFETCH_NUM),
    shadowPage: cache('mmu_shadow_page_cache', 'shadow_page', PT64_ROOT_MAX_LEVEL),
    shadowedInfo: cache(era, 'shadowed_info', PT64_ROOT_MAX_LEVEL),
    pageHeader: cache('mmu_page_header_cache', 'page_header', PT64_ROOT_MAX_LEVEL),
  };
}

/** KVM_MMU_NUM_PREV_ROOTS: roots a vCPU keeps cached besides the current one. */
export const KVM_MMU_NUM_PREV_ROOTS = 3;

export interface CachedRoot {
  /** The address space: "tdp", "shadow:3" (guest CR3 of process 3), "nested:0". */
  key: string;
  sp: KvmMmuPage;
}

export class KvmVcpu {
  /** Per fault kind: the current root first, then up to KVM_MMU_NUM_PREV_ROOTS previous ones. */
  readonly roots = new Map<string, CachedRoot[]>();
  /** KVM's own statistics of this vCPU (vcpu->stat). */
  stat: KvmVcpuStat = newVcpuStat();
  constructor(
    readonly id: number,
    readonly caches: VcpuCaches,
  ) {}
}

export interface VmStats {
  tlbFlushes: number;
  rangeFlushes: number;
  lockDrops: number;
  splitsDone: number;
  splitsRefused: number;
  rmapRecycles: number;
  pagesCreated: number;
  pagesReused: number;
  pagesZapped: number;
  leafSptesSet: number;
  emergencyAllocs: number;
  /** What the pte_list operations cost in all (rmaps and parent_ptes). */
  listDescsVisited: number;
  listSlotCompares: number;
  listCacheLines: number;
}

export interface VmConfig {
  memslots: MemslotConfig[];
  vcpus: number;
  /** KVM_SET_NR_MMU_PAGES; default max(pages / 50, 64). */
  nMaxMmuPages?: number;
}

export class Kvm {
  readonly opts: KernelOptions;
  /** Every kvm_rmap_head (memslot rmaps and parent_ptes) and pte_list_desc. */
  readonly lists: PteLists;
  readonly spt = new SptStore();
  readonly memslots: Memslot[] = [];
  readonly pages: (KvmMmuPage | undefined)[] = [];
  private freeIds: number[] = [];
  /** active_mmu_pages: newest at the head, oldest at the tail. */
  newest: KvmMmuPage | null = null;
  oldest: KvmMmuPage | null = null;
  /** mmu_page_hash: KVM_NUM_MMU_PAGES buckets by kvm_page_table_hashfn(gfn), newest page first. */
  private hash = new Map<number, KvmMmuPage[]>();
  /** KVM's own statistics (kvm->stat), where the kernel changes them. */
  readonly stat: KvmVmStat = newVmStat();
  nUsedMmuPages = 0;
  nMaxMmuPages: number;
  /** kvm->arch.indirect_shadow_pages: pages with guest PTEs (account_shadowed). */
  indirectShadowPages = 0;
  /** lpage_info disallow_lpage counts of shadowed gfns, by huge range (see lpageInfo.ts). */
  lpageDisallowed = new Map<number, number>();
  tdpMmuPages = 0;
  /** Ids of live TDP MMU pages at the root level (kvm->arch.tdp_mmu_roots), lowest first. */
  tdpMmuRootIds: number[] = [];
  /** Pages that carry a shadowed_translation page (kept for cheap per-op memory figures). */
  translationPages = 0;
  readonly vcpus: KvmVcpu[] = [];
  readonly splitDescCache: KvmMmuMemoryCache;
  readonly splitPageHeaderCache: KvmMmuMemoryCache;
  readonly splitShadowPageCache: KvmMmuMemoryCache;
  readonly stats: VmStats = {
    tlbFlushes: 0,
    rangeFlushes: 0,
    lockDrops: 0,
    splitsDone: 0,
    splitsRefused: 0,
    rmapRecycles: 0,
    pagesCreated: 0,
    pagesReused: 0,
    pagesZapped: 0,
    leafSptesSet: 0,
    emergencyAllocs: 0,
    listDescsVisited: 0,
    listSlotCompares: 0,
    listCacheLines: 0,
  };
  /** Micro-step recorder, or null (the fast path). */
  rec: MmuRecorder | null = null;
  /** The number of the model op now running (for new/reused marks). */
  opIndex = 0;
  /** Told of every rmap entry added (+1) or removed (-n): a trace replay's running figures. */
  onRmapChange: ((head: number, delta: number) => void) | null = null;

  constructor(config: VmConfig, opts: Partial<KernelOptions> = {}) {
    const asked = { ...DEFAULT_KERNEL_OPTIONS, ...opts };
    this.opts = { ...asked, tdpMmu: tdpMmuInEffect(asked) };
    const era = PTE_LIST_VARIANTS[this.opts.rmap];
    const legacy = this.opts.addReturnLegacy;
    this.lists = new PteLists(legacy === null ? era : { ...era, addLeavesOutFullLast: legacy }, {
      ownerIndex: false,
      corruption: this.opts.rmapCorruption,
    });
    const descBytes = PTE_LIST_VARIANTS[this.opts.rmap].layout.size;
    for (const [i, m] of config.memslots.entries()) this.addMemslot(i, m);
    const pages = config.memslots.reduce((n, m) => n + m.npages, 0);
    this.nMaxMmuPages =
      config.nMaxMmuPages ??
      Math.max(Math.floor((pages * KVM_PERMILLE_MMU_PAGES) / 1000), KVM_MIN_ALLOC_MMU_PAGES);
    const cap = KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE;
    for (let id = 0; id < config.vcpus; id++)
      this.vcpus.push(new KvmVcpu(id, vcpuCaches(id, this.opts.vcpuCaches, descBytes)));
    const splitDescCap =
      this.opts.splitDescCapacity === '2xmin'
        ? 2 * SPLIT_DESC_CACHE_MIN_NR_OBJECTS
        : SPLIT_DESC_CACHE_MIN_NR_OBJECTS + cap;
    this.splitDescCache = new KvmMmuMemoryCache(
      'split_desc_cache',
      'pte_list_desc',
      descBytes,
      SPLIT_DESC_CACHE_MIN_NR_OBJECTS,
      splitDescCap,
    );
    this.splitPageHeaderCache = new KvmMmuMemoryCache(
      'split_page_header_cache',
      'page_header',
      OBJECT_BYTES.page_header,
      1,
      cap,
    );
    this.splitShadowPageCache = new KvmMmuMemoryCache(
      'split_shadow_page_cache',
      'shadow_page',
      OBJECT_BYTES.shadow_page,
      1,
      cap,
    );
  }

  /** An independent copy of the whole VM (a timeline checkpoint); not recording. */
  clone(): Kvm {
    const pages = this.pages.map((sp) => sp?.clone());
    const map = (sp: KvmMmuPage | null): KvmMmuPage | null => (sp ? pages[sp.id]! : null);
    for (const sp of pages) {
      if (!sp) continue;
      sp.newer = map(sp.newer);
      sp.older = map(sp.older);
    }
    const hash = new Map<number, KvmMmuPage[]>();
    for (const [b, bucket] of this.hash)
      hash.set(
        b,
        bucket.map((sp) => pages[sp.id]!),
      );
    const vcpus = this.vcpus.map((v) => {
      const c = v.caches;
      const copy = new KvmVcpu(v.id, {
        pteListDesc: c.pteListDesc.clone(),
        shadowPage: c.shadowPage.clone(),
        shadowedInfo: c.shadowedInfo?.clone() ?? null,
        pageHeader: c.pageHeader.clone(),
      });
      copy.stat = { ...v.stat };
      for (const [kind, roots] of v.roots)
        copy.roots.set(
          kind,
          roots.map((r) => ({ key: r.key, sp: pages[r.sp.id]! })),
        );
      return copy;
    });
    return Object.assign(Object.create(Kvm.prototype) as Kvm, this, {
      lists: this.lists.clone(),
      spt: this.spt.clone(),
      // A trace replay adds memslots as gfns appear: a checkpoint keeps the ones it had.
      memslots: this.memslots.slice(),
      pages,
      freeIds: this.freeIds.slice(),
      tdpMmuRootIds: this.tdpMmuRootIds.slice(),
      newest: map(this.newest),
      oldest: map(this.oldest),
      hash,
      lpageDisallowed: new Map(this.lpageDisallowed),
      vcpus,
      splitDescCache: this.splitDescCache.clone(),
      splitPageHeaderCache: this.splitPageHeaderCache.clone(),
      splitShadowPageCache: this.splitShadowPageCache.clone(),
      stats: { ...this.stats },
      stat: { ...this.stat },
      rec: null,
      onRmapChange: null,
    });
  }

  /** KVM_SET_USER_MEMORY_REGION for a new slot: its rmap arrays join the VM's lists. */
  addMemslot(id: number, m: MemslotConfig): void {
    const slot = new Memslot(id, m.baseGfn, m.npages);
    for (let level = 1; level <= 3; level++) {
      const shift = PT64_LEVEL_BITS * (level - 1);
      // gfn_to_index of the last gfn, plus one.
      const len = lpageIndex(m.baseGfn + m.npages - 1, m.baseGfn, shift) + 1;
      slot.rmapBase.push(this.lists.allocHeads(len));
      slot.rmapLen.push(len);
    }
    this.memslots.push(slot);
  }

  memslotOf(gfn: number): Memslot | undefined {
    return this.memslots.find((s) => gfn >= s.baseGfn && gfn < s.baseGfn + s.npages);
  }

  /** gfn_to_rmap: the head for `gfn` at `level`, or -1 outside every memslot. */
  gfnToRmap(gfn: number, level: number): number {
    const slot = this.memslotOf(gfn);
    if (!slot) return -1;
    return slot.rmapBase[level - 1]! + lpageIndex(gfn, slot.baseGfn, PT64_LEVEL_BITS * (level - 1));
  }

  allCaches(): KvmMmuMemoryCache[] {
    const v = this.vcpus.flatMap((c) =>
      [
        c.caches.pteListDesc,
        c.caches.shadowPage,
        c.caches.shadowedInfo,
        c.caches.pageHeader,
      ].filter((cache) => cache !== null),
    );
    return [...v, this.splitDescCache, this.splitPageHeaderCache, this.splitShadowPageCache];
  }

  /** kvm_mmu_available_pages. */
  availablePages(): number {
    return this.nMaxMmuPages > this.nUsedMmuPages ? this.nMaxMmuPages - this.nUsedMmuPages : 0;
  }

  /**
   * kvm_mmu_find_shadow_page: the valid page with this gfn and role.word, and the pages of other
   * gfns its walk of the bucket passed (max_mmu_page_hash_collisions).
   */
  findShadowPage(gfn: number, word: number): { sp: KvmMmuPage | undefined; collisions: number } {
    return this.walkBucket(gfn, (sp) => sp.gfn === gfn && sp.roleWord === word);
  }

  pagesOfGfn(gfn: number): KvmMmuPage[] {
    return (this.hash.get(kvmPageTableHashfn(gfn)) ?? []).filter(
      (sp) => sp.gfn === gfn && !sp.zapped,
    );
  }

  /**
   * for_each_valid_sp over gfn's bucket, as kvm_mmu_find_shadow_page walks it: the pages of other
   * gfns passed before `found` (or the whole bucket when nothing was found).
   */
  hashCollisions(gfn: number, found: KvmMmuPage | null): number {
    return this.walkBucket(gfn, (sp) => sp === found).collisions;
  }

  /** for_each_valid_sp over gfn's bucket, newest first, up to the first page `stop` accepts. */
  private walkBucket(
    gfn: number,
    stop: (sp: KvmMmuPage) => boolean,
  ): { sp: KvmMmuPage | undefined; collisions: number } {
    let collisions = 0;
    for (const sp of this.hash.get(kvmPageTableHashfn(gfn)) ?? []) {
      if (sp.role.invalid || sp.zapped) continue;
      if (stop(sp)) return { sp, collisions };
      if (sp.gfn !== gfn) collisions++;
    }
    return { sp: undefined, collisions };
  }

  /** Builds a page object and, for the shadow MMU, puts it on active_mmu_pages and in the hash. */
  newPage(
    gfn: number,
    role: KvmMmuPageRole,
    hasTranslation: boolean,
    tdpMmuPage: boolean,
  ): KvmMmuPage {
    const id = this.freeIds.pop() ?? this.pages.length;
    const parentPtes = this.lists.allocHeads(1);
    const sp = new KvmMmuPage(
      id,
      gfn,
      role,
      roleWord(role),
      parentPtes,
      hasTranslation,
      tdpMmuPage,
      this.opIndex,
    );
    this.pages[id] = sp;
    if (hasTranslation) this.translationPages++;
    if (tdpMmuPage) {
      this.tdpMmuPages++;
      if (role.level === this.opts.rootLevel) {
        const at = this.tdpMmuRootIds.findIndex((r) => r > id);
        this.tdpMmuRootIds.splice(at < 0 ? this.tdpMmuRootIds.length : at, 0, id);
      }
      return sp;
    }
    // list_add(&sp->link, &kvm->arch.active_mmu_pages): the head is the newest.
    sp.older = this.newest;
    if (this.newest) this.newest.newer = sp;
    this.newest = sp;
    if (!this.oldest) this.oldest = sp;
    // hlist_add_head(&sp->hash_link, &kvm->arch.mmu_page_hash[kvm_page_table_hashfn(gfn)]).
    const b = kvmPageTableHashfn(gfn);
    const bucket = this.hash.get(b);
    if (bucket) bucket.unshift(sp);
    else this.hash.set(b, [sp]);
    this.nUsedMmuPages++;
    return sp;
  }

  /** Takes a zapped page off every list and returns its memory (kvm_mmu_free_shadow_page). */
  freePage(sp: KvmMmuPage): void {
    if (!sp.tdpMmuPage) {
      if (sp.newer) sp.newer.older = sp.older;
      else this.newest = sp.older;
      if (sp.older) sp.older.newer = sp.newer;
      else this.oldest = sp.newer;
      sp.newer = sp.older = null;
      const b = kvmPageTableHashfn(sp.gfn);
      const bucket = this.hash.get(b)!;
      bucket.splice(bucket.indexOf(sp), 1);
      if (bucket.length === 0) this.hash.delete(b);
      this.nUsedMmuPages--;
    } else {
      this.tdpMmuPages--;
      const at = this.tdpMmuRootIds.indexOf(sp.id);
      if (at >= 0) this.tdpMmuRootIds.splice(at, 1);
    }
    if (sp.hasTranslation) this.translationPages--;
    this.spt.releasePage(sp.id);
    this.pages[sp.id] = undefined;
    this.freeIds.push(sp.id);
  }

  *livePages(): Generator<KvmMmuPage> {
    for (const sp of this.pages) if (sp) yield sp;
  }
}

/** KVM_MMU_HASH_SHIFT: 2^12 = 4096 buckets (KVM_NUM_MMU_PAGES). */
export const KVM_MMU_HASH_SHIFT = 12;
/** GOLDEN_RATIO_64 (include/linux/hash.h) as two 32-bit halves. */
const GOLDEN_HI = 0x61c88646;
const GOLDEN_LO = 0x80b583eb;

/** The high 32 bits of the 64-bit product of two unsigned 32-bit numbers, exactly. */
function mulHi32(a: number, b: number): number {
  const a1 = a >>> 16;
  const a0 = a & 0xffff;
  const b1 = b >>> 16;
  const b0 = b & 0xffff;
  const mid = a1 * b0 + ((a0 * b0) >>> 16); // < 2^48: exact in a double
  const mid2 = (mid % 0x10000) + a0 * b1;
  return (a1 * b1 + Math.floor(mid / 0x10000) + Math.floor(mid2 / 0x10000)) >>> 0;
}

/** kvm_page_table_hashfn(gfn) = hash_64(gfn, KVM_MMU_HASH_SHIFT): the top bits of gfn * GOLDEN_RATIO_64. */
export function kvmPageTableHashfn(gfn: number): number {
  const lo = gfn >>> 0;
  const hi = Math.floor(gfn / 2 ** 32) >>> 0;
  const top = (Math.imul(hi, GOLDEN_LO) + Math.imul(lo, GOLDEN_HI) + mulHi32(lo, GOLDEN_LO)) >>> 0;
  return top >>> (32 - KVM_MMU_HASH_SHIFT);
}

/** gfn_to_index: (gfn >> shift) - (base_gfn >> shift). */
function lpageIndex(gfn: number, baseGfn: number, shift: number): number {
  const d = 2 ** shift;
  return Math.floor(gfn / d) - Math.floor(baseGfn / d);
}
