/**
 * npm run trace:stats -- <trace[.gz]>
 * Parses a kvmmmu trace (tracefs text or trace-cmd report output, gzipped or not) and prints the
 * events per name, the trace_marker lines, the lost-event gaps and each line where a CPU's clock
 * goes back (a second run joined on: the import's contradiction). A line that does not parse
 * stops it with the parser's message and exit status 1.
 */
import { err, out } from './terminal';
import { parseTraceFile } from '../trace/nodeStream';
import { TraceParseError } from '../trace/traceErrors';
import type { TraceGap, TraceMarker } from '../trace/traceParser';
import { CpuClocks } from '../trace/traceImport';
import type { KernelEvent } from '../trace/replay/kernelEvents';
import { clockBackText } from '../trace/replay/replayKernelEvent';

const path = process.argv[2];
if (path === undefined || process.argv.length > 3) {
  err('usage: npm run trace:stats -- <trace.txt | trace.txt.gz>');
  process.exit(2);
}

const markers: TraceMarker[] = [];
const gaps: TraceGap[] = [];
// A CPU's clock going back: the import's contradiction, said here too (a second run joined on).
const clockBack: Extract<KernelEvent, { ev: 'clock_back' }>[] = [];
const clocks = new CpuClocks((e) => {
  if (e.ev === 'clock_back') clockBack.push(e);
});
const t0 = performance.now();
try {
  const s = await parseTraceFile(path, {
    onEvent: (e) => clocks.tick(e.line, e.cpu, e.ts),
    onMarker: (m) => {
      clocks.tick(m.line, m.cpu, m.ts);
      markers.push(m);
    },
    onGap: (g) => gaps.push(g),
  });
  const secs = (performance.now() - t0) / 1000;
  out(
    `${path}: ${s.lines} lines, ${s.events} events in ${secs.toFixed(2)} s ` +
      `(${(s.events / secs / 1e6).toFixed(2)} M events/s)`,
  );
  out('\nevents:');
  for (const [name, n] of Object.entries(s.counts).sort((a, b) => b[1] - a[1]))
    out(`${String(n).padStart(10)}  ${name}${name in s.skipped ? '  (not read)' : ''}`);
  out(`\nmarkers (${markers.length}):`);
  for (const m of markers) out(`  line ${m.line}  ${m.ts.toFixed(6)}  ${m.text}`);
  out(`\ngaps (${gaps.length}, ${s.lost} events lost where counted):`);
  for (const g of gaps)
    out(`  line ${g.line}  cpu ${g.cpu ?? '?'}  lost ${g.lost ?? 'an unknown number'}`);
  if (clockBack.length > 0) out(`\nclock going back (${clockBack.length}):`);
  for (const c of clockBack) out(`  line ${c.line}  ${clockBackText(c)}`);
} catch (e) {
  // An input problem is one line with its place, never a stack.
  const code = (e as NodeJS.ErrnoException).code;
  const message = code === 'ENOENT' ? 'no such file' : (e as Error).message;
  err(`${path}: ${e instanceof TraceParseError ? e.message : message}`);
  process.exit(1);
}
