/**
 * Feeds a TraceParser from Node streams and files: node:zlib for .gz, the stream's own UTF-8
 * decoder (which never splits a character between chunks). Node-only, so it lives apart from the
 * parser, which the browser worker uses too. A trace-cmd trace.dat (told by its magic bytes, also
 * gzipped) goes to the .dat reader instead (dat/datReader.ts), through a file handle.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import { createGunzip, gunzipSync, constants as zlibConstants } from 'node:zlib';
import type { ByteSource } from './dat/byteSource';
import { isDatMagic } from './dat/datMeta';
import { parseDat, type DatSummary } from './dat/datReader';
import { TraceParser, type TraceHandlers, type TraceSummary } from './traceParser';

/** Reads `input` to its end into `parser`; `gzip` says whether to gunzip it first. */
export async function parseNodeStream(
  input: Readable,
  parser: Pick<TraceParser, 'push' | 'end'>,
  gzip: boolean,
): Promise<TraceSummary> {
  // pipeline (not pipe) so that a read or gunzip error ends the loop below instead of hanging it.
  // 64 KiB out of gunzip (its default is 16): fewer, larger chunks cost less per line.
  const gunzip = () => createGunzip({ chunkSize: 1 << 16 });
  const text = gzip ? pipeline(input, gunzip(), () => undefined) : input;
  text.setEncoding('utf8');
  let lines = 0;
  try {
    // Leaving the loop by a throw destroys the stream: the rest of a failed file is not read.
    for await (const chunk of text) {
      if (gzip) lines += countNewlines(chunk as string);
      parser.push(chunk as string);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR')
      throw new Error(`gzip stream ends early, after line ${lines}`, { cause: e });
    if (code === 'Z_DATA_ERROR')
      throw new Error(`gzip data is corrupt after line ${lines}: ${(e as Error).message}`, {
        cause: e,
      });
    throw e;
  }
  return parser.end();
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * A trace file, gzipped or not (told by its first bytes, not its name): text, or a trace.dat.
 * A .dat's summary also has `dat`, what the file says about itself.
 */
export async function parseTraceFile(
  path: string,
  handlers: TraceHandlers = {},
): Promise<TraceSummary | DatSummary> {
  const kind = await fileKind(path);
  if (kind.dat) {
    const file = await openDatFile(path, kind.gzip);
    try {
      return await parseDat(file.source, handlers, { kernel: handlers.kernel });
    } finally {
      await file.close();
    }
  }
  return readTraceFile(path, new TraceParser(handlers));
}

/** Whether the file is gzipped, and whether it (or what it inflates to) is a trace.dat. */
export async function fileKind(path: string): Promise<{ gzip: boolean; dat: boolean }> {
  const fh = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(1 << 12), 0, 1 << 12, 0);
    const head = buffer.subarray(0, bytesRead);
    const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
    if (!gzip) return { gzip, dat: isDatMagic(head) };
    // The first bytes of what it inflates to; a stream cut here is fine (no error on the end).
    let inner: Buffer;
    try {
      inner = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch {
      return { gzip, dat: false }; // the text reader says what is wrong with it
    }
    return { gzip, dat: isDatMagic(inner) };
  } finally {
    await fh.close();
  }
}

/** A file as a ByteSource: each read is a positioned read of the handle. */
async function fileSource(path: string): Promise<{ source: ByteSource; close(): Promise<void> }> {
  const fh = await open(path, 'r');
  const { size } = await fh.stat();
  return {
    source: {
      size,
      async read(offset, length) {
        const n = Math.max(0, Math.min(length, size - offset));
        const buf = Buffer.alloc(n);
        const { bytesRead } = await fh.read(buf, 0, n, offset);
        return new Uint8Array(buf.buffer, buf.byteOffset, bytesRead);
      },
    },
    close: () => fh.close(),
  };
}

/**
 * A trace.dat to read: the file itself, or, gzipped, a temporary file it is inflated into (a
 * gzip stream cannot be read at an offset, and inflating into memory would hold all of it),
 * removed on close.
 */
export async function openDatFile(
  path: string,
  gzip: boolean,
): Promise<{ source: ByteSource; close(): Promise<void> }> {
  if (!gzip) return fileSource(path);
  const dir = await mkdtemp(join(tmpdir(), 'kvm-mmu-viz-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const inflated = join(dir, 'trace.dat');
    await pipelineAsync(createReadStream(path), createGunzip(), createWriteStream(inflated));
    const f = await fileSource(inflated);
    return {
      source: f.source,
      close: async () => {
        await f.close();
        await remove();
      },
    };
  } catch (e) {
    await remove();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR')
      throw new Error(
        `gzip data of the trace.dat is cut short or corrupt: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    throw e;
  }
}

/** The same, into any parser-shaped sink (one that also looks at the text on its way). */
export async function readTraceFile(
  path: string,
  parser: Pick<TraceParser, 'push' | 'end'>,
): Promise<TraceSummary> {
  const fh = await open(path, 'r');
  let gzip: boolean;
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(2), 0, 2, 0);
    gzip = bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await fh.close();
  }
  // 1 MiB reads: a trace of a GB is read in a thousand chunks, not sixteen thousand.
  return parseNodeStream(createReadStream(path, { highWaterMark: 1 << 20 }), parser, gzip);
}
