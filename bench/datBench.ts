/**
 * import.parse.dat: the trace.dat reader (src/trace/dat/) over the 6.1 nested run's trace.dat and
 * the 6.12 TDP MMU run's, each read REPEATS times from memory into a callback, so the clock sees
 * ring-buffer pages, zstd chunks and record decoding, not file reads. Both are version 7 files
 * with zstd sections, as trace-cmd 3.1 writes them. `.open` is the metadata alone (formats,
 * cmdlines), once per file; `eventsPerSec` is of reading the events of an opened file, the part
 * that grows with the trace. Needs ../shared/traces/real/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { bytesSource } from '../src/trace/dat/byteSource';
import { DatTrace } from '../src/trace/dat/datReader';
import { measureAsync, type BenchResult } from './measure';

const RUNS = [
  ['import.parse.dat', '../shared/traces/real/linux-6.1/nested-shadowmmu-thp/trace.dat'],
  ['import.parse.dat.tdp-mmu-6.12', '../shared/traces/real/linux-6.12/tdp-tdpmmu-thp/trace.dat'],
] as const;
const REPEATS = 40;

export async function datBenches(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  for (const [name, path] of RUNS) {
    if (!existsSync(path)) {
      console.log(`${name}: ${path} not found, skipped`);
      continue;
    }
    const src = bytesSource(new Uint8Array(readFileSync(path)));
    const dat = await DatTrace.open(src);
    let touched = 0;
    const events = (await dat.read()).events;
    const r = await measureAsync(name, events * REPEATS, async () => {
      for (let i = 0; i < REPEATS; i++) {
        const s = await dat.read({ onEvent: (e) => (touched += e.line & 1) });
        if (s.events !== events) throw new Error(`read ${s.events} events, then ${events}`);
      }
    });
    if (touched === 0) throw new Error('no event reached the callback');
    const open = await measureAsync(`${name}.open`, 1, () => DatTrace.open(src), 16);
    r.extra = {
      eventsPerSec: Math.round(1e9 / r.nsPerOp),
      eventsInFile: events,
      openMs: open.nsPerOp / 1e6,
      // Opening and reading the file once, per event.
      wholeFileEventsPerSec: Math.round(events / ((open.nsPerOp + r.nsPerOp * events) / 1e9)),
    };
    console.log(`  ${JSON.stringify(r.extra)}`);
    out.push(r, open);
  }
  return out;
}
