/**
 * What a trace.dat says about itself before its events: read from the initial header, then by
 * version (fileV6.ts, fileV7.ts). The initial header (both versions):
 *   "\x17\x08\x44tracing", the version as text and NUL ("6", "7"), endianness (0 little, 1 big),
 *   the size of a user-space long, the page size (u32); version 7 then has the compression's name
 *   and version (two NUL-terminated strings, "none" for none) and the offset of the first options.
 */
import type { ByteSource } from './byteSource';
import { DatError } from './datError';
import { latin1Text } from './binReader';
import type { Codec } from './decompress';
import type { EventFormat, PageHeader } from './formats';

export const DAT_MAGIC = [0x17, 0x08, 0x44, ...Array.from('tracing', (c) => c.charCodeAt(0))];

/** One CPU's ring-buffer pages: where they are in the file (compressed, in version 7 chunks). */
export interface DatCpu {
  cpu: number;
  offset: number;
  size: number;
}

export interface DatMeta {
  version: number;
  le: boolean;
  pageSize: number;
  /** Version 7's compression of its sections and data; null for none. */
  codec: Codec | null;
  page: PageHeader;
  /** Every event format, by the ID records carry. */
  formats: Map<number, EventFormat>;
  /** saved_cmdlines: the task name of a PID. */
  cmdlines: Map<number, string>;
  /** The UNAME option: "Linux host 6.1.0-56-amd64 x86_64", as trace-cmd wrote it. */
  uname: string | null;
  clock: string | null;
  /** The trace-cmd that wrote it (the VERSION option). */
  traceCmd: string | null;
  /** The top instance's CPUs, in the file's order. */
  cpus: DatCpu[];
  /** The CPU data is in compressed chunks (version 7 with a codec). */
  dataCompressed: boolean;
  /** Instances (trace-cmd record -B) whose data is not read, by name. */
  otherBuffers: string[];
}

export interface InitialHeader {
  version: number;
  le: boolean;
  longSize: number;
  pageSize: number;
  /** Where the header ends: version 6's header_page, version 7's compression name. */
  end: number;
}

export function isDatMagic(b: Uint8Array): boolean {
  return b.length >= DAT_MAGIC.length && DAT_MAGIC.every((c, i) => b[i] === c);
}

export async function readInitialHeader(src: ByteSource): Promise<InitialHeader> {
  const where = 'initial header';
  const b = await src.read(0, 64);
  if (!isDatMagic(b))
    throw new DatError(where, 0, 'no "\\x17\\x08\\x44tracing" magic: not a trace-cmd trace.dat');
  const nul = b.indexOf(0, 10);
  if (nul < 0 || nul > 20) throw new DatError(where, 10, 'the version string has no NUL');
  const text = latin1Text(b.subarray(10, nul));
  const version = /^\d+$/.test(text) ? Number(text) : NaN;
  if (version !== 6 && version !== 7)
    throw new DatError(where, 10, `file version "${text}": this reader knows versions 6 and 7`);
  if (nul + 7 > b.length) throw new DatError(where, nul, 'the file ends inside its header');
  const endian = b[nul + 1]!;
  if (endian > 1) throw new DatError(where, nul + 1, `endianness byte ${endian}, not 0 or 1`);
  const le = endian === 0;
  const longSize = b[nul + 2]!;
  if (longSize !== 4 && longSize !== 8)
    throw new DatError(where, nul + 2, `long size ${longSize}, not 4 or 8`);
  const pageSize = new DataView(b.buffer, b.byteOffset + nul + 3, 4).getUint32(0, le);
  if (pageSize < 1024 || pageSize > 1 << 24 || (pageSize & (pageSize - 1)) !== 0)
    throw new DatError(
      where,
      nul + 3,
      `page size ${pageSize}, not a power of two from 1 KiB to 16 MiB`,
    );
  return { version, le, longSize, pageSize, end: nul + 7 };
}

/** TRACECLOCK: the trace_clock file, "[local] global counter ...": the bracketed one. */
export function clockOf(text: string): string | null {
  return /\[([^\]]+)\]/.exec(text)?.[1] ?? null;
}
