/**
 * The document budget (limits.ts) and the link's decompression cap: hostile documents are
 * refused before anything is allocated, with their JSON path and the limit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIMITS, opWork } from './limits';
import { PRESETS } from './presets';
import { parseCompareChange, parseScenario, type Scenario } from './schema';
import { decodeDoc, encodeDoc, LinkError } from './urlState';

/** The 2.9 KB document: 64 memslots of 2^26 pages (it grew a process to 12.6 GB). */
const hugeSlots = {
  format: 'kvm-mmu-scenario/1',
  vm: {
    memslots: Array.from({ length: 64 }, (_, i) => ({ baseGfn: i * 2 ** 26, npages: 2 ** 26 })),
  },
  ops: [],
};

function problems(doc: unknown) {
  const r = parseScenario(doc);
  if (r.ok) throw new Error('accepted');
  return r.problems;
}

describe('the document budget', () => {
  it('refuses 2^32 memslot pages at vm.memslots, saying the limit', () => {
    const t = performance.now();
    expect(problems(hugeSlots)).toEqual([
      {
        path: 'vm.memslots',
        message: '4,294,967,296 memslot pages in all; the limit is 16,777,216 (64 GiB)',
      },
    ]);
    expect(performance.now() - t).toBeLessThan(1000); // refused, not built
  });

  it('refuses a zap_gfn of 2^53 - 1 pages at its count', () => {
    const doc = {
      format: 'kvm-mmu-scenario/1',
      ops: [{ op: 'zap_gfn', gfn: 0, count: 2 ** 53 - 1 }],
    };
    expect(problems(doc)).toContainEqual({
      path: 'ops[0].count',
      message: '9,007,199,254,740,991 units of work (one per page); one op may do 8,388,608',
    });
  });

  it('refuses more ops than the limit, and more work in all', () => {
    const many = {
      format: 'kvm-mmu-scenario/1',
      ops: Array(LIMITS.ops + 1).fill({ op: 'count', head: 0 }),
    };
    expect(problems(many)).toEqual([{ path: 'ops', message: '20,001 ops; the limit is 20,000' }]);
    const heavy = {
      format: 'kvm-mmu-scenario/1',
      ops: Array(3)
        .fill({ op: 'fork', gfn: 0, count: 1_000_000 })
        .concat(Array(14).fill({ op: 'add', head: 0, spte: 's1', count: 1_000_000 })),
    };
    expect(problems(heavy)).toEqual([
      { path: 'ops', message: '17,000,000 units of work in all; the limit is 16,777,216' },
    ]);
  });

  it('keeps every preset inside it, the largest (split-16g) with room', () => {
    const use = (s: Scenario) => {
      const pages = s.vm.memslots.reduce((n, m) => n + m.npages, 0);
      return { pages, work: s.ops.reduce((n, op) => n + opWork(op, pages), 0) };
    };
    for (const p of PRESETS) {
      const r = parseScenario(p.scenario);
      expect(r.ok, p.name).toBe(true);
    }
    const big = parseScenario(PRESETS.find((p) => p.name === 'split-16g')!.scenario);
    if (!big.ok) throw new Error('split-16g');
    const { pages, work } = use(big.scenario);
    expect(pages * 3).toBeLessThan(LIMITS.memslotPages);
    expect(work * 3).toBeLessThan(LIMITS.totalWork);
  });
});

describe('#compare= options go through the options schema', () => {
  it('refuses an unknown kernel and a negative threshold, with their paths', () => {
    const bad = parseCompareChange({ kernel: 'banana', rmapRecycleThreshold: -1 });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems.map((p) => p.path).sort()).toEqual(['kernel', 'rmapRecycleThreshold']);
    expect(parseCompareChange({ rmap: 'spte_count' })).toEqual({
      ok: true,
      change: { rmap: 'spte_count' },
    });
    expect(parseCompareChange({ color: 'red' }).ok).toBe(false);
  });
});

describe('a #doc= link', () => {
  it('round-trips a document', async () => {
    expect(await decodeDoc(await encodeDoc('{"a":1}'))).toBe('{"a":1}');
  });

  it('is refused once it inflates past the document limit (a deflate bomb)', async () => {
    const bomb = await encodeDoc(' '.repeat(LIMITS.docBytes + 1));
    expect(bomb.length).toBeLessThan(20_000);
    await expect(decodeDoc(bomb)).rejects.toThrow(LinkError);
    await expect(decodeDoc(bomb)).rejects.toThrow(/inflates past 4,194,304 bytes/);
  });

  it('says what is wrong with text that is not a link', async () => {
    await expect(decodeDoc('!!!')).rejects.toThrow("the link's document is not base64url text");
    await expect(decodeDoc('AAAA')).rejects.toThrow(/not deflate-compressed/);
  });
});

describe('npm run replay on a document over the budget', () => {
  it('prints one message line with the path and exits 2, no stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kmv-limits-'));
    const file = join(dir, 'huge.json');
    writeFileSync(file, JSON.stringify(hugeSlots));
    const r = spawnSync('node_modules/.bin/tsx', ['src/cli/replay.ts', file], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `${file}: vm.memslots: 4,294,967,296 memslot pages in all; the limit is 16,777,216 (64 GiB)`,
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});
