/**
 * npm run replay -- <scenario.json | --preset NAME> [--kernel VERSION] [--json]
 * Runs a scenario through the model and prints one line per op, or with --json one document
 * with the final figures (memory, caches, pages, rmap, costs, flushes, lockDrops).
 */
import { err, out, outJson } from './terminal';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isKernelVersion, KERNEL_VERSIONS } from '../model/kernelVersions';
import { parseScenario } from '../scenario/schema';
import { stripBom } from '../scenario/textErrors';
import { PRESETS, presetByName } from '../scenario/presets';
import { figures, runScenario } from '../scenario/runScenario';

function usage(msg?: string): never {
  if (msg) err(msg);
  err('usage: npm run replay -- <scenario.json | --preset NAME> [--kernel VERSION] [--json]');
  err(`presets: ${PRESETS.map((p) => p.name).join(', ')}`);
  process.exit(2);
}

let cli: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: { json: { type: 'boolean' }, preset: { type: 'string' }, kernel: { type: 'string' } },
  });
}
try {
  cli = parse();
} catch (e) {
  usage((e as Error).message);
}
const { values, positionals } = cli;
const json = values.json ?? false;
let doc: unknown;
let source: string;
if (values.preset !== undefined) {
  const p = presetByName(values.preset) ?? usage(`no preset named "${values.preset}"`);
  doc = p.scenario;
  source = `preset ${p.name}`;
} else if (positionals.length === 1) {
  source = positionals[0]!;
  try {
    doc = JSON.parse(stripBom(readFileSync(source, 'utf8')));
  } catch (e) {
    usage(`${source}: ${(e as Error).message}`);
  }
} else usage();
if (values.kernel !== undefined) {
  if (!isKernelVersion(values.kernel))
    usage(`--kernel ${values.kernel}: one of ${KERNEL_VERSIONS.join(', ')}`);
  doc = { ...(doc as object), kernel: values.kernel };
}

const parsed = parseScenario(doc);
if (!parsed.ok) {
  for (const p of parsed.problems) err(`${source}: ${p.path}: ${p.message}`);
  process.exit(2);
}
const run = runScenario(parsed.scenario, {
  onOp: json ? undefined : (i, r) => out(`${String(i).padStart(4)}  ${r.summary}`),
});
if (json) outJson(figures(run));
else {
  const f = figures(run);
  out(
    `pages ${f.pages.total} (shadow MMU ${f.pages.shadowMmu}, TDP MMU ${f.pages.tdpMmu}); rmap heads ${f.rmap.heads}, longest ${f.rmap.maxChain}, descriptors ${f.rmap.descriptors}; ` +
      `memory ${f.memory.totalBytes} bytes; flushes ${f.flushes.tlb} + ${f.flushes.range} ranged; mmu_lock drops ${f.lockDrops}`,
  );
}
if (run.error) {
  err(`${source}: ${run.error.message} (the ops before it stay applied)`);
  process.exit(1);
}
