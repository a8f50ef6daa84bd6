/**
 * An append-only typed array in fixed chunks: per-op figures of million-op timelines. Chunks,
 * not one array that doubles: doubling keeps up to half of it empty and, while it copies,
 * holds the old and the new array at once (a 1 GB trace's peak was those copies).
 */
export const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

export class Growable<A extends Float64Array | Uint32Array> {
  private readonly chunks: A[] = [];
  length = 0;

  constructor(private readonly make: (n: number) => A) {}

  push(x: number): void {
    const c = this.length >>> CHUNK_BITS;
    // The first chunk starts small and grows to CHUNK: most timelines are a few hundred ops.
    let a = this.chunks[c];
    if (a === undefined) this.chunks.push((a = this.make(c === 0 ? 1024 : CHUNK)));
    else if (c === 0 && this.length === a.length) {
      const more = this.make(Math.min(CHUNK, a.length * 2));
      more.set(a);
      this.chunks[0] = a = more;
    }
    a[this.length++ & MASK] = x;
  }

  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS]![i & MASK]!;
  }

  /** A copy of what is filled, in one array, to hand over (transfer) to the page. */
  copy(): A {
    const out = this.make(this.length);
    for (let c = 0; c < this.chunks.length; c++) {
      const a = this.chunks[c]!;
      const n = Math.min(a.length, this.length - c * CHUNK);
      out.set(n === a.length ? a : a.subarray(0, n), c * CHUNK);
    }
    return out;
  }

  get bytes(): number {
    return this.chunks.reduce((n, a) => n + a.byteLength, 0);
  }
}

export const f64 = (n: number) => new Float64Array(n);
export const u32 = (n: number) => new Uint32Array(n);
