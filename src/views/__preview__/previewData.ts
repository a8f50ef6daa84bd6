/** Stand-ins for the preview page: a model that refuses like the real one, and long series. */

/** Like the worker: the default VM has one memslot of 1 << 20 pages from gfn 0. */
export function fakeModel(op: unknown): Promise<string | null> {
  const o = op as { op: string; gfn?: number; page?: number };
  const hex = (n: number) => '0x' + n.toString(16);
  if (o.gfn !== undefined && o.gfn >= 1 << 20)
    return Promise.resolve(`ops[2] (${o.op}): gfn ${hex(o.gfn)} is in no memslot`);
  if (o.op === 'zap' && (o.page ?? 0) > 514)
    return Promise.resolve(`ops[2] (zap): shadow page ${o.page} does not exist`);
  console.log('applied', op);
  return Promise.resolve(null);
}

/**
 * n ops of plausible, deterministic drift: pages grow and get shrunk back in slow waves, small
 * jitter on top, a descriptor spike every 9,973 ops (one a min/max downsampler must keep), and
 * flushes that only ever go up.
 */
export function syntheticSeries(n: number) {
  const descriptors: number[] = [];
  const bytes: number[] = [];
  const flushes: number[] = [];
  const pages: number[] = [];
  let f = 0;
  for (let i = 0; i < n; i++) {
    const wave = 1500 * (1 + Math.sin(i / 9000)) + 400 * Math.sin(i / 1300);
    const p = Math.round(300 + wave + ((i * 7919) % 61));
    const d = Math.round(p * 0.3 + (i % 9973 === 0 ? 1200 : 0));
    if (i % 13 === 0 || (i % 5000 < 40 && i % 2 === 0)) f++;
    pages.push(p);
    descriptors.push(d);
    flushes.push(f);
    bytes.push(p * (4096 + 184) + d * 128);
  }
  return { descriptors, bytes, flushes, pages };
}

/** Errors of every kind the editor shows: a type, a range, a missing field, an unknown key. */
export const BROKEN_SCENARIO = `{
  "format": "kvm-mmu-scenario/1",
  "options": { "tdp": false, "rmap": "tail_count", "colour": "blue" },
  "vm": { "memslots": [{ "baseGfn": 0, "npages": 1048576 }], "vcpus": 1 },
  "ops": [
    { "op": "fork", "gfn": 1024, "count": 1000 },
    { "op": "rmap_count", "gfn": "0x400" },
    { "op": "fault", "kind": "shadow", "gfn": 4096, "level": 4 },
    { "op": "zap" },
    { "op": "split", "targetLevel": 1 }
  ]
}
`;
