/**
 * Plain-data pictures of one rmap head: what a view draws and what the golden traces compare.
 * `applyStep` replays one micro-step on such a picture, so a UI can show the state between any
 * two micro-steps of an operation without asking the model again.
 */
import type { RmapStep } from './events';
import { KVM_RMAP_MANY, NO_DESC, descOfVal } from './pteLists';
import type { PteLists } from './pteLists';
import { rmapSptes } from './rmap';

export interface DescView {
  id: number;
  more: number | null;
  /** null where the struct has no counter (before v5.15: used slots end at the first NULL). */
  spteCount: number | null;
  tailCount: number | null;
  /** Every slot, 0 = NULL. */
  slots: number[];
}

export interface HeadState {
  head: number;
  /** kvm_rmap_head.val in the model's encoding (see PteLists). */
  val: number;
  /** Every descriptor this head owns or is about to (a freshly allocated one is not yet linked). */
  descs: Record<number, DescView>;
}

export type HeadKind = 'empty' | 'single' | 'many';

export function headKind(val: number): HeadKind {
  return val === 0 ? 'empty' : val & KVM_RMAP_MANY ? 'many' : 'single';
}

export function headState(L: PteLists, h: number): HeadState {
  const val = L.headVal[h]!;
  const descs: Record<number, DescView> = {};
  if (val & KVM_RMAP_MANY) {
    for (let d = descOfVal(val); d !== NO_DESC; d = L.more[d]!) descs[d] = descView(L, d);
  }
  return { head: h, val, descs };
}

function descView(L: PteLists, d: number): DescView {
  const { layout } = L.variant;
  return {
    id: d,
    more: L.more[d] === NO_DESC ? null : L.more[d]!,
    spteCount: layout.spteCountOffset === null ? null : L.spteCount[d]!,
    tailCount: layout.tailCountOffset === null ? null : L.tailCount[d]!,
    slots: Array.from(L.sptes.subarray(d * L.ext, (d + 1) * L.ext)),
  };
}

/** Descriptors in chain order from the head, following `more`. */
export function chainOf(s: HeadState): DescView[] {
  const out: DescView[] = [];
  if (!(s.val & KVM_RMAP_MANY)) return out;
  for (let d: number | null = descOfVal(s.val); d !== null && s.descs[d]; d = s.descs[d]!.more) {
    out.push(s.descs[d]!);
    if (out.length > Object.keys(s.descs).length) break; // a cycle would be an invariant bug
  }
  return out;
}

/** Entries a descriptor holds: its counter, or the used prefix of its slots. */
export function entriesOf(desc: DescView): number[] {
  if (desc.spteCount !== null) return desc.slots.slice(0, desc.spteCount);
  const end = desc.slots.indexOf(0);
  return end < 0 ? desc.slots.slice() : desc.slots.slice(0, end);
}

/** One micro-step applied to a picture; reads return it unchanged. Never mutates `s`. */
export function applyStep(
  s: HeadState,
  step: RmapStep,
  ext: number,
  counted: boolean,
  tail: boolean,
): HeadState {
  const put = (d: DescView): HeadState => ({ ...s, descs: { ...s.descs, [d.id]: d } });
  const desc = (id: number): DescView => s.descs[id]!;
  const withSlot = (d: DescView, i: number, v: number): DescView => {
    const slots = d.slots.slice();
    slots[i] = v;
    return { ...d, slots };
  };
  switch (step.k) {
    case 'alloc':
      return put({
        id: step.desc,
        more: null,
        spteCount: counted ? 0 : null,
        tailCount: tail ? 0 : null,
        slots: new Array<number>(ext).fill(0),
      });
    case 'writeSlot':
      return put(withSlot(desc(step.desc), step.slot, step.spte));
    case 'clearSlot':
      return put(withSlot(desc(step.desc), step.slot, 0));
    case 'moveEntry': {
      const moved = {
        ...s,
        descs: { ...s.descs, [step.to]: withSlot(desc(step.to), step.toSlot, step.spte) },
      };
      return {
        ...moved,
        descs: { ...moved.descs, [step.from]: withSlot(moved.descs[step.from]!, step.fromSlot, 0) },
      };
    }
    case 'setCounts':
      return put({
        ...desc(step.desc),
        spteCount: counted ? step.spteCount : null,
        tailCount: tail ? step.tailCount : null,
      });
    case 'setMore':
      return put({ ...desc(step.desc), more: step.more });
    case 'setHead':
      return { ...s, val: step.val };
    case 'free': {
      const descs = { ...s.descs };
      delete descs[step.desc];
      return { ...s, descs };
    }
    default:
      return s;
  }
}

/** The `rmap-golden/1` layout of a head: what the golden traces record after each op. */
export type GoldenLayout =
  | { kind: 'empty' }
  | { kind: 'single'; spte: number }
  | {
      kind: 'many';
      descs: { spte_count: number; tail_count?: number; sptes: number[] }[];
      iteration: number[];
    };

export function goldenLayout(L: PteLists, h: number): GoldenLayout {
  const s = headState(L, h);
  const kind = headKind(s.val);
  if (kind === 'empty') return { kind };
  if (kind === 'single') return { kind, spte: s.val };
  return {
    kind,
    descs: chainOf(s).map((d) => {
      const sptes = entriesOf(d);
      return d.tailCount === null
        ? { spte_count: sptes.length, sptes }
        : { spte_count: sptes.length, tail_count: d.tailCount, sptes };
    }),
    iteration: rmapSptes(L, h),
  };
}
