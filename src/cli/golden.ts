/**
 * npm run golden -- <dir>: replays every rmap-golden/1 file under <dir> (recursively) through
 * the model; prints the first difference of each failing file and "N passed, M failed".
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { goldenTrace } from '../golden/goldenFormat';
import { replayGolden } from '../golden/goldenReplay';

function* jsonFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* jsonFiles(p);
    else if (name.endsWith('.json')) yield p;
  }
}

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: npm run golden -- <dir> [<dir> ...]');
  process.exit(2);
}
let passed = 0;
let failed = 0;
for (const dir of dirs) {
  for (const file of jsonFiles(dir)) {
    const name = relative(process.cwd(), file);
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      console.log(`FAIL ${name}: not JSON: ${(e as Error).message}`);
      failed++;
      continue;
    }
    if ((doc as { format?: unknown })?.format !== 'rmap-golden/1') continue;
    const parsed = goldenTrace.safeParse(doc);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      console.log(
        `FAIL ${name}: not a valid rmap-golden/1 trace at ${issue.path.join('.')}: ${issue.message}`,
      );
      failed++;
      continue;
    }
    const verdict = replayGolden(parsed.data);
    if (verdict.ok) passed++;
    else {
      failed++;
      console.log(`FAIL ${name} [${parsed.data.variant}]: ${verdict.difference}`);
    }
  }
}
if (passed + failed === 0) console.log('no rmap-golden/1 files found');
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
