import { CACHE_LINE_BYTES, PTE_LIST_VARIANTS } from './pteListVariant';
import type { PteListVariant, PteListVariantName } from './pteListVariant';
import type { OpCost } from './costs';
import { copyFields } from './clone';
import type { StepRecorder } from './events';

/** Bit 0 of kvm_rmap_head.val: set = the rest points at a pte_list_desc (KVM_RMAP_MANY). */
export const KVM_RMAP_MANY = 1;
/** Bit 1 is KVM_RMAP_LOCKED from 6.15; descriptor "pointers" leave it clear. */
const DESC_PTR_SHIFT = 2;

/** No descriptor: the value `more` holds at the end of a chain (NULL). */
export const NO_DESC = -1;

/**
 * Every kvm_rmap_head and pte_list_desc of one VM, as struct-of-arrays so a million-entry list
 * costs a few bytes per entry and no object per SPTE.
 *
 * Heads hold the kernel's encoding: 0 = empty; bit 0 clear = the only SPTE's pointer; bit 0 set =
 * a descriptor. Where the kernel stores a descriptor's address, the model stores its index in
 * the descriptor slab (`(index << 2) | KVM_RMAP_MANY`), keeping bit 1 free as the kernel does.
 * SPTE pointers are non-zero multiples of 8, like the `u64 *sptep` they stand for.
 *
 * Descriptors are laid out back to back in one simulated slab (`index * sizeof`), as a kmem_cache
 * packs them; that address decides which 64-byte lines an access touches.
 */
export class PteLists {
  readonly variant: PteListVariant;
  readonly ext: number;
  // The era's layout and behaviour, copied out of `variant` into own fields: the list code reads
  // them on every access, and flat fields keep those reads cheap (see bench/rmapBench.ts).
  private readonly descSize: number;
  readonly moreOff: number;
  /** The 8-byte word of the counters (u64 spte_count, or u32 spte_count + u32 tail_count). */
  readonly countOff: number;
  readonly slotOff: number;
  readonly hasSpteCount: boolean;
  readonly tailCountVariant: boolean;

  headVal = new Int32Array(16);
  nHeads = 0;
  /** Single heads given back (a freed shadow page's parent_ptes), reused first. */
  private freeHeads: number[] = [];

  // pte_list_desc fields, one entry per slab slot.
  more = new Int32Array(64);
  spteCount = new Int32Array(64);
  tailCount = new Int32Array(64);
  sptes: Int32Array<ArrayBuffer>;
  private freeSlots = new Int32Array(64);
  private nFree = 0;
  /** Slab slots ever handed out (the high-water mark). */
  slabUsed = 0;
  descsAllocated = 0;
  descsFreed = 0;

  /**
   * Model bookkeeping, not kernel state: which head each SPTE is in (head + 1, 0 = none), so the
   * kernel's "never add a present SPTE" rule is checked in O(1) without walking the chain. Dense
   * over pointer values, so a VM (whose MMU never adds a present SPTE, and whose pointers are
   * sparse) goes without it: see `ownerIndex`.
   */
  owner = new Int32Array(1024);
  readonly ownerIndex: boolean;
  /** What the kernel does on a corrupt list (pte_list_remove): BUG() before 6.6, then KVM_BUG_ON_DATA_CORRUPTION. */
  readonly corruption: 'BUG' | 'KVM_BUG_ON_DATA_CORRUPTION';

  // The current operation's cost, reset by beginOp; flat counters because every access bumps one.
  costVisited = 0;
  costCompares = 0;
  costAllocated = 0;
  costFreed = 0;
  costLines = 0;
  /** Micro-step recorder, or null when recording is off (the fast path). */
  rec: StepRecorder | null = null;
  /** Per 64-byte line of the slab: the op that last touched it, so each line counts once per op. */
  private lineStamp: Int32Array<ArrayBuffer>;
  private opGen = 0;

  constructor(
    variant: PteListVariantName | PteListVariant,
    opts: { ownerIndex?: boolean; corruption?: PteLists['corruption'] } = {},
  ) {
    this.variant = typeof variant === 'string' ? PTE_LIST_VARIANTS[variant] : variant;
    this.ownerIndex = opts.ownerIndex ?? true;
    this.corruption = opts.corruption ?? 'KVM_BUG_ON_DATA_CORRUPTION';
    this.ext = this.variant.ext;
    const { layout } = this.variant;
    this.descSize = layout.size;
    this.moreOff = layout.moreOffset;
    this.countOff = layout.spteCountOffset ?? -1;
    this.slotOff = layout.slotsOffset;
    this.hasSpteCount = this.variant.hasSpteCount;
    this.tailCountVariant = this.variant.tailCount;
    this.sptes = new Int32Array(64 * this.ext);
    this.lineStamp = new Int32Array(lineCount(64, this.descSize));
  }

