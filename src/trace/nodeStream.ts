/**
 * Feeds a TraceParser from Node streams and files: node:zlib for .gz, the stream's own UTF-8
 * decoder (which never splits a character between chunks). Node-only, so it lives apart from the
 * parser, which the browser worker uses too.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
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

/** A trace file, gzipped or not (told by its first two bytes, not its name). */
export function parseTraceFile(path: string, handlers: TraceHandlers = {}): Promise<TraceSummary> {
  return readTraceFile(path, new TraceParser(handlers));
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
