/**
 * The four eras of the rmap descriptor list. They share the head encoding and the walk; what
 * differs is exactly what differed in the kernel: slots per descriptor, the counter fields and
 * where they sit, where add puts a new entry, which entry fills a hole, add's return value, and
 * the teardown order. Sources: ../shared/golden/README.md and spec §1.
 */
export type PteListVariantName = 'rmap_ext4' | 'pte_list_ext3' | 'spte_count' | 'tail_count';

/** Byte offsets inside one descriptor, for the cache lines an operation touches. */
export interface DescLayout {
  /** sizeof(struct pte_list_desc) (or kvm_rmap_desc). */
  readonly size: number;
  readonly moreOffset: number;
  /** Offset of spte_count, or null where the struct has no counter (slots are NULL-terminated). */
  readonly spteCountOffset: number | null;
  readonly tailCountOffset: number | null;
  readonly slotsOffset: number;
}

export interface PteListVariant {
  readonly name: PteListVariantName;
  /** PTE_LIST_EXT (RMAP_EXT in 2.6.x). */
  readonly ext: number;
  readonly layout: DescLayout;
  /** The struct keeps spte_count; without it the kernel finds the used slots by looking for NULL. */
  readonly hasSpteCount: boolean;
  /**
   * v6.4+ (141705b78381): new entries go into the head descriptor, a full head gets a new one
   * prepended, holes are filled from the head, and every descriptor but the head stays full.
   */
  readonly tailCount: boolean;
  /** v2.6.x–v5.9: add's return leaves out the full last descriptor when it appends one. */
  readonly addLeavesOutFullLast: boolean;
  /** destroy: 'freeAll' = kvm_zap_all_rmap_sptes; 'removeFirst' = kvm_unmap_rmapp / kvm_zap_rmapp. */
  readonly teardown: 'freeAll' | 'removeFirst';
  /** pte_list_count exists (v5.15+). */
  readonly hasCount: boolean;
  readonly kernels: string;
  readonly structName: string;
}

export const PTE_LIST_VARIANTS: Readonly<Record<PteListVariantName, PteListVariant>> = {
  rmap_ext4: {
    name: 'rmap_ext4',
    ext: 4,
    layout: {
      size: 40,
      moreOffset: 32,
      spteCountOffset: null,
      tailCountOffset: null,
      slotsOffset: 0,
    },
    hasSpteCount: false,
    tailCount: false,
    addLeavesOutFullLast: true,
    teardown: 'removeFirst',
    hasCount: false,
    kernels: '2007–2011 (traced from v2.6.37)',
    structName: 'kvm_rmap_desc',
  },
  pte_list_ext3: {
    name: 'pte_list_ext3',
    ext: 3,
    layout: {
      size: 32,
      moreOffset: 24,
      spteCountOffset: null,
      tailCountOffset: null,
      slotsOffset: 0,
    },
    hasSpteCount: false,
    tailCount: false,
    addLeavesOutFullLast: false,
    teardown: 'removeFirst',
    hasCount: false,
    kernels: 'v3.6–v5.14 (traced from v5.14)',
    structName: 'pte_list_desc',
  },
  spte_count: {
    name: 'spte_count',
    ext: 14,
    layout: {
      size: 128,
      moreOffset: 0,
      spteCountOffset: 8,
      tailCountOffset: null,
      slotsOffset: 16,
    },
    hasSpteCount: true,
    tailCount: false,
    addLeavesOutFullLast: false,
    teardown: 'freeAll',
    hasCount: true,
    kernels: 'v5.15–v6.3',
    structName: 'pte_list_desc',
  },
  tail_count: {
    name: 'tail_count',
    ext: 14,
    layout: { size: 128, moreOffset: 0, spteCountOffset: 8, tailCountOffset: 12, slotsOffset: 16 },
    hasSpteCount: true,
    tailCount: true,
    addLeavesOutFullLast: false,
    teardown: 'freeAll',
    hasCount: true,
    kernels: 'v6.4+ (141705b78381)',
    structName: 'pte_list_desc',
  },
};

export const CACHE_LINE_BYTES = 64;
