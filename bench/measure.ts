/** Times one workload once (after the caller's warm-up) and notes the memory it holds. */
export interface BenchResult {
  name: string;
  nsPerOp: number;
  ops: number;
  /** JS heap plus typed-array memory still reachable after the run, in MB. */
  heapMB: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

function usedMB(): number {
  gc?.();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
}

export function measure(name: string, ops: number, run: () => unknown): BenchResult {
  const before = usedMB();
  const t0 = process.hrtime.bigint();
  const keep = run();
  const ns = Number(process.hrtime.bigint() - t0);
  const heapMB = usedMB() - before;
  void keep; // held until here so heapMB counts what the workload built
  const r = { name, nsPerOp: ns / ops, ops, heapMB: Math.max(0, heapMB) };
  console.log(`${name.padEnd(44)} ${r.nsPerOp.toFixed(1).padStart(10)} ns/op ${String(ops).padStart(9)} ops ${r.heapMB.toFixed(1).padStart(8)} MB`);
  return r;
}