  /** An independent copy (a timeline checkpoint); not recording. */
  clone(): PteLists {
    return copyFields<PteLists>(this, { rec: null });
  }

  /** Reserves `n` empty heads and returns the first one's number. */
  allocHeads(n: number): number {
    if (n === 1 && this.freeHeads.length > 0) return this.freeHeads.pop()!;
    const base = this.nHeads;
    this.nHeads += n;
    if (this.nHeads > this.headVal.length) this.headVal = grow(this.headVal, this.nHeads);
    return base;
  }

  /**
   * Grows the slab to hold `descs` descriptors and the owner index to SPTE pointers below
   * `maxSpte`, up front: what topping up a kvm_mmu_memory_cache does for the kernel, so a
   * benchmark times the list code and not the model's array growth.
   */
  reserve(descs: number, maxSpte: number): void {
    if (descs > this.more.length) this.growDescs(descs);
    if (this.ownerIndex && maxSpte >>> 3 >= this.owner.length)
      this.owner = grow(this.owner, (maxSpte >>> 3) + 1);
  }

  /** Gives back one empty head. */
  freeHead(h: number): void {
    if (this.headVal[h] !== 0) throw new Error(`head ${h} freed while not empty`);
    this.freeHeads.push(h);
  }

  beginOp(): void {
    this.costVisited = this.costCompares = this.costAllocated = this.costFreed = this.costLines = 0;
    if (++this.opGen === 0x7fffffff) {
      this.lineStamp.fill(0);
      this.opGen = 1;
    }
  }

  /** What the current (or last) operation cost. */
  get cost(): OpCost {
    return {
      descsVisited: this.costVisited,
      slotCompares: this.costCompares,
      descsAllocated: this.costAllocated,
      descsFreed: this.costFreed,
      cacheLines: this.costLines,
    };
  }

  /** Notes an 8-byte access at `offset` inside descriptor `d`. */
  touch(d: number, offset: number): void {
    const line = (d * this.descSize + offset) >> 6; // / CACHE_LINE_BYTES
    if (this.lineStamp[line] !== this.opGen) {
      this.lineStamp[line] = this.opGen;
      this.costLines++;
    }
  }

  /** Notes reads of slots 0..count-1 of descriptor `d`: every line they span, once. */
  touchSlots(d: number, count: number): void {
    if (count <= 0) return;
    const first = this.slotOff;
    const last = this.slotOff + 8 * (count - 1);
    for (let off = first; off <= last; off += CACHE_LINE_BYTES) this.touch(d, off);
    this.touch(d, last);
  }

  /** kvm_mmu_memory_cache_alloc from the descriptor cache: a zeroed pte_list_desc. */
  allocDesc(): number {
    let d: number;
    if (this.nFree > 0) d = this.freeSlots[--this.nFree]!;
    else {
      d = this.slabUsed++;
      if (d >= this.more.length) this.growDescs(d + 1);
    }
    this.more[d] = NO_DESC;
    this.spteCount[d] = 0;
    this.tailCount[d] = 0;
    for (let i = d * this.ext, end = i + this.ext; i < end; i++) this.sptes[i] = 0;
    this.descsAllocated++;
    this.costAllocated++;
    return d;
  }

  /** mmu_free_pte_list_desc. */
  freeDesc(d: number): void {
    if (this.nFree >= this.freeSlots.length) this.freeSlots = grow(this.freeSlots, this.nFree + 1);
    this.freeSlots[this.nFree++] = d;
    this.descsFreed++;
    this.costFreed++;
  }

  get liveDescs(): number {
    return this.descsAllocated - this.descsFreed;
  }

  /** The head `spte` is in, or -1 (always -1 without the owner index). */
  ownerOf(spte: number): number {
    const i = spte >>> 3;
    return i < this.owner.length ? this.owner[i]! - 1 : -1;
  }

  setOwner(spte: number, head: number): void {
    if (!this.ownerIndex) return;
    const i = spte >>> 3;
    if (i >= this.owner.length) this.owner = grow(this.owner, i + 1);
    this.owner[i] = head + 1;
  }

  private growDescs(min: number): void {
    this.more = grow(this.more, min);
    this.spteCount = grow(this.spteCount, min);
    this.tailCount = grow(this.tailCount, min);
    this.sptes = grow(this.sptes, min * this.ext);
    this.lineStamp = grow(this.lineStamp, lineCount(this.more.length, this.descSize));
  }
}

export function descPtr(d: number): number {
  return (d << DESC_PTR_SHIFT) | KVM_RMAP_MANY;
}

export function descOfVal(val: number): number {
  return val >>> DESC_PTR_SHIFT;
}

function lineCount(descs: number, size: number): number {
  return Math.ceil((descs * size) / CACHE_LINE_BYTES) + 1;
}

function grow(a: Int32Array<ArrayBuffer>, min: number): Int32Array<ArrayBuffer> {
  let n = a.length * 2;
  while (n < min) n *= 2;
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
