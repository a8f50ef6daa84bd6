/**
 * A bounds-checked cursor over bytes held in memory (a section, an option, a page), in the file's
 * endianness. Every read past the end is a DatError naming the part and the file offset, so a
 * length field that lies can never read outside what was loaded.
 */
import { DatError } from './datError';

const TWO_32 = 2 ** 32;
const TWO_53 = 2 ** 53;
const latin1 = new TextDecoder('latin1');

export class BinReader {
  readonly dv: DataView;
  pos = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly le: boolean,
    /** For messages: the part being read, and the file offset of bytes[0] (null: decompressed). */
    readonly where: string,
    readonly fileOffset: number | null,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get left(): number {
    return this.bytes.length - this.pos;
  }

  /** The message, at the current position (a file offset, or the position in the data). */
  fail(why: string, at = this.pos): never {
    if (this.fileOffset !== null) throw new DatError(this.where, this.fileOffset + at, why);
    throw new DatError(`${this.where}, byte ${at} of its data`, null, why);
  }

  need(n: number, what: string): void {
    if (n > this.left) this.fail(`${what} needs ${n} bytes, ${this.left} left`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }
  u16(what: string): number {
    this.need(2, what);
    const v = this.dv.getUint16(this.pos, this.le);
    this.pos += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.dv.getUint32(this.pos, this.le);
    this.pos += 4;
    return v;
  }
  /** A 64-bit size or offset: refused at 2^53 and more (no file is that large). */
  u64(what: string): number {
    this.need(8, what);
    const a = this.dv.getUint32(this.pos, this.le);
    const b = this.dv.getUint32(this.pos + 4, this.le);
    const v = this.le ? b * TWO_32 + a : a * TWO_32 + b;
    if (v >= TWO_53) this.fail(`${what} is ${v}, past any file`);
    this.pos += 8;
    return v;
  }
  /** A NUL-terminated string (ASCII in every field that has one). */
  cstring(what: string): string {
    const end = this.bytes.indexOf(0, this.pos);
    if (end < 0) this.fail(`${what} has no terminating NUL`);
    const s = latin1.decode(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }
  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const b = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}

export function latin1Text(b: Uint8Array): string {
  return latin1.decode(b);
}
