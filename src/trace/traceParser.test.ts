/**
 * The parser as a stream: chunk boundaries anywhere give the same records; the line shapes of
 * tracefs and trace-cmd report; markers, gaps, and the events it only counts.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from './mmutraceFormats';
import { parseTraceText } from './parseTraceText';
import { TraceParser, type TraceGap, type TraceMarker } from './traceParser';

const trace = (path: string) =>
  gunzipSync(
    readFileSync(new URL(`../../test/traces/${path}/trace.txt.gz`, import.meta.url)),
  ).toString();

/** Every record of `chunks`, in order, as one string to compare. */
function recordsOf(chunks: Iterable<string>): string {
  const out: (TraceEvent | TraceMarker | TraceGap)[] = [];
  const p = new TraceParser({
    onEvent: (e) => out.push(e),
    onMarker: (m) => out.push(m),
    onGap: (g) => out.push(g),
  });
  for (const c of chunks) p.push(c);
  return JSON.stringify([out, p.end()]);
}

function* cut(text: string, at: number[]): Generator<string> {
  let from = 0;
  for (const i of [...at].sort((a, b) => a - b)) {
    yield text.slice(from, i);
    from = i;
  }
  yield text.slice(from);
}

describe('chunk boundaries', () => {
  // Every event kind of 6.12 is in these two, markers too; a gap and a skipped event are added.
  // The second goes without its header: a second header is a second run, which is refused.
  const text =
    trace('linux-6.12/tdp-tdpmmu-thp').split('\n').slice(0, 3000).join('\n') +
    '\nCPU:0 [LOST 7 EVENTS]\n' +
    trace('linux-6.12/shadow-alias')
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n') +
    '             vmm-225     [000] .....     9.000001: sched_waking: comm=vmm pid=225\n';
  const whole = recordsOf([text]);

  it('random-sized chunks give the records one chunk gives', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: text.length }), { maxLength: 400 }), (at) => {
        expect(recordsOf(cut(text, at))).toBe(whole);
      }),
      { numRuns: 25 },
    );
  });

  it('a chunk per character', () => {
    const part = text.slice(0, text.indexOf('\n', 20_000) + 1);
    expect(recordsOf(part)).toBe(recordsOf([part]));
  });

  it('keeps only the unfinished line between chunks', () => {
    const p = new TraceParser();
    const line =
      '             vmm-225     [000] .....     4.643731: kvm_mmu_paging_element: pte 11003 level 4\n';
    p.push(line.repeat(1000) + line.slice(0, 40));
    expect((p as unknown as { partial: string }).partial).toBe(line.slice(0, 40));
  });
});

describe('line shapes', () => {
  it('trace-cmd report: preamble, no flags column, padded names, print: markers, dropped events', () => {
    const { events, markers, gaps, summary } = parseTraceText(
      [
        'version = 6',
        'cpus=2',
        'CPU 1 is empty',
        '           <...>-3979  [000]   217.975284: kvm_mmu_set_dirty_bit: gpa 19000',
        '             vmm-225   [000]   217.975290: print:                tracing_mark_write: realtrace: guest phase 2 done',
        'CPU:0 [12 EVENTS DROPPED]',
        '             vmm-225   [000]   217.975295123: kvm_mmu_paging_element:   pte 11003 level 4',
        'CPU:1 [EVENTS DROPPED]',
      ].join('\n'),
    );
    expect(events).toEqual([
      { event: 'kvm_mmu_set_dirty_bit', line: 4, ts: 217.975284, cpu: 0, pid: 3979, gpa: 0x19000 },
      {
        event: 'kvm_mmu_paging_element',
        line: 7,
        ts: 217.975295123,
        cpu: 0,
        pid: 225,
        pteHi: 0,
        pteLo: 0x11003,
        level: 4,
      },
    ]);
    expect(markers).toEqual([
      { line: 5, ts: 217.97529, cpu: 0, text: 'realtrace: guest phase 2 done' },
    ]);
    expect(gaps).toEqual([
      { line: 6, cpu: 0, lost: 12 },
      { line: 8, cpu: 1, lost: null },
    ]);
    expect(summary).toMatchObject({ lines: 8, events: 3, markers: 1, gaps: 2, lost: 12 });
    expect(summary.counts).toEqual({
      kvm_mmu_set_dirty_bit: 1,
      kvm_mmu_paging_element: 1,
      tracing_mark_write: 1,
    });
    expect(summary.skipped).toEqual({});
  });

  it('tracefs: header, lost events, a TGID column, task names with blanks and dashes, CRLF', () => {
    const { events, gaps, summary } = parseTraceText(
      [
        '# tracer: nop',
        '#',
        '#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION',
        '            bash-1977    (   1977) [002] ...1.   1.000001: kvm_mmu_set_accessed_bit: gpa 17000\r',
        '     Web Content-4242    (-------) [001] d..1.   1.000002: kvm_mmu_set_accessed_bit: gpa 18000',
        '        my-vmm-7-99      [013] .....   1.000003: kvm_mmu_set_accessed_bit: gpa 19000',
        'CPU:3 [LOST 120 EVENTS]',
        '[LOST 3 EVENTS]',
        'CPU:2 [LOST EVENTS]',
        '',
        '          <idle>-0       [000] d.h2.  123456789: kvm_mmu_set_accessed_bit: gpa 1a000',
      ].join('\n') + '\n',
    );
    expect(events.map((e) => [e.line, e.pid, e.cpu, e.ts])).toEqual([
      [4, 1977, 2, 1.000001],
      [5, 4242, 1, 1.000002],
      [6, 99, 13, 1.000003],
      [11, 0, 0, 123456789],
    ]);
    expect(gaps).toEqual([
      { line: 7, cpu: 3, lost: 120 },
      { line: 8, cpu: null, lost: 3 },
      { line: 9, cpu: 2, lost: null },
    ]);
    expect(summary).toMatchObject({ lines: 11, events: 4, gaps: 3, lost: 123 });
  });

  it('counts events it does not read, by name, and skips them', () => {
    const h = '             vmm-225     [000] .....     4.6: ';
    const { events, markers, summary } = parseTraceText(
      [
        h + 'sched_switch: prev_comm=vmm prev_pid=225 ==> next_comm=swapper/0',
        h + 'sched_switch: prev_comm=swapper/0',
        h + 'do_thing.isra.0: a trace_printk',
        h + 'tracing_mark_write: realtrace: vm closed',
        h + 'kvm_mmu_set_dirty_bit: gpa 19000',
      ].join('\n'),
    );
    expect(events).toHaveLength(1);
    expect(markers.map((m) => m.text)).toEqual(['realtrace: vm closed']);
    expect(summary.counts).toEqual({
      kvm_mmu_set_dirty_bit: 1,
      sched_switch: 2,
      'do_thing.isra.0': 1,
      tracing_mark_write: 1,
    });
    expect(summary.skipped).toEqual({ sched_switch: 2, 'do_thing.isra.0': 1 });
  });
});
