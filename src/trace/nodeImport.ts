/**
 * Importing a trace file in Node: read its first MiB to tell the kernel and parameters, then
 * stream the whole file through the parser into the model, one kernel event at a time. Nothing
 * is kept per event: memory follows the model's state, not the file's size.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { MmuWorld, replayEvent } from '../model/mmuOps';
import { parseTraceFile } from './nodeStream';
import {
  importKernelOptions,
  importSummary,
  sniffTrace,
  SNIFF_BYTES,
  TraceImport,
  type ImportOptions,
  type ImportSummary,
} from './traceImport';

/** The first `bytes` of a trace's text (gunzipped when it is gzip). */
export async function readTraceHead(path: string, bytes = SNIFF_BYTES): Promise<string> {
  const raw = createReadStream(path, { highWaterMark: 1 << 16 });
  const first: Buffer = await new Promise((resolve, reject) => {
    raw.once('readable', () => resolve((raw.read(2) as Buffer | null) ?? Buffer.alloc(0)));
    raw.once('error', reject);
  });
  raw.unshift(first);
  const gzip = first.length === 2 && first[0] === 0x1f && first[1] === 0x8b;
  const text = gzip ? raw.pipe(createGunzip()) : raw;
  let head = '';
  try {
    text.setEncoding('utf8');
    for await (const chunk of text) {
      head += chunk as string;
      if (head.length >= bytes) break;
    }
  } finally {
    raw.destroy();
    text.destroy();
  }
  return head.slice(0, bytes);
}

/** Replays a trace file through a fresh model; throws TraceParseError on a malformed line. */
export async function importTraceFile(
  path: string,
  given: ImportOptions = {},
): Promise<{ summary: ImportSummary; world: MmuWorld }> {
  const settings = sniffTrace(await readTraceHead(path), given);
  const world = new MmuWorld(
    { memslots: [], vcpus: 1, rmapHeads: 0 },
    importKernelOptions(settings),
  );
  const imp = new TraceImport((ev) => {
    replayEvent(world, ev);
  });
  const parsed = await parseTraceFile(path, imp.handlers);
  return { summary: importSummary(world, parsed, imp, settings), world };
}
