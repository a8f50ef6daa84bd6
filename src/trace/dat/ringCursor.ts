/**
 * Walks one CPU's ring-buffer pages record by record, as libtraceevent's kbuffer-parse.c does
 * (and the kernel's kernel/trace/ring_buffer.c writes them). A page: a u64 timestamp, the commit
 * word (a kernel long: bits 0-26 the bytes of data, bit 31 RB_MISSED_EVENTS, bit 30
 * RB_MISSED_STORED: the count of lost events is a long after the data), then the records. A
 * record: a u32 of type_len (5 bits) and time_delta (27 bits), then by type_len:
 *   0      a u32 length (+4) and the data, padded to 4 bytes;
 *   1-28   type_len * 4 bytes of data;
 *   29     padding: time_delta 0 ends the page, else a discarded event of u32 length;
 *   30     time extend: a u32 of the delta's bits 27 and up;
 *   31     absolute time stamp: a u32 of bits 27-58; bits 59-63 stay the page's.
 * Deltas add up from the page's timestamp (padding's too, as kbuffer does). Timestamps are kept
 * exact as two uint32 halves.
 */
import { DatError } from './datError';
import type { DatMeta } from './datMeta';
import type { CpuBlocks, PageBlock } from './cpuBlocks';

const TWO_32 = 2 ** 32;
const COMMIT_MASK = (1 << 27) - 1;
const MISSED_EVENTS = 0x80000000;
const MISSED_STORED = 0x40000000;
const TYPE_DATA_MAX = 28;
const TYPE_PADDING = 29;
const TYPE_TIME_EXTEND = 30;

export class RingCursor {
  /** The current record: its data in `bytes` at [start, start + length). */
  bytes: Uint8Array = new Uint8Array(0);
  dv = new DataView(this.bytes.buffer);
  start = 0;
  length = 0;
  tsHi = 0;
  tsLo = 0;
  /** The timestamp in ns as one number, for merging CPUs. */
  ts = 0;
  /** Lost-event notices (null: a number not kept) to give before the current record. */
  gaps: (number | null)[] = [];
  done = false;

  private block: PageBlock | null = null;
  private page = 0;
  private pos = 0;
  private pageEnd = 0;
  private readonly le: boolean;
  private readonly pageSize: number;

  constructor(
    private readonly blocks: CpuBlocks,
    private readonly meta: DatMeta,
  ) {
    this.le = meta.le;
    this.pageSize = meta.pageSize;
  }

  get cpu(): number {
    return this.blocks.cpu.cpu;
  }

  /** File offset (or the chunk) of the current record, for messages. */
  place(at = this.start): { where: string; offset: number | null } {
    const b = this.block!;
    if (b.fileOffset !== null) return { where: b.where, offset: b.fileOffset + at };
    return { where: `${b.where}, byte ${at} of its inflated pages`, offset: null };
  }

  private fail(why: string, at: number): never {
    const p = this.place(at);
    throw new DatError(p.where, p.offset, why);
  }

  /** Moves to the next data record; `done` when there is none. */
  async advance(): Promise<void> {
    while (!this.nextInBlock()) {
      const b = await this.blocks.next();
      if (b === null) {
        this.done = true;
        return;
      }
      this.block = b;
      this.bytes = b.bytes;
      this.dv = new DataView(b.bytes.buffer, b.bytes.byteOffset, b.bytes.byteLength);
      this.page = -this.pageSize;
      this.pos = this.pageEnd = 0;
    }
  }

  /** The next data record in the loaded block; false when the block is used up. */
  nextInBlock(): boolean {
    const dv = this.dv;
    const le = this.le;
    for (;;) {
      if (this.pos >= this.pageEnd && !this.nextPage()) return false;
      const pos = this.pos;
      if (pos + 4 > this.pageEnd) this.fail('a record header runs past the page’s data', pos);
      const w = dv.getUint32(pos, le);
      const typeLen = le ? w & 31 : w >>> 27;
      const delta = le ? w >>> 5 : w & 0x7ffffff;
      if (typeLen <= TYPE_DATA_MAX) {
        let start = pos + 4;
        let length = typeLen * 4;
        if (typeLen === 0) {
          if (pos + 8 > this.pageEnd) this.fail('a record length runs past the page’s data', pos);
          const n = dv.getUint32(pos + 4, le);
          if (n < 4) this.fail(`a record of length ${n}`, pos);
          length = (n - 4 + 3) & ~3;
          start = pos + 8;
        }
        if (start + length > this.pageEnd)
          this.fail(`a ${length}-byte record runs past the page’s data`, pos);
        this.addDelta(0, delta);
        this.start = start;
        this.length = length;
        this.pos = start + length;
        return true;
      }
      if (typeLen === TYPE_PADDING) {
        if (delta === 0) {
          this.pos = this.pageEnd; // the rest of the page is empty
          continue;
        }
        if (pos + 8 > this.pageEnd) this.fail('a padding length runs past the page’s data', pos);
        this.pos = pos + 4 + dv.getUint32(pos + 4, le);
        this.addDelta(0, delta);
        continue;
      }
      if (pos + 8 > this.pageEnd) this.fail('a time stamp runs past the page’s data', pos);
      const ext = dv.getUint32(pos + 4, le);
      // ext << 27 | delta, as two halves: bits 27-58 of the time.
      const hi = ext >>> 5;
      const lo = (((ext & 31) << 27) | delta) >>> 0;
      if (typeLen === TYPE_TIME_EXTEND) this.addDelta(hi, lo);
      else {
        this.tsHi = (hi | (this.tsHi & 0xf8000000)) >>> 0;
        this.tsLo = lo;
        this.ts = this.tsHi * TWO_32 + lo;
      }
      this.pos = pos + 8;
    }
  }

  private addDelta(hi: number, lo: number): void {
    let l = this.tsLo + lo;
    let h = this.tsHi + hi;
    if (l >= TWO_32) {
      l -= TWO_32;
      h++;
    }
    this.tsLo = l;
    this.tsHi = h >>> 0;
    this.ts = this.tsHi * TWO_32 + l;
  }

  /** Loads the page header of the next page in the block; false at the block's end. */
  private nextPage(): boolean {
    this.page += this.pageSize;
    if (this.page >= this.bytes.length) return false;
    const p = this.page;
    const dv = this.dv;
    const { commitOffset, commitSize, dataOffset } = this.meta.page;
    this.tsLo = dv.getUint32(p + (this.le ? 0 : 4), this.le);
    this.tsHi = dv.getUint32(p + (this.le ? 4 : 0), this.le);
    this.ts = this.tsHi * TWO_32 + this.tsLo;
    // kbuffer reads the long and keeps its low 32 bits: the flags are there in either size.
    const flags = dv.getUint32(p + commitOffset + (this.le ? 0 : commitSize - 4), this.le);
    const size = flags & COMMIT_MASK;
    if (dataOffset + size > this.pageSize)
      this.fail(`the page commits ${size} bytes, more than its ${this.pageSize - dataOffset}`, p);
    if (flags & MISSED_EVENTS) {
      let lost: number | null = null;
      const at = p + dataOffset + size;
      if (flags & MISSED_STORED && at + commitSize <= p + this.pageSize) {
        lost = dv.getUint32(at + (this.le ? 0 : commitSize - 4), this.le);
        if (commitSize === 8) lost += dv.getUint32(at + (this.le ? 4 : 0), this.le) * TWO_32;
      }
      this.gaps.push(lost);
    }
    this.pos = p + dataOffset;
    this.pageEnd = this.pos + size;
    return true;
  }
}
