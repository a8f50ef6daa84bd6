/**
 * Replays one golden trace through the model and reports the first place they differ: the
 * return value and head layout after every op, then the final layouts and allocation counts.
 */
import { PteLists } from '../model/pteLists';
import { PTE_LIST_VARIANTS, type PteListVariant } from '../model/pteListVariant';
import { goldenLayout as modelLayout } from '../model/rmapLayout';
import type { GoldenLayout } from '../model/rmapLayout';
import { applyRmapOp } from '../model/rmapOps';
import type { RmapOp } from '../model/rmapOps';
import type { GoldenTrace } from './goldenFormat';

/** "sN" <-> an SPTE pointer: non-zero multiples of 8, as the kernel's u64 *sptep are. */
export const spteFromName = (name: string): number => Number(name.slice(1)) * 8 + 8;
export const nameOfSpte = (p: number): string => `s${p / 8 - 1}`;

export type ReplayVerdict =
  { ok: true; ops: number } | { ok: false; ops: number; difference: string };

/**
 * `as` replays the trace through another list (a kernel version's: its era, and add's return
 * value where that version differs from the era's traced kernel).
 */
export function replayGolden(trace: GoldenTrace, as?: PteListVariant): ReplayVerdict {
  const variant = as ?? PTE_LIST_VARIANTS[trace.variant];
  if (variant.ext !== trace.pte_list_ext) {
    return {
      ok: false,
      ops: 0,
      difference: `pte_list_ext ${trace.pte_list_ext}, model has ${variant.ext}`,
    };
  }
  const L = new PteLists(variant);
  const maxHead = Math.max(0, ...trace.ops.map((o) => o.head));
  L.allocHeads(maxHead + 1);
  const named = (h: number) => named_(modelLayout(L, h));

  for (let i = 0; i < trace.ops.length; i++) {
    const g = trace.ops[i]!;
    const op: RmapOp =
      'spte' in g
        ? { op: g.op, head: g.head, spte: spteFromName(g.spte) }
        : { op: g.op, head: g.head };
    const at = `ops[${i}] (${g.op}${'spte' in g ? ' ' + g.spte : ''} on head ${g.head})`;
    let ret: number | null;
    try {
      ret = applyRmapOp(L, op).ret;
    } catch (e) {
      return { ok: false, ops: i, difference: `${at}: model threw ${(e as Error).message}` };
    }
    const want = trace.steps[i];
    if (!want) return { ok: false, ops: i, difference: `${at}: the trace has no step for it` };
    if (ret !== want.ret)
      return { ok: false, ops: i, difference: `${at}: ret ${ret}, kernel ${want.ret}` };
    for (const [h, layout] of Object.entries(want.heads ?? {})) {
      const diff = firstDifference(named(Number(h)), layout, `head ${h}`);
      if (diff) return { ok: false, ops: i, difference: `${at}: ${diff}` };
    }
  }
  for (const [h, layout] of Object.entries(trace.final.heads)) {
    const diff = firstDifference(named(Number(h)), layout, `final head ${h}`);
    if (diff) return { ok: false, ops: trace.ops.length, difference: diff };
  }
  const counts: [string, number, number][] = [
    ['descs_allocated', L.descsAllocated, trace.final.descs_allocated],
    ['descs_freed', L.descsFreed, trace.final.descs_freed],
  ];
  for (const [what, model, kernel] of counts) {
    if (model !== kernel)
      return {
        ok: false,
        ops: trace.ops.length,
        difference: `final ${what}: ${model}, kernel ${kernel}`,
      };
  }
  return { ok: true, ops: trace.ops.length };
}

function named_(l: GoldenLayout): unknown {
  if (l.kind === 'empty') return l;
  if (l.kind === 'single') return { kind: 'single', spte: nameOfSpte(l.spte) };
  return {
    kind: 'many',
    descs: l.descs.map((d) => ({ ...d, sptes: d.sptes.map(nameOfSpte) })),
    iteration: l.iteration.map(nameOfSpte),
  };
}

/** The first path where `model` and `kernel` differ, or null. */
export function firstDifference(model: unknown, kernel: unknown, path: string): string | null {
  if (Array.isArray(kernel)) {
    if (!Array.isArray(model)) return `${path}: model ${JSON.stringify(model)}, kernel an array`;
    for (let i = 0; i < Math.max(model.length, kernel.length); i++) {
      if (i >= model.length || i >= kernel.length) {
        return `${path}: model has ${model.length} items, kernel ${kernel.length}`;
      }
      const d = firstDifference(model[i], kernel[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (kernel !== null && typeof kernel === 'object') {
    if (model === null || typeof model !== 'object')
      return `${path}: model ${JSON.stringify(model)}`;
    const m = model as Record<string, unknown>;
    const k = kernel as Record<string, unknown>;
    for (const key of new Set([...Object.keys(k), ...Object.keys(m)])) {
      const d = firstDifference(m[key], k[key], `${path}.${key}`);
      if (d) return d;
    }
    return null;
  }
  return model === kernel
    ? null
    : `${path}: model ${JSON.stringify(model)}, kernel ${JSON.stringify(kernel)}`;
}
