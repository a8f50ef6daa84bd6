/**
 * Random valid op sequences on 1-4 heads, every era: the lists agree with a plain reference
 * (a Set of SPTEs per head) on membership and count, and keep their invariants (applyRmapOp checks
 * them after every op and throws InvariantError on a broken one).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PteLists } from './pteLists';
import type { PteListVariantName } from './pteListVariant';
import { applyRmapOp } from './rmapOps';
import { rmapSptes } from './rmap';

type Cmd = { kind: 'add' | 'remove' | 'count' | 'destroy'; head: number; pick: number };

const cmd = (heads: number) =>
  fc.record({
    kind: fc.constantFrom<Cmd['kind']>('add', 'add', 'add', 'remove', 'remove', 'count', 'destroy'),
    head: fc.integer({ min: 0, max: heads - 1 }),
    pick: fc.nat(),
  });

const scenario = fc
  .integer({ min: 1, max: 4 })
  .chain((heads) =>
    fc.record({ heads: fc.constant(heads), cmds: fc.array(cmd(heads), { maxLength: 300 }) }),
  );

const VARIANTS: PteListVariantName[] = ['tail_count', 'spte_count', 'pte_list_ext3', 'rmap_ext4'];

describe.each(VARIANTS)('%s agrees with a multiset reference', (variant) => {
  it('on membership, count and iteration contents', () => {
    fc.assert(
      fc.property(scenario, ({ heads, cmds }) => {
        const L = new PteLists(variant);
        L.allocHeads(heads);
        const ref = Array.from({ length: heads }, () => new Set<number>());
        let next = 1;
        for (const c of cmds) {
          const set = ref[c.head]!;
          if (c.kind === 'add') {
            const spte = next++ * 8;
            const ret = applyRmapOp(L, { op: 'add', head: c.head, spte }).ret!;
            // The kernel's return never overcounts; tail_count's is exact.
            expect(ret).toBeLessThanOrEqual(set.size);
            if (variant === 'tail_count') expect(ret).toBe(set.size);
            set.add(spte);
          } else if (c.kind === 'remove' && set.size > 0) {
            const spte = [...set][c.pick % set.size]!;
            applyRmapOp(L, { op: 'remove', head: c.head, spte });
            set.delete(spte);
          } else if (c.kind === 'count') {
            const ret = applyRmapOp(L, { op: 'count', head: c.head }).ret;
            expect(ret).toBe(L.variant.hasCount ? set.size : null);
          } else if (c.kind === 'destroy') {
            applyRmapOp(L, { op: 'destroy', head: c.head });
            set.clear();
          }
        }
        for (let h = 0; h < heads; h++) {
          expect(new Set(rmapSptes(L, h))).toEqual(ref[h]);
          expect(rmapSptes(L, h).length).toBe(ref[h]!.size);
        }
        const live = ref.reduce((n, s) => n + s.size, 0);
        if (live === 0) expect(L.liveDescs).toBe(0);
      }),
      { numRuns: 150 },
    );
  });
});
