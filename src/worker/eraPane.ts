/**
 * One era's pane of the Eras view at one position of its timeline: the rmap of the last add
 * drawn as its descriptors (entries per descriptor, which ones the op has touched), the op's
 * list cost, the last add and where the era's add return crosses RMAP_RECYCLE_THRESHOLD.
 */
import type { MmuWorld } from '../model/mmuOps';
import type { PteListVariant } from '../model/pteListVariant';
import { rmapSptes } from '../model/rmap';
import { chainOf, entriesOf, headState } from '../model/rmapLayout';
import type { EraRun } from './eras';
import type { AddPoint, EraField, EraPane } from './eraTypes';
import type { OpDetail } from './timeline';

export function eraPane(run: EraRun, q: number): EraPane {
  const st = run.timeline.at(q);
  const world = st.world;
  const L = world.vm.lists;
  const log = run.pass.log;
  const v = run.variant;
  const i = log.lastAt(q);
  const point = (k: number): AddPoint | null =>
    k < 0
      ? null
      : {
          entry: log.entries[k]!,
          ret: log.ret[k]!,
          cacheLines: log.cacheLines[k]!,
          op: run.timeline.opAt(log.pos[k]!),
          position: log.pos[k]!,
          label: rmapName(world, log.head[k]!),
          rmapAdd: log.rmapAdd[k] === 1,
        };

  let used = new Uint8Array(0);
  let touched = new Uint8Array(0);
  let head: EraPane['head'] = null;
  if (i >= 0) {
    const h = log.head[i]!;
    const chain = chainOf(headState(L, h));
    used = Uint8Array.from(chain, (d) => entriesOf(d).length);
    const hit = touchedDescs(st.detail, st.stepInOp, h);
    touched = Uint8Array.from(chain, (d) => (hit.has(d.id) ? 1 : 0));
    head = { head: h, label: rmapName(world, h), entries: rmapSptes(L, h).length };
  }

  const d = st.detail;
  const cost = d ? { ...d.result.cost, ...d.result.rmap } : null;
  const exceed = point(log.firstExceed());
  return {
    era: run.era,
    structName: v.structName,
    kernels: v.kernels,
    traced: run.traced,
    ext: v.ext,
    descBytes: v.layout.size,
    fields: fieldsOf(v),
    addReturn: addReturnWords(v),
    position: q,
    total: run.timeline.total,
    error: run.timeline.error?.message ?? null,
    head,
    used,
    touched,
    touchedSteps: {
      from: (st.detail?.firstStep ?? 0) + 1,
      to: st.stepInOp,
      whole: (st.detail?.firstStep ?? 0) === 0,
    },
    descs: used.length,
    bytes: used.length * v.layout.size,
    op:
      st.op >= 0 && cost
        ? {
            index: st.op,
            kind: run.timeline.ops.at(st.op)!.op,
            label: run.timeline.opLabel(st.op),
            cacheLines: cost.cacheLines,
            descsVisited: cost.descsVisited,
          }
        : null,
    hasCount: v.hasCount,
    lastAdd: point(i),
    threshold: {
      exceed,
      passed: exceed !== null && q >= exceed.position,
      peak: point(log.peak),
      rmapAdds: log.rmapAdds,
      recyclesSoFar: log.exceedsUpTo(q),
      fresh: run.probe.first,
      freshLimit: run.probe.limit,
      freshReturns: run.probe.returns,
    },
  };
}

/** Descriptors of head `h` that the op's list steps up to this position read or wrote. */
function touchedDescs(detail: OpDetail | null, stepInOp: number, h: number): Set<number> {
  const out = new Set<number>();
  if (!detail) return out;
  const upTo = Math.max(0, stepInOp - detail.firstStep);
  for (let k = 0; k < upTo && k < detail.steps.length; k++) {
    const m = detail.steps[k]!;
    if (m.k !== 'list' || m.step.head !== h) continue;
    const s = m.step;
    if ('desc' in s) out.add(s.desc);
    if (s.k === 'moveEntry') out.add(s.from).add(s.to);
  }
  return out;
}

/** Every 8-byte word of the era's struct at its offset, from its DescLayout. */
export function fieldsOf(v: PteListVariant): EraField[] {
  const { layout } = v;
  const out: EraField[] = [{ name: 'more', offset: layout.moreOffset, bytes: 8, kind: 'more' }];
  if (layout.spteCountOffset !== null)
    out.push({
      name: layout.tailCountOffset !== null ? 'spte_count | tail_count' : 'spte_count',
      offset: layout.spteCountOffset,
      bytes: 8,
      kind: 'count',
    });
  for (let s = 0; s < v.ext; s++)
    out.push({ name: `sptes[${s}]`, offset: layout.slotsOffset + 8 * s, bytes: 8, kind: 'slot' });
  return out.sort((a, b) => a.offset - b.offset);
}

function addReturnWords(v: PteListVariant): string {
  if (v.tailCount) return 'the true length: the head’s spte_count + tail_count';
  const walked = `${v.ext} per full descriptor walked past, plus the receiving one’s entries`;
  return v.addLeavesOutFullLast
    ? `${walked}; the full last one is left out when a new one is appended`
    : walked;
}

const LEVEL_NAME: Record<number, string> = { 1: '4K', 2: '2M', 3: '1G' };

/** "rmap of gfn 0x400 (4K)" for a memslot rmap, "head 0" for a free-standing head. */
export function rmapName(world: MmuWorld, h: number): string {
  if (h >= world.scratchBase && h < world.scratchBase + world.scratchHeads)
    return `head ${h - world.scratchBase}`;
  for (const slot of world.vm.memslots) {
    for (let level = 1; level <= 3; level++) {
      const k = h - slot.rmapBase[level - 1]!;
      if (k >= 0 && k < slot.rmapLen[level - 1]!) {
        const per = 512 ** (level - 1);
        const gfn = Math.max(slot.baseGfn, (Math.floor(slot.baseGfn / per) + k) * per);
        return `rmap of gfn 0x${gfn.toString(16)} (${LEVEL_NAME[level]})`;
      }
    }
  }
  return `head ${h}`;
}
