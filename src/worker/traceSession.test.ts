/**
 * A trace opened in the worker: a File's stream (gzip) parsed and replayed as a timeline, with
 * each op's trace line, the VMM's markers on the scrubber and the checks at their steps; a cut
 * trace loads nothing and names its line, and the part before that line opens on request.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MmuSession } from './mmuSession';

const gz = readFileSync(
  new URL('../../test/traces/linux-6.1/shadow-alias/trace.txt.gz', import.meta.url),
);
const blob = () => new Blob([gz]);

describe('opening a trace in the worker', () => {
  it('replays it as a timeline with markers, source lines and the used_pages check', async () => {
    const s = new MmuSession();
    const r = await s.load({ trace: blob(), name: 'shadow-alias.txt.gz', kernel: '6.1' });
    if (!r.ok) throw new Error(JSON.stringify(r));
    const info = r.info;
    expect(info.trace).toMatchObject({
      file: 'shadow-alias.txt.gz',
      contradictions: [],
      stoppedBeforeLine: null,
    });
    expect(info.trace!.kernel).toMatchObject({ value: '6.1', how: 'given' });
    expect(info.markers.map((m) => m.label)).toContain('realtrace: guest phase 2 done');
    // Phase markers only: the kvm-stats lines are checks, listed in the Trace panel.
    expect(info.markers).toHaveLength(16);
    expect(info.trace!.kernelStats.total).toBeGreaterThan(100);
    expect(info.trace!.kernelStats.agree).toBe(info.trace!.kernelStats.total);
    expect(info.trace!.kernelStats.lines[0]).toMatchObject({ line: 14, scope: 'vm', bad: [] });
    const [used] = info.trace!.usedPages;
    expect(used).toMatchObject({ line: 13338, kernel: 8, model: 8 });
    const snap = await s.snapshot(used!.position, { chain: { kind: 'focus' }, tree: false });
    expect(snap.step.source).toEqual({
      line: 13338,
      text: expect.stringContaining(
        'kvm_mmu_zap_all_fast: kvm-mmu-valid-gen 0 used_pages 8',
      ) as string,
    });
    expect(snap.step.steps.map((x) => x.caption)).toContain(
      'kvm_mmu_zap_all_fast: agrees: used_pages 8 (kernel) vs n_used_mmu_pages 8 (model)',
    );
    // At the end of phase 2 the rmap of gfn 0x400 holds the 1000 aliases.
    const phase2 = info.markers.find((m) => m.label === 'realtrace: guest phase 2 done')!;
    const chain = await s.snapshot(phase2.position, {
      chain: { kind: 'gfn', gfn: 0x400 },
      tree: true,
    });
    expect(chain.chain.heads[0]!.entries).toBe(1000);
    expect(chain.tree.edges.some((e) => e.inferred)).toBe(true);
  });

  it('keeps the loaded timeline when a trace is cut mid-line, and opens the part before the line', async () => {
    const s = new MmuSession();
    expect((await s.load({ preset: 'guest-fork' })).ok).toBe(true);
    const all = gunzipSync(gz).toString('utf8').split('\n');
    const n = all.findIndex((l) => l.includes('kvm_mmu_set_spte:')) + 1;
    const lines = all.slice(0, n);
    lines[n - 1] = lines[n - 1]!.replace(/ at [0-9a-f]+$/, ' at');
    const cut = new Blob([lines.join('\n')]);
    const r = await s.load({ trace: cut, name: 'cut.txt' });
    expect(r.ok).toBe(false);
    if (r.ok || !('problems' in r)) throw new Error('expected problems');
    expect(r.problems[0]).toMatchObject({ path: `line ${n}`, traceLine: n });
    expect(r.problems[0]!.message).toMatch(
      new RegExp(`^cut\\.txt: line ${n}: kvm_mmu_set_spte: expected`),
    );
    expect(s.timeline!.name).toBe('guest-fork');
    const part = await s.load({ trace: cut, name: 'cut.txt', stopBeforeLine: n });
    if (!part.ok) throw new Error(JSON.stringify(part));
    expect(part.info.trace!.stoppedBeforeLine).toBe(n);
    expect(part.info.trace!.lines).toBe(n - 1);
  });

  it('replays the loaded trace again as another kernel, keeping its lines and markers', async () => {
    const s = new MmuSession();
    expect((await s.load({ trace: blob(), name: 'alias.gz', kernel: '6.1' })).ok).toBe(true);
    const r = await s.load({ loaded: true, kernel: '6.4' });
    if (!r.ok) throw new Error(JSON.stringify(r));
    expect(r.info.kernel).toBe('6.4');
    expect(r.info.trace!.kernel).toMatchObject({ value: '6.4', how: 'given' });
    expect(r.info.trace!.contradictions).toEqual([]);
    expect(r.info.markers).toHaveLength(16);
    expect(s.timeline!.endWorld().vm.opts.rmap).toBe('tail_count');
  });

  it('lists the shared traces as presets', () => {
    const names = new MmuSession()
      .presets()
      .filter((p) => p.kind === 'trace')
      .map((p) => p.name);
    expect(names).toHaveLength(14);
    expect(names).toContain('trace-6.12-nested-shadowmmu-thp');
    expect(names).toContain('trace-7.3-tdp-tdpmmu-thp');
    expect(names).toContain('trace-6.1-nested-tdpmmu-alias');
  });
});

describe('one host running VM after VM, in one trace', () => {
  /** A run's body twice, the second with its clock moved on and without the VMM's kvm-stats. */
  function twoRuns(run: string): string {
    const lines = gunzipSync(
      readFileSync(new URL(`../../test/traces/${run}/trace.txt.gz`, import.meta.url)),
    )
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '');
    const again = lines
      .filter((l) => !l.startsWith('#') && !l.includes('realtrace: kvm-stats '))
      .map((l) =>
        l.replace(/(\] \S+ +)(\d+)\./, (_, pre: string, s: string) => `${pre}${Number(s) + 100}.`),
      );
    return [...lines, ...again].join('\n') + '\n';
  }

  it.each([
    'linux-6.12/nested-tdpmmu-alias',
    'linux-6.12/nested-shadowmmu-thp',
    'linux-6.1/tdp-tdpmmu-thp',
  ])('%s twice: the second VM replays as the first did, with no contradiction', async (run) => {
    const s = new MmuSession();
    const text = twoRuns(run);
    const r = await s.load({ trace: new Blob([text]), name: 'two.txt' });
    if (!r.ok) throw new Error(JSON.stringify(r));
    expect(r.info.trace!.contradictions).toEqual([]);
    // Plain text: a step's line is read back from the file by its byte index.
    const last = await s.snapshot(r.info.total, { chain: { kind: 'focus' }, tree: false });
    const lines = text.split('\n');
    expect(last.step.source!.text).toBe(lines[last.step.source!.line - 1]);
  });
});
