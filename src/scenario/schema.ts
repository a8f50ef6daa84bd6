/**
 * The scenario language, `kvm-mmu-scenario/1`: kernel options, the VM, and a list of ops.
 * Parsed with zod; a bad document gets one message per problem, each with its JSON path.
 */
import { z } from 'zod';
import { KERNEL_VERSIONS } from '../model/kernelVersions';
import { fmtLimit, LIMITS, opWork } from './limits';
import { sptePtr } from './spteName';

const gfn = z.number().int().nonnegative().describe('a guest frame number');
const level = z.number().int().min(1).max(3);
/** An SPTE in rmap-only ops: "sN" or N (mapped to a pointer as everywhere: (N + 1) * 8). */
const spte = z
  .union([z.number().int().nonnegative(), z.string().regex(/^s\d+$/, 'an SPTE name like "s12"')])
  .transform((v) => sptePtr(typeof v === 'number' ? v : Number(v.slice(1))));
const head = z.number().int().nonnegative();

export const scenarioOp = z.discriminatedUnion('op', [
  z.strictObject({
    op: z.literal('add'),
    head,
    spte,
    count: z.number().int().min(1).max(1_000_000).optional(),
  }),
  z.strictObject({ op: z.literal('remove'), head, spte }),
  z.strictObject({ op: z.literal('count'), head }),
  z.strictObject({ op: z.literal('destroy'), head }),
  z.strictObject({
    op: z.literal('fault'),
    kind: z.enum(['tdp', 'shadow', 'nested']),
    gfn,
    vcpu: z.number().int().nonnegative().optional(),
    gva: z.number().int().nonnegative().optional(),
    as: z.number().int().nonnegative().optional(),
    level: level.optional(),
    hostLevel: level.optional(),
    write: z.boolean().optional(),
    writable: z.boolean().optional(),
    /** Fault this many consecutive pages of the fault's size (gfn and gva advance together). */
    count: z
      .number()
      .int()
      .min(1)
      .max(1 << 22)
      .optional(),
  }),
  z.strictObject({
    op: z.literal('fork'),
    gfn,
    count: z.number().int().min(1).max(1_000_000),
    gva: z.number().int().nonnegative().optional(),
    vcpu: z.number().int().nonnegative().optional(),
  }),
  z.strictObject({ op: z.literal('zap'), page: z.number().int().nonnegative() }),
  z.strictObject({
    op: z.literal('guest_unmap'),
    as: z.number().int().nonnegative(),
    gva: z.number().int().nonnegative().optional(),
    count: z.number().int().min(1).max(1_000_000).optional(),
    step: z.number().int().min(1).optional(),
    kind: z.enum(['shadow', 'nested']).optional(),
  }),
  z.strictObject({ op: z.literal('zap_gfn'), gfn, count: z.number().int().min(1).optional() }),
  z.strictObject({ op: z.literal('write_protect'), gfn }),
  z.strictObject({
    op: z.literal('split'),
    memslot: z.number().int().nonnegative().optional(),
    targetLevel: level.optional(),
  }),
  z.strictObject({ op: z.literal('shrink'), nrToScan: z.number().int().min(1).optional() }),
  z.strictObject({ op: z.literal('rmap_count'), gfn, level: level.optional() }),
]);

export const kernelOptionsSchema = z.strictObject({
  rmap: z.enum(['rmap_ext4', 'pte_list_ext3', 'spte_count', 'tail_count']).optional(),
  splitDescCapacity: z.enum(['min+40', '2xmin']).optional(),
  gfnsForDirectPages: z.boolean().optional(),
  translationOnlyLevels1to3: z.boolean().optional(),
  tdp: z.boolean().optional(),
  tdpMmu: z.boolean().optional(),
  rootLevel: z.union([z.literal(4), z.literal(5)]).optional(),
  eagerSplitNested: z.boolean().optional(),
  splitLinkZapsAndFlushesAll: z.boolean().optional(),
  shrinker: z.enum(['zap-oldest-one', 'zap-oldest-batch', 'free-vcpu-caches', 'none']).optional(),
  rmapRecycleThreshold: z.number().int().positive().optional(),
  nonPresentBit63: z.boolean().optional(),
  addReturnLegacy: z.boolean().nullable().optional(),
  rmapLockBit: z.boolean().optional(),
  vcpuCaches: z
    .enum(['mmu_page_cache', 'mmu_gfn_array_cache', 'mmu_shadowed_info_cache'])
    .optional(),
  zapOldest: z.enum(['tail-even-root', 'newest-first', 'oldest-first']).optional(),
  tdpMmuFaultMakesPagesAvailable: z.boolean().optional(),
  tdpMmuFaultSplitsHugePage: z.boolean().optional(),
  rangedTlbFlush: z.boolean().optional(),
  childSpMatch: z.enum(['any', 'gfn', 'gfn-role']).optional(),
  rmapZapName: z.enum(['kvm_zap_rmapp', 'pte_list_destroy', 'kvm_zap_all_rmap_sptes']).optional(),
  rmapCorruption: z.enum(['BUG', 'KVM_BUG_ON_DATA_CORRUPTION']).optional(),
});

