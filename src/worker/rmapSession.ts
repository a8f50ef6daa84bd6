/**
 * One interactive session over a few rmap heads: the state the worker keeps between messages.
 * Pure (no worker API), so it runs under Vitest. Everything it returns is plain data that
 * survives structured cloning: the main thread gets pictures, never model objects.
 *
 * Only the last operation is kept in detail (its micro-steps and the picture before it);
 * the state between any two micro-steps is replayed from there with applyStep, on demand.
 */
import type { OpCost } from '../model/costs';
import { KvmBugError, fmtPtr } from '../model/errors';
import type { RmapStep } from '../model/events';
import { PteLists } from '../model/pteLists';
import { PTE_LIST_VARIANTS } from '../model/pteListVariant';
import { rmapSptes } from '../model/rmap';
import { applyStep, chainOf, headKind, headState } from '../model/rmapLayout';
import type { HeadKind, HeadState } from '../model/rmapLayout';
import { applyRmapOp } from '../model/rmapOps';
import type { RmapOp } from '../model/rmapOps';
import { captionOf } from '../model/stepCaption';
import type { Scenario } from '../scenario/defaultScenario';
import { SPTE_MAX_N, spteName, sptePtr } from '../scenario/spteName';

/** Enough heads to keep a couple of lists side by side; the picker offers all of them. */
export const SESSION_HEADS = 4;

/** The eras this slice draws: both have spte_count and 14-slot, 128-byte descriptors. */
export const SLICE_VARIANTS = ['spte_count', 'tail_count'] as const;
export type SliceVariant = (typeof SLICE_VARIANTS)[number];

export interface VariantInfo {
  name: SliceVariant;
  kernels: string;
  structName: string;
  /** PTE_LIST_EXT. */
  ext: number;
  descBytes: number;
  slotsOffset: number;
  tailCount: boolean;
}

/** A HeadState plus what a view needs and must not compute itself (it may not run model code). */
export interface Frame extends HeadState {
  kind: HeadKind;
  /** The descriptor rmap_head->val points at, when tagged KVM_RMAP_MANY. */
  headDesc: number | null;
  /** Descriptor ids in chain order from the head, following `more`. */
  chain: number[];
  /** Descriptors the head owns but cannot reach: just allocated, or unlinked before the free. */
  detached: number[];
}

export interface CaptionedStep {
  step: RmapStep;
  caption: string;
}

export interface HeadSummary {
  head: number;
  kind: HeadKind;
  entries: number;
}

export interface OpOutcome {
  op: RmapOp;
  ret: number | null;
  cost: OpCost;
  steps: CaptionedStep[];
  before: Frame;
  after: Frame;
  heads: HeadSummary[];
}

/** The kernel would BUG(); the model refused and nothing changed. `check` names the kernel check. */
export interface OpError {
  error: { message: string; check: string; head: number; spte: number };
}

export type ApplyResult = OpOutcome | OpError;

export interface SessionSnapshot {
  variant: VariantInfo;
  heads: HeadSummary[];
  last: OpOutcome | null;
  /** How many state-changing ops the session has applied (what a variant switch replays). */
  history: number;
}

export function variantInfo(name: SliceVariant): VariantInfo {
  const v = PTE_LIST_VARIANTS[name];
  return {
    name,
    kernels: v.kernels,
    structName: v.structName,
    ext: v.ext,
    descBytes: v.layout.size,
    slotsOffset: v.layout.slotsOffset,
    tailCount: v.tailCount,
  };
}

export function isSliceVariant(name: string): name is SliceVariant {
  return (SLICE_VARIANTS as readonly string[]).includes(name);
}

export class RmapSession {
  private L: PteLists;
  private history: RmapOp[] = [];
  private last: OpOutcome | null = null;
  /** frames[k + 1] = the picture after micro-step k of the last op; filled on demand. */
  private frames: Frame[] = [];

  constructor(variant: SliceVariant = 'tail_count') {
    this.L = RmapSession.fresh(variant);
  }

  private static fresh(variant: SliceVariant): PteLists {
    const L = new PteLists(variant);
    L.allocHeads(SESSION_HEADS);
    return L;
  }

  get variant(): SliceVariant {
    return this.L.variant.name as SliceVariant;
  }

  /** Empty heads on `variant`; forgets the history. */
  reset(variant: SliceVariant = this.variant): SessionSnapshot {
    return this.load({ variant, ops: [] });
  }

