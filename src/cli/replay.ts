/**
 * npm run replay -- <scenario.json | --preset NAME> [--json]
 * Runs a scenario through the model and prints one line per op, or with --json one document
 * with the final figures (memory, caches, pages, rmap, costs, flushes, lockDrops).
 */
import { readFileSync } from 'node:fs';
import { parseScenario } from '../scenario/schema';
import { PRESETS, presetByName } from '../scenario/presets';
import { figures, runScenario } from '../scenario/runScenario';

function usage(msg?: string): never {
  if (msg) console.error(msg);
  console.error('usage: npm run replay -- <scenario.json | --preset NAME> [--json]');
  console.error(`presets: ${PRESETS.map((p) => p.name).join(', ')}`);
  process.exit(2);
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const rest = args.filter((a) => a !== '--json');
let doc: unknown;
let source: string;
if (rest[0] === '--preset') {
  const p = presetByName(rest[1] ?? '') ?? usage(`no preset named "${rest[1] ?? ''}"`);
  doc = p.scenario;
  source = `preset ${p.name}`;
} else if (rest.length === 1) {
  source = rest[0]!;
  try {
    doc = JSON.parse(readFileSync(source, 'utf8'));
  } catch (e) {
    usage(`${source}: ${(e as Error).message}`);
  }
} else usage();

const parsed = parseScenario(doc);
if (!parsed.ok) {
  for (const p of parsed.problems) console.error(`${source}: ${p.path}: ${p.message}`);
  process.exit(2);
}
const run = runScenario(parsed.scenario, {
  onOp: json ? undefined : (i, r) => console.log(`${String(i).padStart(4)}  ${r.summary}`),
});
if (json) console.log(JSON.stringify(figures(run), null, 2));
else {
  const f = figures(run);
  console.log(
    `pages ${f.pages.total} (shadow MMU ${f.pages.shadowMmu}, TDP MMU ${f.pages.tdpMmu}); rmap heads ${f.rmap.heads}, longest ${f.rmap.maxChain}, descriptors ${f.rmap.descriptors}; ` +
      `memory ${f.memory.totalBytes} bytes; flushes ${f.flushes.tlb} + ${f.flushes.range} ranged; mmu_lock drops ${f.lockDrops}`,
  );
}
if (run.error) {
  console.error(`${source}: ${run.error.message} (the ops before it stay applied)`);
  process.exit(1);
}
