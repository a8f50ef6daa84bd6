/** Builds and runs bench/c/pte_list_tail_count.c when a C compiler is here; [] otherwise. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResult } from './measure';

export function cBaseline(): BenchResult[] {
  const exe = join(mkdtempSync(join(tmpdir(), 'ptl-')), 'ptl');
  try {
    execFileSync('cc', ['-O2', '-o', exe, 'bench/c/pte_list_tail_count.c']);
  } catch {
    console.log('(no C compiler: skipping the C baseline)');
    return [];
  }
  return execFileSync(exe, { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => {
      const [name, ns, ops] = line.split(' ');
      const r = { name: name!, nsPerOp: Number(ns), ops: Number(ops), heapMB: 0 };
      console.log(
        `${r.name.padEnd(44)} ${r.nsPerOp.toFixed(1).padStart(10)} ns/op ${String(r.ops).padStart(9)} ops   (C -O2)`,
      );
      return r;
    });
}
