/**
 * Random operation sequences on a small VM, in each MMU mode: whatever happens, every leaf stays
 * in its gfn's rmap, every link in its child's parent_ptes, and the counts add up (checkVm).
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { KvmBugError } from './errors';
import type { KernelOptions } from './kernelOptions';
import { applyMmuOp, MmuWorld, type MmuOp } from './mmuOps';
import { checkVm } from './vmInvariants';

const NPAGES = 1 << 14;

const modes: [string, Partial<KernelOptions>, 'tdp' | 'shadow' | 'nested'][] = [
  ['shadow paging', { tdp: false, tdpMmu: false }, 'shadow'],
  ['shadow MMU for TDP', { tdp: true, tdpMmu: false }, 'tdp'],
  ['nested under the TDP MMU', { tdp: true, tdpMmu: true }, 'nested'],
];

const op = (
  kind: 'tdp' | 'shadow' | 'nested',
): fc.Arbitrary<MmuOp | { op: 'zap-some'; pick: number }> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        op: fc.constant('fault' as const),
        kind: fc.constant(kind),
        gfn: fc.integer({ min: 0, max: NPAGES - 0x400 }),
        gva: fc.integer({ min: 0, max: 1 << 20 }),
        as: fc.integer({ min: 0, max: 5 }),
        level: fc.integer({ min: 1, max: 2 }),
        hostLevel: fc.integer({ min: 1, max: 2 }),
        writable: fc.boolean(),
      }),
    },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('zap-some' as const), pick: fc.nat() }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('zap_gfn' as const),
        gfn: fc.integer({ min: 0, max: NPAGES - 1 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('write_protect' as const),
        gfn: fc.integer({ min: 0, max: NPAGES - 1 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('shrink' as const),
        nrToScan: fc.integer({ min: 1, max: 8 }),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ op: 'split' as const }) },
  );

describe.each(modes)('%s keeps the VM consistent', (_name, opts, kind) => {
  it('under random faults, zaps, write-protects, shrinks and splits', () => {
    fc.assert(
      fc.property(
        fc.array(op(kind), { maxLength: 40 }),
        fc.integer({ min: 12, max: 200 }),
        (ops, limit) => {
          const w = new MmuWorld(
            {
              memslots: [{ baseGfn: 0, npages: NPAGES }],
              vcpus: 1,
              nMaxMmuPages: limit,
              guestTablesGfn: NPAGES - 0x200,
            },
            opts,
          );
          for (const o of ops) {
            let real: MmuOp = o as MmuOp;
            if (o.op === 'zap-some') {
              const live = [...w.vm.livePages()].filter((p) => !p.tdpMmuPage);
              if (live.length === 0) continue;
              real = { op: 'zap', page: live[o.pick % live.length]!.id };
            }
            try {
              applyMmuOp(w, real);
            } catch (e) {
              if (!(e instanceof KvmBugError)) throw e;
            }
            checkVm(w.vm);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
