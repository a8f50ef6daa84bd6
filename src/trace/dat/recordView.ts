/**
 * A record's fields read in place, at the offsets and sizes its format gives (RawView for
 * rawDecoders.ts): no object per field, no bigint. One view per event type, pointed at each
 * record in turn.
 */
import type { FieldNeed, RawView } from '../rawDecoders';
import { DatError } from './datError';
import type { EventFormat } from './formats';

const TWO_32 = 2 ** 32;

export class RecordView implements RawView {
  dv!: DataView;
  base = 0;
  /** -1: the field is not in this kernel's format (an optional one). */
  private readonly off: Int32Array;
  private readonly size: Uint8Array;
  private readonly signed: Uint8Array;
  /** The record must be this long to hold every field. */
  readonly minLength: number;

  constructor(
    format: EventFormat,
    needs: readonly FieldNeed[],
    private readonly le: boolean,
  ) {
    this.off = new Int32Array(needs.length);
    this.size = new Uint8Array(needs.length);
    this.signed = new Uint8Array(needs.length);
    let min = 0;
    needs.forEach((n, i) => {
      const f = format.field(n.name);
      const what = `${format.system}:${format.name}`;
      if (f === undefined) {
        if (!n.optional)
          throw new DatError(
            'event formats',
            null,
            `${what} has no field ${n.name}, which the reader needs`,
          );
        this.off[i] = -1;
        return;
      }
      if (!n.sizes.includes(f.size))
        throw new DatError(
          'event formats',
          null,
          `${what}'s field ${n.name} is ${f.size} bytes; the reader knows it as ${n.sizes.join(' or ')}`,
        );
      this.off[i] = f.offset;
      this.size[i] = f.size;
      this.signed[i] = f.signed ? 1 : 0;
      min = Math.max(min, f.offset + f.size);
    });
    this.minLength = min;
  }

  has(i: number): boolean {
    return this.off[i]! >= 0;
  }

  num(i: number): number {
    const o = this.base + this.off[i]!;
    const dv = this.dv;
    const s = this.signed[i] === 1;
    switch (this.size[i]) {
      case 1:
        return s ? dv.getInt8(o) : dv.getUint8(o);
      case 2:
        return s ? dv.getInt16(o, this.le) : dv.getUint16(o, this.le);
      case 4:
        return s ? dv.getInt32(o, this.le) : dv.getUint32(o, this.le);
      default: {
        const hi = dv.getUint32(o + (this.le ? 4 : 0), this.le);
        const lo = dv.getUint32(o + (this.le ? 0 : 4), this.le);
        if (hi < 0x200000) return hi * TWO_32 + lo;
        // Negative and within 2^53 of 0: exact.
        if (s && hi >= 0xffe00000) return (hi - TWO_32) * TWO_32 + lo;
        return NaN;
      }
    }
  }

  hi(i: number): number {
    if (this.size[i] === 8)
      return this.dv.getUint32(this.base + this.off[i]! + (this.le ? 4 : 0), this.le);
    return this.signed[i] === 1 && this.num(i) < 0 ? 0xffffffff : 0;
  }

  lo(i: number): number {
    if (this.size[i] === 8)
      return this.dv.getUint32(this.base + this.off[i]! + (this.le ? 0 : 4), this.le);
    return this.num(i) >>> 0;
  }
}
