/**
 * Trace import (issue 8): the streamed parser over 1,000,000 events, every field typed. The input
 * is the largest shared trace's event lines (6.1 nested-shadowmmu-thp: walks, paging elements,
 * exits, faults, SPTEs) repeated, handed over as 64 KiB strings the way a stream reader decodes
 * them, so the clock sees line splitting and parsing, not decompression or file reads.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { KernelEvent } from '../src/trace/replay/kernelEvents';
import { MmuWorld, replayEvent } from '../src/model/mmuOps';
import { installTraceReplay, traceStateOf } from '../src/trace/replay/replayKernelEvent';
import { TraceImport } from '../src/trace/traceImport';
import { TraceParser } from '../src/trace/traceParser';
import { measure, type BenchResult } from './measure';

const TRACE = 'test/traces/linux-6.1/nested-shadowmmu-thp/trace.txt.gz';
const EVENTS = 1_000_000;
const CHUNK = 1 << 16;

function chunks(trace = TRACE): { chunks: string[]; bytes: number } {
  const lines = gunzipSync(readFileSync(trace))
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
  // Each copy after the first leaves out the VMM's kvm-stats lines: a copy is a new VM whose
  // counters start again at 0, which one long replay of one VM cannot be (the structure can:
  // every run ends in a full teardown).
  const again = lines.filter((l) => !l.includes('realtrace: kvm-stats '));
  const picked: string[] = lines.slice(0, EVENTS);
  // Each copy's clock moves on past the last (a CPU's clock going back is a contradiction).
  for (let copy = 1; picked.length < EVENTS; copy++)
    picked.push(
      ...again
        .slice(0, EVENTS - picked.length)
        .map((l) =>
          l.replace(
            /(\] \S+ +)(\d+)\./,
            (_, pre: string, s: string) => `${pre}${Number(s) + 1000 * copy}.`,
          ),
        ),
    );
  const text = picked.join('\n') + '\n';
  const buf = Buffer.from(text, 'utf8');
  // Decoded from bytes one chunk at a time, as a stream hands them over: flat strings, not
  // slices of one large string (which V8 reads more slowly).
  const out: string[] = [];
  for (let i = 0; i < buf.length; i += CHUNK) out.push(buf.toString('utf8', i, i + CHUNK));
  return { chunks: out, bytes: buf.length };
}

export function traceBenches(): BenchResult[] {
  const input = chunks();
  let touched = 0;
  const r = measure('import.parse', EVENTS, () => {
    const p = new TraceParser({ onEvent: (e) => (touched += e.line & 1) });
    for (const c of input.chunks) p.push(c);
    const s = p.end();
    if (s.events !== EVENTS || Object.keys(s.skipped).length > 0)
      throw new Error(`parsed ${s.events} events, skipped ${JSON.stringify(s.skipped)}`);
    return s;
  });
  if (touched === 0) throw new Error('no event reached the callback');
  const secs = (r.nsPerOp * EVENTS) / 1e9;
  r.extra = { eventsPerSec: Math.round(EVENTS / secs), mbPerSec: input.bytes / 2 ** 20 / secs };
  return [r, ...replayBenches()];
}

/**
 * import.replay: the same 1,000,000 lines parsed, turned into kernel events and replayed through
 * the model, as `npm run import` does (each run of the trace ends in a full teardown, so the
 * repeats replay as one long, consistent trace; chunks() says why the repeats carry no
 * kvm-stats lines). Memory held is the world afterwards: the
 * model's state, not the text's. import.replay.model: the kernel events alone through the model.
 */
function replayBenches(): BenchResult[] {
  const out: BenchResult[] = [];
  for (const [name, trace] of [
    ['import.replay', TRACE],
    ['import.replay.shadow-alias', 'test/traces/linux-6.1/shadow-alias/trace.txt.gz'],
  ] as const) {
    const input = chunks(trace);
    let replayed = 0;
    let contradictions = 0;
    const r = measure(name, EVENTS, () => {
      const world = newWorld(trace);
      const imp = new TraceImport((ev) => {
        replayEvent(world, ev);
      });
      const p = new TraceParser(imp.handlers);
      for (const c of input.chunks) p.push(c);
      p.end();
      replayed = imp.ops;
      contradictions = traceStateOf(world)?.contradictions.length ?? 0;
      return world;
    });
    if (contradictions > 0) throw new Error(`${name}: ${contradictions} contradictions`);
    const secs = (r.nsPerOp * EVENTS) / 1e9;
    r.extra = {
      eventsPerSec: Math.round(EVENTS / secs),
      kernelEventsReplayed: replayed,
      kernelEventsPerSec: Math.round(replayed / secs),
    };
    out.push(r);
  }
  // The model alone: kernel events already converted.
  const events: KernelEvent[] = [];
  const imp = new TraceImport((ev) => events.push(ev));
  const p = new TraceParser(imp.handlers);
  for (const c of chunks().chunks) p.push(c);
  p.end();
  const m = measure('import.replay.model', events.length, () => {
    const world = newWorld(TRACE);
    for (const ev of events) replayEvent(world, ev);
    return world;
  });
  m.extra = { kernelEventsPerSec: Math.round(1e9 / m.nsPerOp) };
  out.push(m);
  return out;
}

function newWorld(trace: string): MmuWorld {
  const shadow = trace.includes('shadow-alias');
  const world = new MmuWorld(
    { memslots: [], vcpus: 1, rmapHeads: 0 },
    { rmap: 'spte_count', tdp: !shadow, tdpMmu: false },
  );
  installTraceReplay(world);
  return world;
}
