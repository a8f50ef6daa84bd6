/**
 * Sequential reads of a trace.dat's metadata from a ByteSource, a block at a time: a version 6
 * file is read front to back this way, and a version 7 section once inflated. Every length is
 * checked against what is left of the part before anything is read, so a size that lies past the
 * end is a DatError with its offset, never a huge allocation.
 */
import type { ByteSource } from './byteSource';
import { BinReader } from './binReader';
import { DatError } from './datError';

const BLOCK = 1 << 16;

export class ByteStream {
  private buf: Uint8Array = new Uint8Array(0);
  private bufAt = 0;
  pos: number;

  constructor(
    private readonly src: ByteSource,
    start: number,
    /** Where this part ends (the file's size, or the inflated section's). */
    readonly end: number,
    /** The part being read, for messages. */
    public where: string,
    /** Offsets are the file's (else positions in inflated data). */
    private readonly inFile: boolean,
    readonly le: boolean,
  ) {
    this.pos = start;
  }

  fail(why: string, at = this.pos): never {
    if (this.inFile) throw new DatError(this.where, at, why);
    throw new DatError(`${this.where}, byte ${at} of its inflated data`, null, why);
  }

  get left(): number {
    return this.end - this.pos;
  }

  /** `n` bytes at the position (a view of the block buffer: valid until the next read). */
  async take(n: number, what: string): Promise<Uint8Array> {
    if (n > this.left) this.fail(`${what} needs ${n} bytes, only ${this.left} are left`);
    if (this.pos < this.bufAt || this.pos + n > this.bufAt + this.buf.length) {
      const len = Math.min(Math.max(n, BLOCK), this.end - this.pos);
      this.buf = await this.src.read(this.pos, len);
      this.bufAt = this.pos;
      if (this.buf.length < n)
        this.fail(`${what}: the file ends after ${this.buf.length} of ${n} bytes`);
    }
    const at = this.pos - this.bufAt;
    this.pos += n;
    return this.buf.subarray(at, at + n);
  }

  skip(n: number, what: string): void {
    if (n > this.left) this.fail(`${what} needs ${n} bytes, only ${this.left} are left`);
    this.pos += n;
  }

  /** `n` bytes as a BinReader that reports this part's offsets. */
  async reader(n: number, what: string): Promise<BinReader> {
    const at = this.pos;
    return new BinReader(await this.take(n, what), this.le, this.where, this.inFile ? at : null);
  }
  async u16(what: string): Promise<number> {
    return (await this.reader(2, what)).u16(what);
  }
  async u32(what: string): Promise<number> {
    return (await this.reader(4, what)).u32(what);
  }
  async u64(what: string): Promise<number> {
    return (await this.reader(8, what)).u64(what);
  }

  /** A NUL-terminated string of at most `max` bytes. */
  async cstring(what: string, max = 4096): Promise<string> {
    const at = this.pos;
    const n = Math.min(max + 1, this.left);
    const b = await this.take(n, what);
    const nul = b.indexOf(0);
    if (nul < 0) this.fail(`${what} has no terminating NUL within ${max} bytes`, at);
    this.pos = at + nul + 1;
    return new TextDecoder('latin1').decode(b.subarray(0, nul));
  }
}
