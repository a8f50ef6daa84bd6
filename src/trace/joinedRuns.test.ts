/**
 * Two runs in one file, the second without its header (`cat` of two traces, headers dropped):
 * the import `npm run import` makes (importTraceFile) replays to the end without an exception,
 * the second run's restarted clock is a contradiction at its first line, and whatever else the
 * second VM disagrees on (the kernel's counters start again at 0; the model's go on) is a
 * contradiction with its line. A second run of other parameters (a shadow-paging VM, then a TDP
 * MMU one) too: it once threw a TypeError, as fast_page_fault rewrote the first VM's huge leaf
 * as a link to no page.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { importTraceFile } from './nodeImport';

const dir = mkdtempSync(join(tmpdir(), 'kmv-joined-'));

function linesOf(run: string): string[] {
  const url = new URL(`../../test/traces/${run}/trace.txt.gz`, import.meta.url);
  const lines = gunzipSync(readFileSync(url)).toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** CPU and timestamp of an event line. */
function clockOf(line: string): { cpu: number; ts: string } {
  const m = /\[(\d+)\] \S+ +(\d+\.\d+): /.exec(line)!;
  return { cpu: Number(m[1]), ts: m[2]! };
}

/** `first` then `second`'s event lines, as a file; the line number where `second` starts. */
function joined(name: string, first: string[], second: string[]): { path: string; at: number } {
  const path = join(dir, `${name}.txt`);
  const body = second.filter((l) => !l.startsWith('#'));
  writeFileSync(path, [...first, ...body].join('\n') + '\n');
  return { path, at: first.length + 1 };
}

describe('a run joined after itself, without the second header', () => {
  it.each([
    'linux-6.12/tdp-tdpmmu-thp',
    'linux-6.12/nested-shadowmmu-thp',
    'linux-6.1/shadow-alias',
  ])(
    '%s: replays to the end; the clock going back is said once, at the second run’s first line',
    async (run) => {
      const lines = linesOf(run);
      const { path, at } = joined(run.replace('/', '-'), lines, lines);
      const { summary } = await importTraceFile(path);
      const c = summary.contradictions;
      const now = clockOf(lines.find((l) => !l.startsWith('#'))!);
      const before = clockOf(lines.at(-1)!);
      expect(now.cpu).toBe(before.cpu);
      expect(c[0]).toEqual({
        line: at,
        message: `timestamp ${now.ts} on CPU ${now.cpu} is before line ${at - 1}'s ${before.ts}: the events are out of order, or a second run (a new VM) starts here; open each run on its own`,
        fn: 'trace',
      });
      expect(c.filter((x) => x.fn === 'trace')).toHaveLength(1);
      // The first run still agrees with its kernel; every disagreement is the second's, at a line.
      for (const x of c) expect(x.line).toBeGreaterThanOrEqual(at);
      expect(summary.replayed).toBeGreaterThan(0);
    },
    60_000,
  );
});

describe('a second run of other parameters', () => {
  it.each([
    ['linux-6.12/shadow-alias', 'linux-6.12/tdp-tdpmmu-thp', 1],
    ['linux-6.1/nested-shadowmmu-thp', 'linux-7.3/tdp-tdpmmu-thp', 1],
    // The first VM cut off halfway: its pages are still there when the second starts.
    ['linux-6.12/tdp-shadowmmu-thp', 'linux-6.12/tdp-shadowmmu-thp', 0.5],
  ] as const)(
    '%s, then %s (of the first, the part %s): contradictions with lines, no exception',
    async (a, b, part) => {
      const first = linesOf(a);
      const { path, at } = joined(
        'mixed',
        first.slice(0, Math.floor(first.length * part)),
        linesOf(b),
      );
      const { summary } = await importTraceFile(path);
      const c = summary.contradictions;
      expect(c.length).toBeGreaterThan(0);
      for (const x of c) {
        expect(x.line).toBeGreaterThanOrEqual(at);
        expect(x.message).not.toBe('');
      }
    },
    60_000,
  );
});
