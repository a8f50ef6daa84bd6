/**
 * npm run golden -- <dir> [--kernel VERSION]: replays every rmap-golden/1 file under <dir>
 * (recursively) through the model; prints the first difference of each failing file and
 * "N passed, M failed". With --kernel, only the traces of that version's list era run, through
 * that version's list code (add's return value included): 5.9 against the v5.14 traces differs.
 */
import { err, out } from './terminal';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { goldenTrace } from '../golden/goldenFormat';
import { isKernelVersion, KERNEL_VERSIONS, optionsForKernel } from '../model/kernelVersions';
import { PTE_LIST_VARIANTS, type PteListVariant } from '../model/pteListVariant';
import { replayGolden } from '../golden/goldenReplay';

function* jsonFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* jsonFiles(p);
    else if (name.endsWith('.json')) yield p;
  }
}

const { values, positionals: dirs } = parseArgs({
  allowPositionals: true,
  options: { kernel: { type: 'string' } },
});
if (dirs.length === 0) {
  err('usage: npm run golden -- <dir> [<dir> ...] [--kernel VERSION]');
  process.exit(2);
}
let as: PteListVariant | undefined;
if (values.kernel !== undefined) {
  if (!isKernelVersion(values.kernel)) {
    err(`--kernel ${values.kernel}: one of ${KERNEL_VERSIONS.join(', ')}`);
    process.exit(2);
  }
  const o = optionsForKernel(values.kernel);
  const era = PTE_LIST_VARIANTS[o.rmap];
  as = o.addReturnLegacy === null ? era : { ...era, addLeavesOutFullLast: o.addReturnLegacy };
  out(`kernel ${values.kernel}: ${era.name} traces through its list code`);
}
let skipped = 0;
let passed = 0;
let failed = 0;
for (const dir of dirs) {
  let files: string[];
  try {
    files = [...jsonFiles(dir)];
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    err(`${dir}: ${code === 'ENOENT' ? 'no such directory' : (e as Error).message}`);
    process.exit(2);
  }
  for (const file of files) {
    const name = relative(process.cwd(), file);
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      out(`FAIL ${name}: not JSON: ${(e as Error).message}`);
      failed++;
      continue;
    }
    const format = (doc as { format?: unknown } | null)?.format;
    if (
      typeof format === 'string' &&
      format.startsWith('rmap-golden/') &&
      format !== 'rmap-golden/1'
    ) {
      // A newer trace format this model cannot read: a failure, not a file of another kind.
      out(`FAIL ${name}: ${format} is not a version this model reads (rmap-golden/1)`);
      failed++;
      continue;
    }
    if (format !== 'rmap-golden/1') continue;
    const parsed = goldenTrace.safeParse(doc);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      out(
        `FAIL ${name}: not a valid rmap-golden/1 trace at ${issue.path.join('.')}: ${issue.message}`,
      );
      failed++;
      continue;
    }
    if (as && parsed.data.variant !== as.name) {
      skipped++;
      continue;
    }
    const verdict = replayGolden(parsed.data, as);
    if (verdict.ok) passed++;
    else {
      failed++;
      out(`FAIL ${name} [${parsed.data.variant}]: ${verdict.difference}`);
    }
  }
}
if (passed + failed === 0) out('no rmap-golden/1 files found');
out(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} of other eras skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