/** A comparison (#compare=, the Compare menu, an embed's compare): options, or a kernel version. */
export const compareChangeSchema = kernelOptionsSchema.extend({
  kernel: z.enum(KERNEL_VERSIONS).optional(),
});

export const scenarioSchema = z
  .strictObject({
    format: z.literal('kvm-mmu-scenario/1'),
    name: z.string().optional(),
    /** A kernel version: sets every dated behaviour; `options` still override single ones. */
    kernel: z.enum(KERNEL_VERSIONS).optional(),
    description: z.string().optional(),
    options: kernelOptionsSchema.default({}),
    vm: z
      .strictObject({
        memslots: z
          .array(
            z.strictObject({
              baseGfn: gfn,
              npages: z
                .number()
                .int()
                .min(1)
                .max(2 ** 26),
            }),
          )
          .min(1),
        vcpus: z.number().int().min(1).max(64).default(1),
        nMaxMmuPages: z.number().int().min(1).optional(),
        guestTablesGfn: gfn.optional(),
        rmapHeads: z.number().int().min(1).max(64).optional(),
      })
      .default({ memslots: [{ baseGfn: 0, npages: 1 << 20 }], vcpus: 1 }),
    ops: z.array(scenarioOp),
  })
  .superRefine((s, ctx) => {
    for (const p of budgetProblems(s)) ctx.addIssue({ code: 'custom', ...p });
    const slots = [...s.vm.memslots].sort((a, b) => a.baseGfn - b.baseGfn);
    for (let i = 1; i < slots.length; i++) {
      if (slots[i]!.baseGfn < slots[i - 1]!.baseGfn + slots[i - 1]!.npages) {
        ctx.addIssue({ code: 'custom', path: ['vm', 'memslots'], message: 'memslots overlap' });
      }
    }
  });

/** The document's budget (limits.ts): its problems, each with its path, before anything is allocated. */
export function budgetProblems(s: {
  vm: { memslots: { npages: number }[] };
  ops: ScenarioOp[];
}): { path: PropertyKey[]; message: string }[] {
  const out: { path: PropertyKey[]; message: string }[] = [];
  const pages = s.vm.memslots.reduce((n, m) => n + m.npages, 0);
  if (pages > LIMITS.memslotPages)
    out.push({
      path: ['vm', 'memslots'],
      message: `${fmtLimit(pages)} memslot pages in all; the limit is ${fmtLimit(LIMITS.memslotPages)} (64 GiB)`,
    });
  if (s.ops.length > LIMITS.ops) {
    out.push({
      path: ['ops'],
      message: `${fmtLimit(s.ops.length)} ops; the limit is ${fmtLimit(LIMITS.ops)}`,
    });
    return out;
  }
  let total = 0;
  for (const [i, op] of s.ops.entries()) {
    const work = opWork(op, pages);
    total += work;
    if (work > LIMITS.opWork)
      out.push({
        path: ['ops', i, op.op === 'split' ? 'op' : 'count'],
        message: `${fmtLimit(work)} units of work (${op.op === 'split' ? 'a split over every memslot page' : 'one per page'}); one op may do ${fmtLimit(LIMITS.opWork)}`,
      });
  }
  if (total > LIMITS.totalWork)
    out.push({
      path: ['ops'],
      message: `${fmtLimit(total)} units of work in all; the limit is ${fmtLimit(LIMITS.totalWork)}`,
    });
  return out;
}

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioOp = z.infer<typeof scenarioOp>;

/** One problem with a document: where (a JSON path like `ops[3].gfn`) and what was expected. */
export interface ScenarioProblem {
  path: string;
  message: string;
  /** The line in the document's text, when it came as text. */
  line?: number | null;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : (out ? '.' : '') + String(p);
  return out || '(document)';
}

/** zod's issues as problems: each with its JSON path. */
export function problemsOf(error: z.ZodError): ScenarioProblem[] {
  return error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

export function parseCompareChange(
  value: unknown,
):
  | { ok: true; change: z.infer<typeof compareChangeSchema> }
  | { ok: false; problems: ScenarioProblem[] } {
  const r = compareChangeSchema.safeParse(value);
  if (r.success) return { ok: true, change: r.data };
  return {
    ok: false,
    problems: problemsOf(r.error),
  };
}

export function parseScenario(
  doc: unknown,
): { ok: true; scenario: Scenario } | { ok: false; problems: ScenarioProblem[] } {
  const r = scenarioSchema.safeParse(doc);
  if (r.success) return { ok: true, scenario: r.data };
  return {
    ok: false,
    problems: problemsOf(r.error),
  };
}
