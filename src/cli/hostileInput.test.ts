/**
 * The CLIs on inputs a user really has wrong: each prints one line that says where and why, exits
 * 1 or 2, and never prints a JavaScript stack.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'kmv-cli-'));

function run(script: string, ...args: string[]) {
  const r = spawnSync('node_modules/.bin/tsx', [`src/cli/${script}`, ...args], {
    encoding: 'utf8',
  });
  expect(r.stderr + r.stdout).not.toMatch(/\n\s+at .*:\d+:\d+/); // no stack frames
  return { status: r.status, err: r.stderr.trim(), out: r.stdout.trim() };
}

const TRACE = 'test/traces/linux-6.12/shadow-alias/trace.txt.gz';

describe('hostile inputs to the CLIs', () => {
  it('export: an unknown view, a bad step, a step past the end', () => {
    const view = run('export.ts', '--preset', 'guest-fork', '--view', 'eras');
    expect(view.status).toBe(2);
    expect(view.err.split('\n')[0]).toBe('export: --view eras: one of chain, tree, caches');
    const step = run('export.ts', '--preset', 'guest-fork', '--step', 'last');
    expect(step.status).toBe(2);
    expect(step.err.split('\n')[0]).toBe('export: --step last: a step number (0 or more)');
    const past = run('export.ts', '--preset', 'rmap-spte-count-30', '--step', '99999999999');
    expect(past).toMatchObject({ status: 1 });
    expect(past.err).toMatch(/^export: --step 99999999999 is past the end: .* has steps 0 to 254$/);
  }, 30_000);

  it('golden: a directory that is not there', () => {
    expect(run('golden.ts', join(dir, 'nope'))).toMatchObject({
      status: 2,
      err: `${join(dir, 'nope')}: no such directory`,
    });
  });

  it('golden: an rmap-golden version it cannot read is a failure, not a skip', () => {
    const g = mkdtempSync(join(dir, 'golden-'));
    writeFileSync(join(g, 'next.json'), JSON.stringify({ format: 'rmap-golden/2' }));
    const r = run('golden.ts', g);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/FAIL .*next\.json: rmap-golden\/2 is not a version this model reads/);
    expect(r.out).toMatch(/0 passed, 1 failed$/);
  });

  it('trace:stats and import: a gzip cut short says after which line', () => {
    const cut = join(dir, 'cut.txt.gz');
    writeFileSync(cut, readFileSync(TRACE).subarray(0, 5000));
    const stats = run('traceStats.ts', cut);
    expect(stats.status).toBe(1);
    expect(stats.err).toMatch(/^.*cut\.txt\.gz: gzip stream ends early, after line \d+$/);
    expect(run('importTrace.ts', cut)).toMatchObject({ status: 2 });
  }, 30_000);

  it('import: two runs joined end to end are refused at the second header', () => {
    const text = gunzipSync(readFileSync(TRACE)).toString('utf8');
    const joined = join(dir, 'two-runs.txt');
    writeFileSync(joined, text + text);
    const second = text.split('\n').length; // the first line of the second copy
    const r = run('importTrace.ts', joined);
    expect(r.status).toBe(2);
    expect(r.err).toBe(
      `${joined}: line ${second}: expected more of the same run, got "# tracer: nop" ` +
        '(a second trace starts here, with its own header: open each run on its own)',
    );
  }, 30_000);

  it('import and trace:stats: two runs joined without the second header say where the clock goes back', () => {
    const text = gunzipSync(readFileSync(TRACE)).toString('utf8');
    const body = text
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n');
    const joined = join(dir, 'two-runs-headless.txt');
    writeFileSync(joined, text + body);
    const second = text.split('\n').length;
    const clock =
      `timestamp 4.351857 on CPU 0 is before line ${second - 1}'s 4.455115: the events are out ` +
      'of order, or a second run (a new VM) starts here; open each run on its own';
    const r = run('importTrace.ts', joined);
    expect(r.status).toBe(1);
    expect(r.err).toBe('');
    const said = r.out.split('\n').filter((l) => l.includes('CONTRADICTION'));
    expect(said[0]).toBe(`  CONTRADICTION line ${second}: ${clock}`);
    // The second VM's kvm-stats start again at 0: contradictions too, each with its line.
    for (const l of said) expect(l).toMatch(/^ {2}CONTRADICTION line \d+: /);
    const stats = run('traceStats.ts', joined);
    expect(stats.status).toBe(0);
    expect(stats.out).toContain(`clock going back (1):\n  line ${second}  ${clock}`);
  }, 30_000);

  it('escapes control characters quoted from the input, so a trace cannot drive the terminal', () => {
    const evil = join(dir, 'evil.txt');
    writeFileSync(
      evil,
      '# tracer: nop\n             vmm-1     [000] .....     1.000000: \x1b[2J\x1b[31mgotcha\n',
    );
    const r = spawnSync('node_modules/.bin/tsx', ['src/cli/traceStats.ts', evil], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).not.toContain('\x1b');
    expect(r.stderr).toContain('\\x1b[2J');
  });

  it('import: a level no page table has (l9) is a contradiction at its line', () => {
    const lines = gunzipSync(readFileSync(TRACE)).toString('utf8').split('\n');
    const at = lines.findIndex((l) => / kvm_mmu_get_page: .* l4 /.test(l));
    lines[at] = lines[at]!.replace(' l4 ', ' l9 ');
    const file = join(dir, 'l9.txt');
    writeFileSync(file, lines.join('\n'));
    const r = run('importTrace.ts', file);
    expect(r.status).toBe(1);
    expect(r.out).toContain(
      `CONTRADICTION line ${at + 1}: level 9: x86 page tables have levels 1 to 5`,
    );
  }, 30_000);

  it('trace:stats: a file that is not there', () => {
    expect(run('traceStats.ts', join(dir, 'none.txt'))).toMatchObject({
      status: 1,
      err: `${join(dir, 'none.txt')}: no such file`,
    });
  });
});
