/**
 * `npm run import` end to end, as a user runs it: the whole JSON document on stdout (larger than
 * a pipe's buffer), exit 0 when the replay agrees, 2 with a line-numbered message on a cut line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('./importTrace.ts', import.meta.url));
const TRACE = fileURLToPath(
  new URL('../../test/traces/linux-6.1/nested-shadowmmu-thp/trace.txt.gz', import.meta.url),
);
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });

describe('npm run import', () => {
  it('prints the whole JSON summary and exits 0 when the replay agrees', () => {
    const r = run(TRACE, '--kernel', '6.1', '--tdp', 'on', '--tdp-mmu', 'off', '--json');
    expect(r.status).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(1 << 16);
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(s)).toEqual(
      expect.arrayContaining([
        'events',
        'skipped',
        'markers',
        'lost',
        'pages',
        'usedPages',
        'rmaps',
        'contradictions',
      ]),
    );
    expect(s.usedPages).toEqual([{ line: 24977, kernel: 12, model: 12 }]);
    expect(s.contradictions).toEqual([]);
    expect(s.tdp).toMatchObject({ value: true, how: 'given' });
  }, 60_000);

  it('stops at a cut line with its number and exits 2', () => {
    const lines = gunzipSync(readFileSync(TRACE)).toString('utf8').split('\n').slice(0, 60);
    lines.push(
      '             vmm-1107    [000] ...1.    20.240398: kvm_mmu_set_spte: gfn 10 spte cc10e67 (rwxu) level 1 at',
    );
    const file = join(mkdtempSync(join(tmpdir(), 'kvm-trace-')), 'cut.txt');
    writeFileSync(file, lines.join('\n'));
    const r = run(file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /cut\.txt: line 61: kvm_mmu_set_spte: expected hex digits after "level 1 at", got end of line/,
    );
  }, 60_000);
});
