/**
 * A 1 GB kernel trace for `npm run bench:app`: a shared 6.12 run's body again and again, as one
 * long trace of one host running VM after VM. Each copy after the first drops the header and the
 * VMM's kvm-stats lines (a new VM's counters start again at 0, which one replay of one trace
 * cannot check) and moves its timestamps on past the previous copy's, as a real clock would.
 * Every run ends in a full teardown, so the copies replay as a consistent trace. Made once into
 * the system's temp folder and reused.
 */
import { createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const BIG_TRACE_RUN = '../shared/traces/real/linux-6.12/nested-tdpmmu-alias/trace.txt.gz';
const TARGET_BYTES = 1 << 30;

/** The timestamp column: "[000] d..1.    20.730795: " (seconds with a microsecond fraction). */
const TS = /(\] \S+ +)(\d+)\.(\d{6}):/;

export async function bigTrace(): Promise<{ path: string; bytes: number; copies: number }> {
  const path = join(tmpdir(), 'kvm-mmu-viz-bench-1g.txt');
  const lines = gunzipSync(readFileSync(BIG_TRACE_RUN)).toString('utf8').split('\n');
  const body = lines.filter((l) => l !== '' && !l.startsWith('#'));
  const again = body.filter((l) => !l.includes('realtrace: kvm-stats '));
  const micros = (l: string) => {
    const m = TS.exec(l);
    return m ? Number(m[2]) * 1e6 + Number(m[3]) : 0;
  };
  const first = micros(body[0]!);
  const span = micros(body.at(-1)!) - first + 1000;
  const head = lines.filter((l) => l.startsWith('#')).join('\n') + '\n' + body.join('\n') + '\n';
  const copyBytes = Buffer.byteLength(again.join('\n') + '\n');
  const copies = 1 + Math.ceil((TARGET_BYTES - Buffer.byteLength(head)) / copyBytes);
  // Made by this same code before (a shifted timestamp may grow a digit, so about this size).
  if (existsSync(path) && Math.abs(statSync(path).size / TARGET_BYTES - 1) < 0.01)
    return { path, bytes: statSync(path).size, copies };

  const out = createWriteStream(path);
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
  await write(head);
  for (let k = 1; k < copies; k++) {
    const shift = k * span;
    const text = again
      .map((l) =>
        l.replace(TS, (_, pre: string, s: string, us: string) => {
          const t = Number(s) * 1e6 + Number(us) + shift;
          return `${pre}${Math.floor(t / 1e6)}.${String(t % 1e6).padStart(6, '0')}:`;
        }),
      )
      .join('\n');
    await write(text + '\n');
  }
  await new Promise<void>((r) => out.end(r));
  return { path, bytes: statSync(path).size, copies };
}
