/**
 * A version 7 trace.dat (trace-cmd.dat.v7(5)): after the initial header, sections anywhere in
 * the file, found from a chain of options sections. A section header is a u16 id, u16 flags (1:
 * compressed), a u32 description (a string id) and a u64 size (the 8 bytes lib/trace-cmd's
 * read_section_header() reads; the document says 4). A compressed section's data is a u32
 * compressed size, a u32 inflated size and the compressed bytes.
 */
import { BinReader } from './binReader';
import { bytesSource, type ByteSource } from './byteSource';
import { ByteStream } from './byteStream';
import { DatError } from './datError';
import type { DatMeta, InitialHeader } from './datMeta';
import { codecOf, inflateBlock, type Codec } from './decompress';
import type { EventFormat } from './formats';
import { readCmdlines, readEventFormats, readFtraceFormats, readHeaderInfo } from './metaParts';
import {
  emptyOptions,
  OPT_BUFFER,
  OPT_CMDLINES,
  OPT_DONE,
  OPT_EVENT_FORMATS,
  OPT_FTRACE_EVENTS,
  OPT_HEADER_INFO,
  readOption,
  type Options,
} from './options';

const SECTION_HEADER = 16;
const SEC_FL_COMPRESS = 1;
/** No metadata section inflates past this (a kernel's event formats are about 1 MiB). */
const MAX_SECTION = 256 << 20;
/** A chain of options sections longer than this loops. */
const MAX_OPTIONS_SECTIONS = 1024;

interface Section {
  id: number;
  compressed: boolean;
  /** The data: the file's bytes, or the inflated ones. */
  stream: ByteStream;
}

async function openSection(
  src: ByteSource,
  h: InitialHeader,
  codec: Codec | null,
  offset: number,
  id: number,
  where: string,
): Promise<Section> {
  if (offset + SECTION_HEADER > src.size)
    throw new DatError(
      where,
      offset,
      `the section header is past the end of the ${src.size}-byte file (cut short?)`,
    );
  const r = new BinReader(await src.read(offset, SECTION_HEADER), h.le, where, offset);
  const got = r.u16('section id');
  const flags = r.u16('section flags');
  r.u32('section description');
  const size = r.u64('section size');
  if (got !== id) r.fail(`a section of id ${got}, where the options say ${id}`, 0);
  const start = offset + SECTION_HEADER;
  if (start + size > src.size)
    throw new DatError(
      where,
      offset,
      `a ${size}-byte section runs past the end of the ${src.size}-byte file (cut short?)`,
    );
  const compressed = (flags & SEC_FL_COMPRESS) !== 0;
  if (!compressed)
    return { id, compressed, stream: new ByteStream(src, start, start + size, where, true, h.le) };
  if (codec === null)
    throw new DatError(where, offset, 'a compressed section in a file that names no compression');
  if (id === OPT_BUFFER)
    return { id, compressed, stream: new ByteStream(src, start, start, where, true, h.le) };
  const c = new BinReader(await src.read(start, Math.min(size, 8)), h.le, where, start);
  const csize = c.u32('compressed size');
  const usize = c.u32('inflated size');
  if (csize + 8 > size) c.fail(`${csize} compressed bytes in a ${size}-byte section`, 0);
  if (usize > MAX_SECTION)
    c.fail(`inflates to ${usize} bytes, past the ${MAX_SECTION}-byte limit of a section`, 4);
  const data = inflateBlock(codec, await src.read(start + 8, csize), usize, where, start + 8);
  return {
    id,
    compressed,
    stream: new ByteStream(bytesSource(data), 0, usize, where, false, h.le),
  };
}

export async function readV7(src: ByteSource, h: InitialHeader): Promise<DatMeta> {
  const s = new ByteStream(src, h.end, src.size, 'initial header', true, h.le);
  const name = await s.cstring('compression name');
  await s.cstring('compression version');
  const known = codecOf(name);
  if (known === undefined) return s.fail(`compression "${name}": this reader knows zstd and zlib`);
  const codec: Codec | null = known;
  const o = emptyOptions();
  const seen = new Set<number>();
  for (let at = await s.u64('options offset'); at !== 0;) {
    if (seen.has(at) || seen.size >= MAX_OPTIONS_SECTIONS)
      throw new DatError('options', at, 'the chain of options sections loops');
    seen.add(at);
    at = await readOptions(src, h, codec, at, o);
  }
  const part = async (id: number, what: string) => {
    const at = o.sections.get(id);
    if (at === undefined) throw new DatError('options', null, `no ${what} section`);
    return (await openSection(src, h, codec, at, id, what)).stream;
  };
  const page = await readHeaderInfo(await part(OPT_HEADER_INFO, 'header info'));
  const formats = new Map<number, EventFormat>();
  await readFtraceFormats(await part(OPT_FTRACE_EVENTS, 'ftrace formats'), formats);
  await readEventFormats(await part(OPT_EVENT_FORMATS, 'event formats'), formats);
  const cmdlines = o.sections.has(OPT_CMDLINES)
    ? await readCmdlines(await part(OPT_CMDLINES, 'cmdlines'))
    : new Map<number, string>();
  const top = o.buffers.find((b) => b.name === '' && !b.latency);
  if (top === undefined)
    throw new DatError(
      'options',
      null,
      o.buffers.some((b) => b.latency)
        ? 'a latency trace (tracer text), not flyrecord ring-buffer data'
        : 'no BUFFER option for the top instance: the file has no ring-buffer data',
    );
  const fly = await openSection(src, h, codec, top.offset, OPT_BUFFER, 'flyrecord');
  const pageSize = top.pageSize || h.pageSize;
  if (pageSize < 1024 || pageSize > 1 << 24 || (pageSize & (pageSize - 1)) !== 0)
    throw new DatError(
      'options',
      null,
      `the buffer's page size ${pageSize} is not a power of two from 1 KiB to 16 MiB`,
    );
  for (const c of top.cpus)
    if (c.offset + c.size > src.size)
      throw new DatError(
        `CPU ${c.cpu} data`,
        c.offset,
        `${c.size} bytes run past the end of the ${src.size}-byte file (truncated?)`,
      );
  return {
    version: 7,
    le: h.le,
    pageSize,
    codec,
    page,
    formats,
    cmdlines,
    uname: o.uname,
    clock: top.clock ?? o.clock,
    traceCmd: o.traceCmd,
    cpus: top.cpus,
    dataCompressed: fly.compressed,
    otherBuffers: o.buffers.filter((b) => b !== top).map((b) => b.name),
  };
}

/** One options section into `o`; the offset of the next, 0 for none. */
async function readOptions(
  src: ByteSource,
  h: InitialHeader,
  codec: Codec | null,
  at: number,
  o: Options,
): Promise<number> {
  const s = (await openSection(src, h, codec, at, OPT_DONE, 'options')).stream;
  for (;;) {
    const id = await s.u16('option id');
    const r = await s.reader(await s.u32('option size'), `option ${id}`);
    if (id === OPT_DONE) return r.u64('next options offset');
    readOption(o, id, r, true);
  }
}
