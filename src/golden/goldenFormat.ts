/** The `rmap-golden/1` trace format of test/golden/README.md, as a zod schema. */
import { z } from 'zod';

const spteName = z.string().regex(/^s\d+$/, 'an SPTE name like "s12"');
const head = z.number().int().nonnegative();

export const goldenOp = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), head, spte: spteName }),
  z.object({ op: z.literal('remove'), head, spte: spteName }),
  z.object({ op: z.literal('count'), head }),
  z.object({ op: z.literal('destroy'), head }),
]);

const goldenDesc = z.object({
  spte_count: z.number().int(),
  tail_count: z.number().int().optional(),
  sptes: z.array(spteName),
});

export const goldenLayout = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('empty') }),
  z.object({ kind: z.literal('single'), spte: spteName }),
  z.object({ kind: z.literal('many'), descs: z.array(goldenDesc), iteration: z.array(spteName) }),
]);

export const goldenTrace = z.object({
  format: z.literal('rmap-golden/1'),
  variant: z.enum(['spte_count', 'tail_count', 'rmap_ext4', 'pte_list_ext3']),
  pte_list_ext: z.number().int(),
  seed: z.number().nullable().optional(),
  description: z.string(),
  layout_every: z.number().int().positive().optional(),
  ops: z.array(goldenOp),
  steps: z.array(
    z.object({
      ret: z.number().int().nullable(),
      heads: z.record(z.string(), goldenLayout).optional(),
    }),
  ),
  final: z.object({
    heads: z.record(z.string(), goldenLayout),
    descs_allocated: z.number().int(),
    descs_freed: z.number().int(),
  }),
});

export type GoldenTrace = z.infer<typeof goldenTrace>;
