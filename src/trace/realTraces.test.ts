/**
 * The ten real traces in test/traces (Linux 6.1 and 6.12, five workloads each) parse without an
 * error, through the Node file reader and through the web-stream reader, and every count the
 * run's meta.txt gives agrees with what the parser saw.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseTraceFile } from './nodeStream';
import { TraceParser, type TraceMarker } from './traceParser';
import { parseWebStream } from './webStream';

const ROOT = new URL('../../test/traces/', import.meta.url);
const RUNS = ['linux-6.1', 'linux-6.12'].flatMap((k) =>
  readdirSync(new URL(`${k}/`, ROOT)).map((name) => `${k}/${name}`),
);

interface Meta {
  counts: Record<string, number>;
  lines: number;
  header: number;
  entries: number;
}

function metaOf(run: string): Meta {
  const text = readFileSync(new URL(`${run}/meta.txt`, ROOT), 'utf8');
  const section = text.split('== event counts')[1]!.split('\n\n')[0]!;
  const counts: Record<string, number> = {};
  for (const m of section.matchAll(/^\s+(\d+) (\w+)$/gm)) counts[m[2]!] = Number(m[1]);
  const lines = text.match(/(\d+) lines incl\. the (\d+)-line header/)!;
  const entries = text.match(/^\s+entries: (\d+)$/m)!;
  return { counts, lines: Number(lines[1]), header: Number(lines[2]), entries: Number(entries[1]) };
}

/** A byte stream that hands out `bytes` in pieces of pseudo-random sizes (1 to 70000). */
function byteStream(bytes: Uint8Array, seed: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const n = 1 + (seed % 70000);
      c.enqueue(bytes.slice(at, at + n));
      at += n;
    },
  });
}

it('holds the ten runs', () => {
  expect(RUNS).toHaveLength(10);
});

describe.each(RUNS)('%s', (run) => {
  const meta = metaOf(run);
  const gz = new URL(`${run}/trace.txt.gz`, ROOT).pathname;

  it('parses with no error, and agrees with meta.txt', async () => {
    const markers: TraceMarker[] = [];
    let events = 0;
    const s = await parseTraceFile(gz, {
      onEvent: () => events++,
      onMarker: (m) => markers.push(m),
    });
    expect(s.counts).toEqual(meta.counts);
    expect(s.lines).toBe(meta.lines);
    expect(s.events).toBe(meta.entries);
    expect(events + s.markers).toBe(meta.entries);
    expect(s.markers).toBe(meta.counts.tracing_mark_write);
    expect(s.skipped).toEqual({});
    expect(s.gaps).toBe(0);
    expect(markers[0]!.text).toMatch(/^realtrace: start workload=/);
  });

  it('reads the same through a web ReadableStream, gzipped or not', async () => {
    const bytes = readFileSync(gz);
    const viaNode = await parseTraceFile(gz);
    expect(await parseWebStream(byteStream(bytes, 7), new TraceParser())).toEqual(viaNode);
    expect(await parseWebStream(byteStream(gunzipSync(bytes), 11), new TraceParser())).toEqual(
      viaNode,
    );
  });
});

it('a character split between byte chunks arrives whole', async () => {
  const text =
    '             vmm-225     [000] .....     4.594151: tracing_mark_write: phase ✓ — done\n';
  const bytes = new TextEncoder().encode(text);
  for (let cut = 60; cut < bytes.length; cut++) {
    const markers: TraceMarker[] = [];
    const parts = [bytes.slice(0, cut), bytes.slice(cut, cut + 1), bytes.slice(cut + 1)];
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        const next = parts.shift();
        if (next === undefined) c.close();
        else c.enqueue(next);
      },
    });
    await parseWebStream(stream, new TraceParser({ onMarker: (m) => markers.push(m) }));
    expect(markers.map((m) => m.text)).toEqual(['phase ✓ — done']);
  }
});
