/**
 * Real props for the view preview (src/views/__preview__): runs presets and one long mixed
 * scenario through the model and writes what the worker would send at one op (caches, stats
 * with the per-op series, that op's cost) as JSON fixtures. The preview page itself runs no
 * model code: views get data, as they do from the worker.
 *   npx tsx e2e/preview/makeFixtures.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { memoryReport, pageCounts, rmapReport } from '../../src/model/accounting';
import { applyMmuOp, type MmuOp } from '../../src/model/mmuOps';
import { presetByName } from '../../src/scenario/presets';
import { buildWorld } from '../../src/scenario/runScenario';
import { parseScenario, type ScenarioInput } from '../../src/scenario/schema';
import type { CacheInfo, StatsSnapshot } from '../../src/worker/viewTypes';

export interface Fixture {
  name: string;
  title: string;
  /** The op the snapshot is at (0-based). */
  op: number;
  opCount: number;
  cost: Record<string, number>;
  caches: CacheInfo[];
  stats: StatsSnapshot;
  focusCache: string | null;
  scenarioText: string;
}

function fixture(
  name: string,
  title: string,
  input: ScenarioInput,
  opts: { at?: number; focusCache?: string } = {},
): Fixture {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new Error(`${name}: ${JSON.stringify(parsed.problems)}`);
  const s = parsed.scenario;
  const at = opts.at ?? s.ops.length - 1;
  const world = buildWorld(s);
  const vm = world.vm;
  const series: StatsSnapshot['series'] = { descriptors: [], bytes: [], flushes: [], pages: [] };
  let snap: Pick<Fixture, 'cost' | 'caches'> & { stats: Omit<StatsSnapshot, 'series'> } =
    null as never;
  s.ops.forEach((op, i) => {
    const r = applyMmuOp(world, op as MmuOp);
    series.descriptors.push(vm.lists.liveDescs);
    series.bytes.push(memoryReport(vm).totalBytes);
    series.flushes.push(vm.stats.tlbFlushes + vm.stats.rangeFlushes);
    series.pages.push(pageCounts(vm).total);
    if (i !== at) return;
    snap = {
      cost: { ...r.cost, ...(r.rmap ?? {}) },
      caches: vm.allCaches().map((c) => ({
        name: c.name,
        kind: c.kind,
        nobjs: c.nobjs,
        min: c.min,
        capacity: c.capacity,
        objectBytes: c.objectBytes,
        bytes: c.bytes,
        emergencyAllocs: c.emergencyAllocs,
      })),
      stats: {
        memory: memoryReport(vm),
        pages: pageCounts(vm),
        rmap: rmapReport(vm),
        flushes: { tlb: vm.stats.tlbFlushes, range: vm.stats.rangeFlushes },
        lockDrops: vm.stats.lockDrops,
        splits: { done: vm.stats.splitsDone, refused: vm.stats.splitsRefused },
      },
    };
  });
  return {
    name,
    title,
    op: at,
    opCount: s.ops.length,
    cost: snap.cost,
    caches: snap.caches,
    stats: { ...snap.stats, series },
    focusCache: opts.focusCache ?? null,
    scenarioText: JSON.stringify(input, null, 2),
  };
}

function preset(name: string, opts: { at?: number; focusCache?: string } = {}): Fixture {
  const p = presetByName(name);
  if (!p) throw new Error(`no preset ${name}`);
  return fixture(name, p.title, p.scenario, opts);
}

/**
 * 240 ops of shadow paging on 4 vCPUs (the fourth never faults, so its caches are never topped
 * up): faults, forks, guest unmaps, zaps and shrinks, so every timeline chart moves.
 */
function mixed(): ScenarioInput {
  const ops: ScenarioInput['ops'] = [];
  let as = 1;
  for (let i = 0; i < 240; i++) {
    if (i % 31 === 30) ops.push({ op: 'shrink', nrToScan: 64 });
    else if (i % 17 === 16) ops.push({ op: 'zap_gfn', gfn: 0x1000 + (i % 5) * 0x200, count: 512 });
    else if (i % 5 === 4) {
      const count = 10 + (i % 30);
      ops.push({ op: 'fork', gfn: 0x400 + (i % 7), count, vcpu: i % 3 });
      if (i % 10 === 9) ops.push({ op: 'guest_unmap', as, count: Math.floor(count / 2), step: 2 });
      as += count;
    } else
      ops.push({
        op: 'fault',
        kind: 'shadow',
        gfn: 0x1000 + ((i * 37) % 0x800),
        gva: 0x100000 + i * 0x40,
        count: 16,
        write: i % 2 === 0,
        vcpu: i % 3,
      });
  }
  return {
    format: 'kvm-mmu-scenario/1',
    name: 'timeline-mix',
    description: 'Shadow paging on 4 vCPUs: faults, forks, unmaps, zaps and shrinks.',
    options: { tdp: false, tdpMmu: false, rmap: 'tail_count', shrinker: 'zap-oldest-batch' },
    vm: { memslots: [{ baseGfn: 0, npages: 1 << 20 }], vcpus: 4, nMaxMmuPages: 2048 },
    ops,
  };
}

const fixtures = [
  preset('nested-split-1g', { focusCache: 'split_desc_cache' }),
  preset('split-desc-cache'),
  preset('guest-fork', { at: 1 }),
  preset('shrinker'),
  preset('direct-no-gfns', { focusCache: 'vcpu0.mmu_shadow_page_cache' }),
  fixture('timeline-mix', 'Timeline mix: 4 vCPUs, 240+ ops', mixed(), {
    at: 150,
    focusCache: 'vcpu1.mmu_pte_list_desc_cache',
  }),
];

const dir = new URL('../../src/views/__preview__/fixtures/', import.meta.url);
mkdirSync(dir, { recursive: true });
// Written as Prettier would, so `prettier --check .` (npm run lint) passes over them.
const write = async (file: string, data: unknown) => {
  const url = new URL(file, dir);
  const config = (await resolveConfig(url.pathname)) ?? {};
  writeFileSync(url, await format(JSON.stringify(data), { ...config, parser: 'json' }));
};
for (const f of fixtures) {
  await write(`${f.name}.json`, f);
  console.log(`${f.name}: op ${f.op + 1}/${f.opCount}, ${f.stats.pages.total} pages`);
}
await write(
  'index.json',
  fixtures.map((f) => ({ name: f.name, title: f.title })),
);
