/**
 * `--from FILE|FIFO`: a capture played into the same pipeline as trace_pipe. As fast as it reads,
 * or with `realtime` at its own timestamps (a line waits until as much time has passed since the
 * first line as its timestamp says).
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';

/** The timestamp (seconds) of a tracefs line, `TASK-PID [CPU] FLAGS 18.620823: EVENT: ...`. */
const STAMP = /^\s*\S.*?\[\d+\]\s+(?:\S+\s+)?(\d+\.\d+):/;
export function lineTimestamp(line: string): number | undefined {
  if (line.startsWith('#')) return undefined;
  const m = STAMP.exec(line);
  return m ? Number(m[1]) : undefined;
}

/** Text chunks from a file or FIFO, gunzipped when it starts with gzip's magic. */
export async function* captureText(path: string): AsyncGenerator<string> {
  const chunks = (createReadStream(path) as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < 2) {
    const next = await chunks.next();
    if (next.done) break;
    head = Buffer.concat([head, next.value]);
  }
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    for (let n = await chunks.next(); !n.done; n = await chunks.next()) yield n.value;
  }
  const gz = head[0] === 0x1f && head[1] === 0x8b;
  const source: AsyncIterable<Buffer> = gz ? Readable.from(all()).pipe(createGunzip()) : all();
  const decoder = new TextDecoder();
  for await (const chunk of source) yield decoder.decode(chunk, { stream: true });
  const last = decoder.decode();
  if (last) yield last;
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/**
 * Chunks paced by their lines' timestamps: each chunk is cut at the first line whose timestamp is
 * ahead of the wall clock, and waits for it. `now` is injectable for the tests.
 */
export async function* paced(
  chunks: AsyncIterable<string>,
  now: () => number = () => performance.now(),
  wait: (ms: number) => Promise<unknown> = sleep,
): AsyncGenerator<string> {
  let start: { wall: number; stamp: number } | undefined;
  let rest = '';
  for await (const chunk of chunks) {
    const all = rest + chunk;
    const cut = all.lastIndexOf('\n');
    rest = all.slice(cut + 1);
    if (cut < 0) continue;
    let out = '';
    for (const line of all.slice(0, cut).split('\n')) {
      const t = lineTimestamp(line);
      if (t !== undefined) {
        start ??= { wall: now(), stamp: t };
        const due = start.wall + (t - start.stamp) * 1000 - now();
        if (due > 1) {
          if (out) yield out;
          out = '';
          await wait(due);
        }
      }
      out += line + '\n';
    }
    if (out) yield out;
  }
  if (rest) yield rest;
}
