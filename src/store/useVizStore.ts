/**
 * What the user is looking at: the kernel variant, the selected rmap head, the last operation on
 * it (plain data from the worker) and which of its micro-steps is shown. The model itself lives
 * in the worker; from src/model this file imports types only.
 *
 * Every action that talks to the worker runs through one queue, so quick clicks and key presses
 * apply in order and a slow reply can never overwrite a newer one.
 */
import { create } from 'zustand';
import type { RmapOp } from '../model/rmapOps';
import { DEFAULT_SCENARIO } from '../scenario/defaultScenario';
import { spteName, sptePtr } from '../scenario/spteName';
import { rmapClient } from '../worker/client';
import type {
  Frame,
  HeadSummary,
  OpOutcome,
  SessionSnapshot,
  SliceVariant,
  VariantInfo,
} from '../worker/rmapSession';

export interface VizState {
  ready: boolean;
  variants: VariantInfo[];
  variant: VariantInfo | null;
  /** State-changing ops so far: what switching the variant replays. */
  history: number;
  head: number;
  heads: HeadSummary[];
  /** The last operation on the selected head, or null (nothing done on it since selecting it). */
  last: OpOutcome | null;
  /** Micro-step shown: -1 = before the op, last.steps.length - 1 = after it. */
  step: number;
  frame: Frame | null;
  error: string | null;

  init(): Promise<void>;
  setVariant(name: SliceVariant): Promise<void>;
  selectHead(head: number): Promise<void>;
  add(n: number): Promise<void>;
  /** Adds sN … sN+count-1, stopping at the first refusal. */
  addRange(n: number, count: number): Promise<void>;
  remove(n: number): Promise<void>;
  count(): Promise<void>;
  reset(): Promise<void>;
  stepTo(k: number): Promise<void>;
  stepBy(delta: number): Promise<void>;
  showError(message: string | null): void;
}

let queue: Promise<void> = Promise.resolve();
let initStarted = false;

export const useVizStore = create<VizState>()((set, get) => {
  const enqueue = (job: () => Promise<void>): Promise<void> => {
    queue = queue
      .then(job)
      .catch((e: unknown) => set({ error: e instanceof Error ? e.message : String(e) }));
    return queue;
  };

  /** Applies one op on the selected head; false when the kernel would BUG() (nothing changed). */
  const run = async (op: RmapOp): Promise<boolean> => {
    const r = await rmapClient().apply(op);
    if ('error' in r) {
      set({ error: r.error.message });
      return false;
    }
    const changed = op.op === 'add' || op.op === 'remove' || op.op === 'destroy';
    set((s) => ({
      last: r,
      step: r.steps.length - 1,
      frame: r.after,
      heads: r.heads,
      error: null,
      history: s.history + (changed ? 1 : 0),
    }));
    return true;
  };

  /** Takes a whole-session picture; keeps the selected head and shows its last op if it had one. */
  const adopt = async (snap: SessionSnapshot, head: number): Promise<void> => {
    const last = snap.last && snap.last.op.head === head ? snap.last : null;
    const frame = last ? last.after : await rmapClient().view(head);
    set({
      ready: true,
      variant: snap.variant,
      history: snap.history,
      heads: snap.heads,
      head,
      last,
      step: last ? last.steps.length - 1 : -1,
      frame,
    });
  };

  const goTo = async (k: number): Promise<void> => {
    const { last, step } = get();
    if (!last) return;
    const target = Math.max(-1, Math.min(k, last.steps.length - 1));
    if (target === step) return;
    set({ step: target, frame: await rmapClient().frameAt(target) });
  };

  const spteOp = (op: 'add' | 'remove', n: number): RmapOp => ({
    op,
    head: get().head,
    spte: sptePtr(n),
  });

  return {
    ready: false,
    variants: [],
    variant: null,
    history: 0,
    head: 0,
    heads: [],
    last: null,
    step: -1,
    frame: null,
    error: null,

    init: () => {
      if (initStarted) return queue; // React StrictMode runs effects twice in development
      initStarted = true;
      return enqueue(async () => {
        const api = rmapClient();
        set({ variants: await api.variants() });
        const snap = await api.load(DEFAULT_SCENARIO);
        await adopt(snap, snap.last?.op.head ?? 0);
      });
    },

    setVariant: (name) =>
      enqueue(async () => {
        if (get().variant?.name === name) return;
        await adopt(await rmapClient().switchVariant(name), get().head);
        set({ error: null });
      }),

    selectHead: (head) =>
      enqueue(async () => {
        const frame = await rmapClient().view(head);
        set({ head, frame, last: null, step: -1, error: null });
      }),

    add: (n) => enqueue(async () => void (await run(spteOp('add', n)))),

    addRange: (n, count) =>
      enqueue(async () => {
        for (let i = 0; i < count; i++) if (!(await run(spteOp('add', n + i)))) break;
      }),

    remove: (n) => enqueue(async () => void (await run(spteOp('remove', n)))),

    count: () => enqueue(async () => void (await run({ op: 'count', head: get().head }))),

    reset: () =>
      enqueue(async () => {
        const name = get().variant?.name ?? 'tail_count';
        await adopt(await rmapClient().reset(name), get().head);
        set({ error: null });
      }),

    stepTo: (k) => enqueue(() => goTo(k)),

    // The target is read when the job runs, so three quick presses move three steps.
    stepBy: (delta) => enqueue(() => goTo(get().step + delta)),

    showError: (message) => set({ error: message }),
  };
});

const KERNEL_FN: Record<RmapOp['op'], string> = {
  add: 'pte_list_add',
  remove: 'pte_list_remove',
  count: 'pte_list_count',
  destroy: 'kvm_zap_all_rmap_sptes',
  iterate: 'for_each_rmap_spte',
};

/** "pte_list_remove(head 2, s1)": the op as the kernel call it stands for. */
export function opLabel(op: RmapOp): string {
  const fn = KERNEL_FN[op.op];
  return 'spte' in op ? `${fn}(head ${op.head}, ${spteName(op.spte)})` : `${fn}(head ${op.head})`;
}
