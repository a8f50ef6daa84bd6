/**
 * The fourteen real traces in test/traces (Linux 6.1 and 6.12, six workloads each; 7.3, two)
 * parse without an error, through the Node file reader and through the web-stream reader, and
 * every count the run's meta.txt gives agrees with what the parser saw: the grep -o counts, the
 * lines, bytes and ring-buffer entries, the trace.txt side of its trace-cmd comparison, and the
 * KVM statistics the VMM logged, which the trace holds as markers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { resolveKernelRelease } from '../model/kernelVersions';
import { parseTraceFile } from './nodeStream';
import { sniffTrace, SNIFF_BYTES } from './traceImport';
import { TraceParser, type TraceMarker } from './traceParser';
import { parseWebStream } from './webStream';

const ROOT = new URL('../../test/traces/', import.meta.url);
const KERNEL_DIRS = readdirSync(ROOT)
  .filter((d) => /^linux-\d/.test(d))
  .sort();
const RUNS = KERNEL_DIRS.flatMap((k) =>
  readdirSync(new URL(`${k}/`, ROOT)).map((name) => `${k}/${name}`),
);

interface Meta {
  /** "== event counts (grep -o of event names)". */
  counts: Record<string, number>;
  lines: number;
  header: number;
  /** trace.txt's size, uncompressed. */
  bytes: number;
  /** The ring buffer's stats after the run. */
  ring: Record<string, number>;
  /** The trace.txt side of "event counts, trace.txt vs trace-cmd report", and of "all events". */
  vsReport: Record<string, number>;
  allEvents: number;
  /** uname -r of the kernel that ran. */
  uname: string;
  /** The VMM's log lines "kvm-stats vm ..." / "kvm-stats vcpu0 ...", in order. */
  stats: string[];
}

/** meta.txt's sections by heading ("== trace file" -> "trace file"). */
function sectionsOf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(/^== /m).slice(1)) {
    const nl = part.indexOf('\n');
    out.set(part.slice(0, nl).trim(), part.slice(nl + 1));
  }
  return out;
}

function section(all: Map<string, string>, prefix: string): string {
  const key = [...all.keys()].find((k) => k.startsWith(prefix));
  if (key === undefined) throw new Error(`meta.txt has no "== ${prefix}" section`);
  return all.get(key)!;
}

function metaOf(run: string): Meta {
  const all = sectionsOf(readFileSync(new URL(`${run}/meta.txt`, ROOT), 'utf8'));
  const counts: Record<string, number> = {};
  for (const m of section(all, 'event counts').matchAll(/^\s+(\d+) (\w+)$/gm))
    counts[m[2]!] = Number(m[1]);
  const file = section(all, 'trace file');
  const lines = /\((\d+) bytes uncompressed,\s+(\d+) lines incl\. the (\d+)-line header/.exec(
    file,
  )!;
  const ring: Record<string, number> = {};
  for (const m of file.matchAll(/^\s+(entries|overrun|commit overrun|dropped events): (\d+)$/gm))
    ring[m[1]!] = Number(m[2]);
  const report = section(all, 'trace-cmd files');
  const vsReport: Record<string, number> = {};
  for (const m of report.matchAll(/^\s+(\w+): (\d+) \/ (\d+)\s+equal$/gm))
    vsReport[m[1]!] = Number(m[2]);
  const allEvents = /^\s+all events \(.*\): (\d+) \/ (\d+)$/m.exec(report)!;
  const uname = /^uname -r: (\S+)$/m.exec(section(all, 'kernel and KVM module parameters'))!;
  const stats = [...section(all, 'VMM output').matchAll(/^\[vmm\s+[\d.]+\] (kvm-stats .*)$/gm)].map(
    (m) => m[1]!,
  );
  return {
    counts,
    lines: Number(lines[2]),
    header: Number(lines[3]),
    bytes: Number(lines[1]),
    ring,
    vsReport,
    allEvents: Number(allEvents[1]),
    uname: uname[1]!,
    stats,
  };
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

it('holds the fourteen runs: six of 6.1, six of 6.12, two of 7.3', () => {
  expect(RUNS).toHaveLength(14);
  const per = (k: string) => RUNS.filter((r) => r.startsWith(`${k}/`)).length;
  expect(KERNEL_DIRS.map((k) => [k, per(k)])).toEqual([
    ['linux-6.1', 6],
    ['linux-6.12', 6],
    ['linux-7.3', 2],
  ]);
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
    expect(s.events).toBe(meta.ring.entries);
    expect(events + s.markers).toBe(meta.ring.entries);
    expect(s.markers).toBe(meta.counts.tracing_mark_write);
    expect(s.skipped).toEqual({});
    expect(s.gaps).toBe(0);
    expect(markers[0]!.text).toMatch(/^realtrace: start workload=/);
    // Nothing lost, and trace.txt's side of the trace-cmd comparison.
    expect([meta.ring.overrun, meta.ring['commit overrun'], meta.ring['dropped events']]).toEqual([
      0, 0, 0,
    ]);
    expect(s.events).toBe(meta.allEvents);
    expect(Object.keys(meta.vsReport).length).toBeGreaterThan(0);
    for (const [name, n] of Object.entries(meta.vsReport))
      expect([name, s.counts[name] ?? 0]).toEqual([name, n]);
    // KVM's statistics as the VMM logged them are the trace's markers, in order.
    const stats = markers
      .map((m) => m.text.replace(/^realtrace: /, ''))
      .filter((t) => t.startsWith('kvm-stats '));
    expect(stats.length).toBeGreaterThan(0);
    expect(stats).toEqual(meta.stats);
  });

  it('has the size and header meta.txt gives', () => {
    const text = gunzipSync(readFileSync(gz));
    expect(text.length).toBe(meta.bytes);
    const head = text.subarray(0, 4096).toString('utf8').split('\n');
    expect(head.slice(0, meta.header).every((l) => l.startsWith('#'))).toBe(true);
    expect(head[meta.header]!.startsWith('#')).toBe(false);
  });

  it('is the kernel its folder names (uname -r), and the importer sees no other', () => {
    const { version } = resolveKernelRelease(meta.uname);
    expect(run.startsWith(`linux-${version}/`)).toBe(true);
    const head = gunzipSync(readFileSync(gz)).toString('utf8').slice(0, SNIFF_BYTES);
    const k = sniffTrace(head).kernel;
    if (k.how === 'seen') expect(k.value).toBe(version);
    if (version === '7.3') expect(k).toMatchObject({ value: '7.3', how: 'seen' });
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
