/**
 * npm run bench: prints every figure and writes bench/results.json (name -> ns/op, ops, heap MB;
 * "embed:<file>" -> bytes and gzip bytes of the built custom element, when dist/embed exists).
 * Speed targets are checked here, never in timed unit tests.
 */
import { writeFileSync } from 'node:fs';
import { cBaseline } from './cBaseline';
import { reportEmbedSizes } from './embedSizes';
import type { BenchResult } from './measure';
import { mmuBenches } from './mmuBench';
import { rmapBenches } from './rmapBench';
import { traceBenches } from './traceBench';
import { datBenches } from './datBench';

const results: BenchResult[] = [];
results.push(
  ...rmapBenches(false),
  ...rmapBenches(true),
  ...cBaseline(),
  ...mmuBenches(),
  ...traceBenches(),
  ...(await datBenches()),
);

const byName = Object.fromEntries(
  results.map((r) => [r.name, { nsPerOp: r.nsPerOp, ops: r.ops, heapMB: r.heapMB }]),
);
const c = byName['c.rmap.tail_count.add_1m'];
const js = byName['rmap.tail_count.add_1m'];
if (c && js)
  console.log(`tail_count add: model / C = ${(js.nsPerOp / c.nsPerOp).toFixed(2)}x (target <= 2x)`);
const sizes = reportEmbedSizes();
writeFileSync('bench/results.json', JSON.stringify({ ...byName, ...sizes }, null, 2) + '\n');
console.log('wrote bench/results.json');