  /** Replays a scenario from empty heads; stops at the first op the kernel would BUG() on. */
  load(scenario: Scenario): SessionSnapshot {
    if (!isSliceVariant(scenario.variant))
      throw new Error(`variant ${scenario.variant} is not in this view`);
    this.L = RmapSession.fresh(scenario.variant);
    this.history = [];
    this.last = null;
    this.frames = [];
    for (const op of scenario.ops) {
      const r = this.apply(op);
      if ('error' in r) throw new Error(`scenario op ${this.history.length}: ${r.error.message}`);
    }
    return this.snapshot();
  }

  /** The same ops on another kernel: valid there too, since validity is only set membership. */
  switchVariant(variant: SliceVariant): SessionSnapshot {
    return this.load({ variant, ops: this.history.slice() });
  }

  snapshot(): SessionSnapshot {
    return {
      variant: variantInfo(this.variant),
      heads: this.heads(),
      last: this.last,
      history: this.history.length,
    };
  }

  apply(op: RmapOp): ApplyResult {
    const bad = this.checkInput(op);
    if (bad) return bad;
    const before = this.view(op.head);
    let r;
    try {
      r = applyRmapOp(this.L, op, { record: true });
    } catch (e) {
      if (!(e instanceof KvmBugError)) throw e; // an InvariantError is a model bug: let it surface
      // The model prints pointers as the kernel does; the UI names SPTEs sN, so show both.
      const message = e.message.replace(fmtPtr(e.spte), `${spteName(e.spte)} (${fmtPtr(e.spte)})`);
      return { error: { message, check: e.check, head: e.head, spte: e.spte } };
    }
    if (op.op === 'add' || op.op === 'remove' || op.op === 'destroy') this.history.push(op);
    const tailCount = this.L.variant.tailCount;
    this.last = {
      op,
      ret: r.ret,
      cost: r.cost,
      steps: r.steps.map((step) => ({ step, caption: captionOf(step, spteName, { tailCount }) })),
      before,
      after: this.view(op.head),
      heads: this.heads(),
    };
    this.frames = [before];
    return this.last;
  }

  /** The picture after micro-step k of the last op; k = -1 is before it. Clamped to the op. */
  frameAt(k: number): Frame {
    const last = this.last;
    if (!last) throw new Error('no operation yet');
    const i = Math.max(-1, Math.min(Math.trunc(k), last.steps.length - 1)) + 1;
    const { ext, variant } = this.L;
    while (this.frames.length <= i) {
      const prev = this.frames[this.frames.length - 1]!;
      const step = last.steps[this.frames.length - 1]!.step;
      this.frames.push(
        frameOf(applyStep(prev, step, ext, variant.hasSpteCount, variant.tailCount)),
      );
    }
    return this.frames[i]!;
  }

  /** The current picture of head `h`. */
  view(h: number): Frame {
    return frameOf(headState(this.L, h));
  }

  heads(): HeadSummary[] {
    return Array.from({ length: SESSION_HEADS }, (_, head) => ({
      head,
      kind: headKind(this.L.headVal[head]!),
      entries: rmapSptes(this.L, head).length,
    }));
  }

  /** Edge checks the kernel has no need for: a head we do not have, an SPTE name out of range. */
  private checkInput(op: RmapOp): OpError | null {
    const spte = 'spte' in op ? op.spte : 0;
    const fail = (message: string): OpError => ({
      error: { message, check: 'input', head: op.head, spte },
    });
    if (!Number.isInteger(op.head) || op.head < 0 || op.head >= SESSION_HEADS) {
      return fail(`rmap head ${op.head} does not exist (heads 0–${SESSION_HEADS - 1})`);
    }
    if ('spte' in op && !(spte > 0 && spte % 8 === 0 && spte <= sptePtr(SPTE_MAX_N))) {
      return fail(`SPTE pointer ${spte} is not s0–s${SPTE_MAX_N}`);
    }
    return null;
  }
}

export function frameOf(s: HeadState): Frame {
  const chain = chainOf(s).map((d) => d.id);
  const linked = new Set(chain);
  const kind = headKind(s.val);
  return {
    ...s,
    kind,
    headDesc: kind === 'many' ? (chain[0] ?? null) : null,
    chain,
    detached: Object.keys(s.descs)
      .map(Number)
      .filter((id) => !linked.has(id)),
  };
}
