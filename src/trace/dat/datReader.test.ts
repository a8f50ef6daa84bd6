/**
 * Every real run in ../shared/traces/real/ (Linux 6.1, 6.12, 7.3): its trace.dat gives the same
 * events, markers and gaps as its trace.txt.gz through the text parser, record for record and in
 * order, with the same counts per name; linux-6.1/shadow-alias also as a gzipped version 6 file.
 * Compared without `line` and `text` (a .dat has no lines), `ts` to the microsecond the text
 * prints (the .dat keeps nanoseconds), and without %p pointers (the text prints their hash).
 * Then the whole import: the same summary from both files, lines mapped from one to the other.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { KernelVersion } from '../../model/kernelVersions';
import type { TraceEvent } from '../mmutraceFormats';
import { importTraceFile } from '../nodeImport';
import { parseTraceFile } from '../nodeStream';
import type { TraceGap, TraceMarker, TraceSummary } from '../traceParser';

const REAL = new URL('../../../../shared/traces/real/', import.meta.url);
const RUNS = existsSync(REAL)
  ? readdirSync(REAL)
      .filter((k) => k.startsWith('linux-'))
      .sort()
      .flatMap((k) => readdirSync(new URL(`${k}/`, REAL)).map((run) => `${k}/${run}`))
  : [];
const DATS: (readonly [string, string])[] = RUNS.map((run) => [run, `${run}/trace.dat`]);
DATS.push(['linux-6.1/shadow-alias', 'linux-6.1/shadow-alias/trace-v6.dat.gz']);

const path = (p: string) => fileURLToPath(new URL(p, REAL));

interface Parsed {
  events: TraceEvent[];
  markers: TraceMarker[];
  gaps: TraceGap[];
  /** The line of every event, marker and gap, in the order they came. */
  lines: number[];
  summary: TraceSummary;
}

async function parse(file: string): Promise<Parsed> {
  const p: Omit<Parsed, 'summary'> = { events: [], markers: [], gaps: [], lines: [] };
  const summary = await parseTraceFile(path(file), {
    onEvent: (e) => (p.events.push(e), p.lines.push(e.line)),
    onMarker: (m) => (p.markers.push(m), p.lines.push(m.line)),
    onGap: (g) => (p.gaps.push(g), p.lines.push(g.line)),
  });
  return { ...p, summary };
}

/** The microsecond the text prints: tracefs rounds (ns2usecs adds 500 ns, then divides). */
const usOfDat = (ts: number) => Math.round(ts * 1e6);
const usOfText = (ts: number) => Math.round(ts * 1e6);

const POINTERS = new Set(['mark_mmio_spte', 'fast_page_fault']);

function comparable(e: TraceEvent): Record<string, unknown> {
  const r: Record<string, unknown> = { ...e };
  delete r.line;
  delete r.text;
  delete r.ts;
  if (POINTERS.has(e.event)) {
    delete r.sptepHi;
    delete r.sptepLo;
  }
  return r;
}

describe.skipIf(RUNS.length === 0)('trace.dat against trace.txt.gz', () => {
  it.each(DATS)('%s: %s gives the text parser’s events', async (run, dat) => {
    const [d, t] = await Promise.all([parse(dat), parse(`${run}/trace.txt.gz`)]);
    expect(d.events.length).toBe(t.events.length);
    expect(d.events.length).toBeGreaterThan(1000);
    for (let i = 0; i < d.events.length; i++) {
      const a = d.events[i]!;
      const b = t.events[i]!;
      if (usOfDat(a.ts) !== usOfText(b.ts)) expect([i, a.ts]).toEqual([i, b.ts]);
      expect(comparable(a)).toEqual(comparable(b));
    }
    const marker = (m: TraceMarker) => ({ cpu: m.cpu, text: m.text });
    expect(d.markers.map(marker)).toEqual(t.markers.map(marker));
    expect(d.markers.map((m) => usOfDat(m.ts))).toEqual(t.markers.map((m) => usOfText(m.ts)));
    expect(d.gaps.map(({ cpu, lost }) => ({ cpu, lost }))).toEqual(
      t.gaps.map(({ cpu, lost }) => ({ cpu, lost })),
    );
    expect(d.summary.counts).toEqual(t.summary.counts);
    expect(d.summary.skipped).toEqual(t.summary.skipped);
    expect([d.summary.events, d.summary.markers, d.summary.gaps]).toEqual([
      t.summary.events,
      t.summary.markers,
      t.summary.gaps,
    ]);
    // Lines are ordinals: 1, 2, 3 ... with every record counted.
    expect(d.summary.lines).toBe(d.summary.events + d.summary.gaps);
    expect(d.lines.every((l, i) => i === 0 || l > d.lines[i - 1]!)).toBe(true);
  });

  it.each(DATS)('%s: %s imports as its text does', async (run, dat) => {
    const [d, t] = await Promise.all([parse(dat), parse(`${run}/trace.txt.gz`)]);
    const toText = new Map(d.lines.map((l, i) => [l, t.lines[i]!]));
    // The text runs as the kernel the .dat tells (its uname): a text that does not show it (a
    // shadow-paging 6.12 run has no bit-63 SPTE in its first MiB) would be assumed current.
    const ds = await importTraceFile(path(dat));
    const ts = await importTraceFile(path(`${run}/trace.txt.gz`), {
      kernel: ds.summary.kernel.value as KernelVersion,
    });
    const mapped = remapLines(ds.summary, toText) as typeof ds.summary;
    const drop = <T extends { lines: number; kernel: unknown }>(s: T) => ({
      ...s,
      lines: 0,
      kernel: (s.kernel as { value: string }).value,
    });
    expect(drop(mapped)).toEqual(drop(ts.summary));
    expect(ds.summary.kernel.how).toBe('seen');
    expect(ds.summary.kernel.why).toMatch(/uname/);
  });
});

/** Every `line`-like number of a summary as the text's line of the same record. */
function remapLines(v: unknown, toText: Map<number, number>): unknown {
  if (Array.isArray(v)) return v.map((x) => remapLines(x, toText));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const isLine = (k === 'line' || k.endsWith('Line')) && typeof x === 'number';
    out[k] = isLine ? (toText.get(x) ?? `unmapped ${x}`) : remapLines(x, toText);
  }
  return out;
}
