/**
 * The `spt` arrays of every shadow page (512 SPTEs each), plus the per-entry gfn that
 * and guest access that `shadowed_translation` keeps for indirect pages, stored in chunks of 16 entries that are
 * allocated on first write. Why chunks: a 16 GiB split fills 8,208 pages densely, while a
 * 100,000-way guest fork makes 400,000 pages with one entry each; whole 512-entry arrays would
 * cost the fork over a gigabyte. An entry costs 10 bytes (flags, target, gfn, access), no object.
 */
import { copyFields } from './clone';
import { SPTE_ENT_PER_PAGE } from './spte';

export const CHUNK = 16;
export const CHUNKS_PER_PAGE = SPTE_ENT_PER_PAGE / CHUNK;

export class SptStore {
  /** (page * CHUNKS_PER_PAGE + c) -> chunk number + 1; 0 = not allocated (all entries empty). */
  private chunkOf = new Int32Array(CHUNKS_PER_PAGE * 64);
  flags = new Uint8Array(CHUNK * 64);
  /** Host pfn of a leaf, or the child page id of a link. */
  target = new Int32Array(CHUNK * 64);
  /** The gfn of the entry, where the page keeps a translation (indirect pages). */
  gfn = new Int32Array(CHUNK * 64);
  /** The guest's access (ACC_*) of the entry, likewise (kvm_mmu_page_set_access). */
  access = new Uint8Array(CHUNK * 64);
  private nChunks = 0;
  private freeChunks: number[] = [];

  clone(): SptStore {
    return copyFields(this);
  }

  /** Slot index of (page, i) in the flat arrays, or -1 when its chunk was never written. */
  find(page: number, i: number): number {
    const k = page * CHUNKS_PER_PAGE + (i >> 4);
    if (k >= this.chunkOf.length) return -1;
    const c = this.chunkOf[k]!;
    return c === 0 ? -1 : (c - 1) * CHUNK + (i & (CHUNK - 1));
  }

  /**
   * The slot of entry `c * 16` of `page`, the first of 16 in a row, or -1 when that chunk was
   * never written: lets a reader of whole pages (the tree view) skip empty runs of 16 at once.
   */
  chunkBase(page: number, c: number): number {
    const k = page * CHUNKS_PER_PAGE + c;
    if (k >= this.chunkOf.length) return -1;
    const chunk = this.chunkOf[k]!;
    return chunk === 0 ? -1 : (chunk - 1) * CHUNK;
  }

  /** Slot index of (page, i), allocating its chunk. */
  slot(page: number, i: number): number {
    const k = page * CHUNKS_PER_PAGE + (i >> 4);
    if (k >= this.chunkOf.length) this.chunkOf = growI32(this.chunkOf, k + 1);
    let c = this.chunkOf[k]!;
    if (c === 0) {
      c = this.allocChunk() + 1;
      this.chunkOf[k] = c;
    }
    return (c - 1) * CHUNK + (i & (CHUNK - 1));
  }

  flagsAt(page: number, i: number): number {
    const s = this.find(page, i);
    return s < 0 ? 0 : this.flags[s]!;
  }

  /** Releases a page's chunks (its entries read as empty afterwards). */
  releasePage(page: number): void {
    for (let c = 0; c < CHUNKS_PER_PAGE; c++) {
      const k = page * CHUNKS_PER_PAGE + c;
      if (k >= this.chunkOf.length) return;
      const chunk = this.chunkOf[k]!;
      if (chunk === 0) continue;
      const base = (chunk - 1) * CHUNK;
      this.flags.fill(0, base, base + CHUNK);
      this.target.fill(0, base, base + CHUNK);
      this.gfn.fill(0, base, base + CHUNK);
      this.access.fill(0, base, base + CHUNK);
      this.freeChunks.push(chunk - 1);
      this.chunkOf[k] = 0;
    }
  }

  /** Bytes the model itself holds for SPTEs (not what the kernel would: see accounting). */
  get modelBytes(): number {
    return (
      this.chunkOf.byteLength +
      this.flags.byteLength +
      this.target.byteLength +
      this.gfn.byteLength +
      this.access.byteLength
    );
  }

  private allocChunk(): number {
    const free = this.freeChunks.pop();
    if (free !== undefined) return free;
    const c = this.nChunks++;
    if ((c + 1) * CHUNK > this.flags.length) {
      const n = Math.max(this.flags.length * 2, (c + 1) * CHUNK);
      const flags = new Uint8Array(n);
      flags.set(this.flags);
      this.flags = flags;
      this.target = growI32(this.target, n);
      this.gfn = growI32(this.gfn, n);
      const access = new Uint8Array(n);
      access.set(this.access);
      this.access = access;
    }
    return c;
  }
}

function growI32(a: Int32Array<ArrayBuffer>, min: number): Int32Array<ArrayBuffer> {
  let n = a.length * 2;
  while (n < min) n *= 2;
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
