/**
 * One CPU's ring-buffer pages, a block at a time, so a CPU's data is never in memory whole:
 * uncompressed (version 6, or 7 without a codec), 1 MiB of whole pages per block; compressed
 * (version 7), one chunk per block (trace-cmd.dat.v7(5) "COMPRESSION FORMAT OF THE TRACE DATA":
 * a u32 count of chunks, then each chunk's u32 compressed size, u32 inflated size, aligned to
 * the page size, and its bytes; the CPU's size in the BUFFER option leaves out the count).
 */
import { BinReader } from './binReader';
import type { ByteSource } from './byteSource';
import { DatError } from './datError';
import type { DatCpu, DatMeta } from './datMeta';
import { inflateBlock } from './decompress';

const READ_BLOCK = 1 << 20;
/** trace-cmd compresses a few pages per chunk (its default is 10); this is only the cap. */
const MAX_CHUNK = 64 << 20;

export interface PageBlock {
  bytes: Uint8Array;
  /** File offset of bytes[0]; null for an inflated chunk. */
  fileOffset: number | null;
  /** For messages: "CPU 0 data" or "CPU 0 data, chunk 3 (at byte 1036292)". */
  where: string;
}

export class CpuBlocks {
  private pos: number;
  private readonly end: number;
  private chunksLeft = -1;
  private chunk = 0;
  /** The chunks are inflated into one buffer: a block is done with before the next is read. */
  private scratch: Uint8Array | undefined;

  constructor(
    private readonly src: ByteSource,
    private readonly meta: DatMeta,
    readonly cpu: DatCpu,
  ) {
    this.pos = cpu.offset;
    // Compressed, the size counts the chunks, not the u32 count before them
    // (tracecmd_compress_copy_from).
    this.end = cpu.offset + cpu.size + (meta.dataCompressed && cpu.size > 0 ? 4 : 0);
  }

  private get where(): string {
    return `CPU ${this.cpu.cpu} data`;
  }

  /** The next block of whole pages, or null after the last. */
  async next(): Promise<PageBlock | null> {
    return this.meta.dataCompressed ? this.nextChunk() : this.nextRaw();
  }

  private async nextRaw(): Promise<PageBlock | null> {
    const page = this.meta.pageSize;
    const left = this.end - this.pos;
    if (left <= 0) return null;
    if (left < page)
      throw new DatError(
        this.where,
        this.pos,
        `the data ends ${left} bytes into a ${page}-byte page`,
      );
    const n = Math.min(left - (left % page), Math.max(page, READ_BLOCK - (READ_BLOCK % page)));
    const bytes = await this.src.read(this.pos, n);
    if (bytes.length !== n)
      throw new DatError(this.where, this.pos, 'the file ends inside the data (truncated)');
    const b = { bytes, fileOffset: this.pos, where: this.where };
    this.pos += n;
    return b;
  }

  private async header(n: number, what: string): Promise<BinReader> {
    if (this.pos + n > this.end)
      throw new DatError(
        this.where,
        this.pos,
        `${what} runs past the CPU's ${this.cpu.size} bytes`,
      );
    const r = new BinReader(await this.src.read(this.pos, n), this.meta.le, this.where, this.pos);
    this.pos += n;
    return r;
  }

  private async nextChunk(): Promise<PageBlock | null> {
    if (this.chunksLeft < 0) {
      if (this.cpu.size === 0) return null;
      this.chunksLeft = (await this.header(4, 'the chunk count')).u32('chunk count');
    }
    if (this.chunksLeft === 0) return null;
    this.chunksLeft--;
    const at = this.pos;
    const h = await this.header(8, 'a chunk header');
    const csize = h.u32('compressed size');
    const usize = h.u32('inflated size');
    const where = `${this.where}, chunk ${this.chunk++} (at byte ${at})`;
    if (usize > MAX_CHUNK || usize % this.meta.pageSize !== 0 || usize === 0)
      throw new DatError(
        where,
        at,
        `inflates to ${usize} bytes: not whole ${this.meta.pageSize}-byte pages within ${MAX_CHUNK}`,
      );
    if (this.pos + csize > this.end)
      throw new DatError(where, at, `${csize} compressed bytes run past the CPU's data`);
    const data = await this.src.read(this.pos, csize);
    if (data.length !== csize)
      throw new DatError(where, this.pos, 'the file ends inside the chunk (truncated)');
    if (this.scratch === undefined || this.scratch.length < usize)
      this.scratch = new Uint8Array(usize);
    const bytes = inflateBlock(this.meta.codec!, data, usize, where, this.pos, this.scratch);
    this.pos += csize;
    return { bytes, fileOffset: null, where };
  }
}
