/**
 * Runs a workload several times and reports the median of the runs after the first half (the
 * JIT's warm-up), with the memory the last run's result still holds.
 */
export interface BenchResult {
  name: string;
  nsPerOp: number;
  ops: number;
  /** JS heap plus typed-array memory held by the workload's result, in MB. */
  heapMB: number;
  /** Figures particular to a workload. */
  extra?: Record<string, number>;
}

/** The last run's result, kept reachable while its memory is read. */
const held: unknown[] = [];

const gc = (globalThis as { gc?: () => void }).gc;

function usedMB(): number {
  gc?.();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
}

/** `run` builds its own state each time and returns what should count as held memory. */
export function measure(name: string, ops: number, run: () => unknown, repeats = 8): BenchResult {
  const times: number[] = [];
  let heapMB = 0;
  for (let r = 0; r < repeats; r++) {
    const before = usedMB();
    const t0 = process.hrtime.bigint();
    held.push(run());
    times.push(Number(process.hrtime.bigint() - t0));
    heapMB = usedMB() - before;
    held.length = 0;
  }
  const settled = times.slice(Math.floor(repeats / 2)).sort((a, b) => a - b);
  const median = settled[Math.floor(settled.length / 2)]!;
  const r = { name, nsPerOp: median / ops, ops, heapMB: Math.max(0, heapMB) };
  console.log(
    `${name.padEnd(40)} ${r.nsPerOp.toFixed(1).padStart(10)} ns/op ${String(ops).padStart(9)} ops ${r.heapMB.toFixed(1).padStart(7)} MB`,
  );
  return r;
}

/** measure() for a workload that awaits (the trace.dat reader reads through a ByteSource). */
export async function measureAsync(
  name: string,
  ops: number,
  run: () => Promise<unknown>,
  repeats = 8,
): Promise<BenchResult> {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    held.push(await run());
    times.push(Number(process.hrtime.bigint() - t0));
    held.length = 0;
  }
  const settled = times.slice(Math.floor(repeats / 2)).sort((a, b) => a - b);
  const median = settled[Math.floor(settled.length / 2)]!;
  const r = { name, nsPerOp: median / ops, ops, heapMB: 0 };
  console.log(
    `${name.padEnd(40)} ${r.nsPerOp.toFixed(1).padStart(10)} ns/op ${String(ops).padStart(9)} ops`,
  );
  return r;
}
