/**
 * A CPU's clock going back: impossible within one run, so a contradiction at its line, said once
 * (a joined second run is one contradiction, not one per line); other CPUs' clocks are their own.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MmuSession } from '../worker/mmuSession';
import { applyMmuOp, MmuWorld } from '../model/mmuOps';
import type { KernelEvent } from './replay/kernelEvents';
import { installTraceReplay, traceStateOf } from './replay/replayKernelEvent';
import type { Contradiction } from './replay/replayState';
import { TraceImport } from './traceImport';
import { TraceParser } from './traceParser';

const line = (cpu: number, ts: string, body: string) =>
  `             vmm-673     [00${cpu}] ...1.    ${ts}: ${body}`;
const PF = 'kvm_page_fault: vcpu 0 rip 0x1000 address 0x0000000000010000 error_code 0x6';

function clockEvents(lines: string[]): KernelEvent[] {
  const out: KernelEvent[] = [];
  const parser = new TraceParser(new TraceImport((e) => out.push(e)).handlers);
  parser.push(['# tracer: nop', '#', ...lines].join('\n') + '\n');
  parser.end();
  return out.filter((e) => e.ev === 'clock_back');
}

/** The replay's contradictions for a trace of `lines` (the header is lines 1 and 2). */
function replayed(lines: string[]): Contradiction[] {
  const world = new MmuWorld({ memslots: [], vcpus: 1, rmapHeads: 0 }, { tdp: true });
  installTraceReplay(world);
  const imp = new TraceImport((ev) => applyMmuOp(world, { op: 'kernel_event', ev }));
  const parser = new TraceParser(imp.handlers);
  parser.push(['# tracer: nop', '#', ...lines].join('\n') + '\n');
  parser.end();
  return traceStateOf(world)!.contradictions;
}

describe('each CPU’s clock', () => {
  it('going back on CPU 1 is one clock_back at its line; CPU 0 earlier is fine, and equal is fine', () => {
    const events = clockEvents([
      line(0, '20.000100', PF),
      line(1, '20.000200', PF),
      line(0, '20.000050', 'tracing_mark_write: realtrace: a marker counts'),
      line(1, '20.000200', PF),
      line(1, '20.000150', PF),
      line(1, '20.000140', PF),
      line(1, '20.000300', PF),
    ]);
    expect(events).toEqual([
      { ev: 'clock_back', line: 5, cpu: 0, ts: 20.00005, prevTs: 20.0001, prevLine: 3 },
      { ev: 'clock_back', line: 7, cpu: 1, ts: 20.00015, prevTs: 20.0002, prevLine: 6 },
      { ev: 'clock_back', line: 8, cpu: 1, ts: 20.00014, prevTs: 20.00015, prevLine: 7 },
    ]);
  });

  it('through the replay: CPU 1 going back once is exactly one contradiction, at its line', () => {
    // CPU 0 runs behind CPU 1 throughout (each CPU's buffer is its own), and repeats a stamp.
    const c = replayed([
      line(0, '20.000100', PF),
      line(1, '20.000300', PF),
      line(0, '20.000200', PF),
      line(0, '20.000200', PF),
      line(1, '20.000250', PF),
      line(0, '20.000260', PF),
      line(1, '20.000400', PF),
    ]);
    expect(c).toEqual([
      {
        line: 7,
        message:
          "timestamp 20.000250 on CPU 1 is before line 4's 20.000300: the events are out of order, or a second run (a new VM) starts here; open each run on its own",
        fn: 'trace',
      },
    ]);
  });

  it('nanosecond stamps (trace-cmd report -t) compare as printed: 1 ns back counts, equal does not', () => {
    const c = replayed([
      line(0, '1234.123456789', PF),
      line(0, '1234.123456789', PF),
      line(0, '1234.123456788', PF),
    ]);
    expect(c.map((x) => [x.line, x.message.split(':')[0]])).toEqual([
      [5, "timestamp 1234.123456788 on CPU 0 is before line 4's 1234.123456789"],
    ]);
  });

  it('a marker going back is the contradiction, and its op shows the marker’s own line', () => {
    const marker = line(1, '20.000100', 'tracing_mark_write: realtrace: kvm-stats vm pages_4k=0');
    const ops: { ev: KernelEvent; text?: string }[] = [];
    const parser = new TraceParser(
      new TraceImport((ev, text) => ops.push({ ev, ...(text === undefined ? {} : { text }) }), true)
        .handlers,
    );
    parser.push(['# tracer: nop', line(1, '20.000200', PF), marker].join('\n') + '\n');
    parser.end();
    expect(ops.map((o) => [o.ev.ev, o.ev.line, o.text])).toEqual([
      ['page_fault', 2, line(1, '20.000200', PF)],
      ['clock_back', 3, marker],
      ['kvm_stats', 3, marker],
    ]);
  });

  it('a real run joined after itself, clock and all: one contradiction, at the second run’s first line', async () => {
    const lines = gunzipSync(
      readFileSync(
        new URL('../../test/traces/linux-6.12/tdp-tdpmmu-thp/trace.txt.gz', import.meta.url),
      ),
    )
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '');
    const again = lines.filter((l) => !l.startsWith('#') && !l.includes('realtrace: kvm-stats '));
    const text = [...lines, ...again].join('\n') + '\n';
    const s = new MmuSession();
    const r = await s.load({ trace: new Blob([text]), name: 'joined.txt' });
    if (!r.ok) throw new Error(JSON.stringify(r));
    const c = r.info.trace!.contradictions;
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ line: lines.length + 1, fn: 'trace' });
    expect(c[0]!.message).toMatch(
      /^timestamp 20\.730795 on CPU 0 is before line \d+'s 21\.\d{6}: the events are out of order, or a second run \(a new VM\) starts here; open each run on its own$/,
    );
  });
});
