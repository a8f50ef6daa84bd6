/** An append-only typed array that doubles as it fills: per-op figures of million-op timelines. */
export class Growable<A extends Float64Array | Uint32Array> {
  private a: A;
  length = 0;

  constructor(private readonly make: (n: number) => A) {
    this.a = make(1024);
  }

  push(x: number): void {
    if (this.length === this.a.length) {
      const more = this.make(this.a.length * 2);
      more.set(this.a);
      this.a = more;
    }
    this.a[this.length++] = x;
  }

  get(i: number): number {
    return this.a[i]!;
  }

  /** A copy of what is filled, to hand over (transfer) to the page. */
  copy(): A {
    return this.a.slice(0, this.length) as A;
  }

  get bytes(): number {
    return this.a.byteLength;
  }
}

export const f64 = (n: number) => new Float64Array(n);
export const u32 = (n: number) => new Uint32Array(n);
