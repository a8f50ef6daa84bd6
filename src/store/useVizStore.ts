/**
 * What the user is looking at: the loaded timeline's outline, the position on it, the snapshot
 * drawn there (plain data from the worker), the selection and the view options. The model lives
 * in the worker; from src/model and src/worker this file imports types only.
 *
 * Moving along the timeline coalesces: while a snapshot is on its way, only the newest target
 * position is asked for next, so holding an arrow key never queues up stale work.
 */
import { proxy } from 'comlink';
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ScenarioProblem } from '../scenario/schema';
import type { MmuClient } from '../worker/client';
import type {
  CompareChange,
  KernelInfo,
  LoadProblem,
  PresetInfo,
  Source,
} from '../worker/mmuSession';
import type { ChainSelection, Snapshot, TimelineInfo, TimelineSeries } from '../worker/viewTypes';
import type { ErasSnapshot } from '../worker/eraTypes';
import { erasLoader, type ErasLoading } from './erasLoader';

export type ViewName = 'chain' | 'tree' | 'caches' | 'stats' | 'eras';

export interface Selection {
  page?: number;
  index?: number;
  gfn?: number;
}

export interface VizState {
  /** This store's worker (each embedded widget has its own). */
  client: MmuClient;
  presets: PresetInfo[];
  kernels: KernelInfo[];
  /** Preset name, or null for a document loaded from a file or the editor. */
  source: { preset: string } | { name: string } | null;
  info: TimelineInfo | null;
  position: number;
  snapshot: Snapshot | null;
  /** Per-op figures for the charts, fetched once per timeline. */
  series: TimelineSeries | null;
  compare: {
    info: TimelineInfo;
    snapshot: Snapshot | null;
    options: CompareChange;
    series: TimelineSeries | null;
  } | null;
  loading: { done: number; total: number; label: string } | null;
  /** The Eras view: the scenario under the four rmap list eras at the position (null until replayed). */
  eras: ErasSnapshot | null;
  /** The worker's replay of the four eras, while it runs (or why it failed). */
  erasLoading: ErasLoading | null;
  /** Problems of the last document that failed to load (the previous scenario stays). */
  problems: LoadProblem[];
  /** The heading over `problems` when they are not a failed load's (a link's, say). */
  problemsHeading: string | null;
  /** What that failed load was asked to open (a trace's problems offer the part before the bad line). */
  failedSource: Source | null;
  view: ViewName;
  chain: ChainSelection;
  selection: Selection | null;
  playing: boolean;
  /** The scenario editor: its text, and problems by line when a document did not load. */
  editor: {
    text: string;
    errors: { line: number | null; message: string }[];
    name: string | null;
  } | null;
  /** Micro-steps per second while playing. */
  speed: number;
  /** Play moves by operation rather than micro-step. */
  playByOp: boolean;

  init(): Promise<void>;
  load(source: Source, label: string, position?: number): Promise<boolean>;
  cancelLoad(): void;
  goTo(position: number): void;
  stepBy(delta: number): void;
  opBy(delta: number): void;
  setView(view: ViewName): void;
  setChain(chain: ChainSelection): void;
  select(sel: Selection | null): void;
  play(on: boolean): void;
  setSpeed(speed: number): void;
  setPlayByOp(on: boolean): void;
  append(op: unknown): Promise<ScenarioProblem[]>;
  startCompare(options: CompareChange): Promise<void>;
  stopCompare(): void;
  clearProblems(): void;
  /** Says what did not load (a link's part) under `heading`, leaving what is loaded as it is. */
  report(problems: LoadProblem[], heading: string): void;
  /** Opens the editor on `text` (a file that did not load, with its problems by line). */
  showEditor(
    text: string,
    errors: { line: number | null; message: string }[],
    name: string | null,
  ): void;
  /** Opens the editor on the loaded scenario. */
  editScenario(): Promise<void>;
  closeEditor(): void;
}

export type VizStore = StoreApi<VizState>;

/** One store per page or embedded widget, talking to its own worker. */
export function createVizStore(client: MmuClient): VizStore {
  return createStore<VizState>()((set, get) => {
    let inFlight = false;
    let loadToken = 0;
    /** The newest position asked for and not yet sent to the worker. */
    let wanted: number | null = null;
    /** The newest position asked for at all: relative moves start here, not at the drawn one. */
    let target: number | null = null;
    let timer: ReturnType<typeof setInterval> | null = null;

    const fetchAt = async (position: number): Promise<void> => {
      const { view, chain, compare } = get();
      const opts = { chain, tree: view === 'tree' };
      const snapshot = await client.snapshot(position, opts);
      const other = compare ? await client.compareSnapshot(position, opts) : null;
      // None yet for this timeline: the worker replays the four eras, then we ask again.
      const eras = view === 'eras' ? await client.erasSnapshot(position) : null;
      if (view === 'eras' && !eras) loadEras.ensure(get().info);
      set((s) => ({
        snapshot,
        position,
        compare: s.compare ? { ...s.compare, snapshot: other } : null,
        eras,
      }));
    };

    /** Asks for `position`, or remembers it as the next one if a request is on its way. */
    const request = (position: number) => {
      wanted = position;
      target = position;
      if (inFlight) return;
      inFlight = true;
      void (async () => {
        try {
          while (wanted !== null) {
            const p = wanted;
            wanted = null;
            await fetchAt(p);
          }
        } finally {
          inFlight = false;
        }
      })();
    };

    const loadEras = erasLoader(
      client,
      (erasLoading) => set({ erasLoading }),
      () => {
        if (get().view === 'eras' && get().info) request(target ?? get().position);
      },
    );

    const clamp = (p: number) => Math.max(0, Math.min(get().info?.total ?? 0, p));

    return {
      client,
      presets: [],
      kernels: [],
      source: null,
      info: null,
      position: 0,
      snapshot: null,
      series: null,
      compare: null,
      loading: null,
      eras: null,
      erasLoading: null,
      problems: [],
      problemsHeading: null,
      failedSource: null,
      view: 'chain',
      chain: { kind: 'focus' },
      selection: null,
      playing: false,
      editor: null,
      speed: 8,
      playByOp: false,

      async init() {
        set({ presets: await client.presets(), kernels: await client.kernels() });
      },

      async load(source, label, position) {
        get().play(false);
        const token = ++loadToken;
        set({ loading: { done: 0, total: 0, label } });
        const r = await client.load(
          source,
          // Comlink proxies the callback: progress arrives as the worker replays (and may land
          // after the load itself has answered: then it is dropped).
          proxyProgress((done, total) => {
            if (token === loadToken && get().loading) set({ loading: { done, total, label } });
          }),
        );
        loadToken++;
        set({ loading: null });
        if (!r.ok) {
          if ('problems' in r)
            set({ problems: r.problems, problemsHeading: null, failedSource: source });
          return false;
        }
        set({
          info: r.info,
          series: await client.series(false),
          problems: [],
          failedSource: null,
          compare: null,
          selection: null,
          source: 'preset' in source ? { preset: source.preset } : { name: r.info.name },
        });
        request(clamp(position ?? r.info.total));
        return true;
      },

      cancelLoad() {
        void client.cancel();
      },

      goTo(position) {
        request(clamp(position));
      },

      stepBy(delta) {
        request(clamp((target ?? get().position) + delta));
      },

      opBy(delta) {
        const { info } = get();
        if (!info) return;
        const p = target ?? get().position;
        const starts = info.opStart;
        // Op boundaries are the positions after each op: opStart[1..ops].
        const to =
          delta > 0
            ? (starts.find((s) => s > p) ?? info.total)
            : ([...starts].reverse().find((s) => s < p) ?? 0);
        request(to);
      },

      setView(view) {
        set({ view });
        if (get().info) request(target ?? get().position);
      },

      setChain(chain) {
        set({ chain });
        if (get().info) request(target ?? get().position);
      },

      /** A selection made in one view shows in the others: an entry's rmap or parent_ptes in the chain. */
      select(selection) {
        set({ selection });
        if (selection?.gfn !== undefined) get().setChain({ kind: 'gfn', gfn: selection.gfn });
        else if (selection?.page !== undefined && selection.index !== undefined)
          get().setChain({ kind: 'entry', page: selection.page, index: selection.index });
      },

      play(on) {
        if (timer) clearInterval(timer);
        timer = null;
        set({ playing: on });
        if (!on) return;
        const tick = () => {
          const { position, info, playByOp } = get();
          if (!info || position >= info.total) return get().play(false);
          if (playByOp) get().opBy(1);
          else get().stepBy(1);
        };
        timer = setInterval(tick, 1000 / get().speed);
      },

      setSpeed(speed) {
        set({ speed });
        if (get().playing) get().play(true);
      },

      setPlayByOp(playByOp) {
        set({ playByOp });
      },

      async append(op) {
        const r = await client.append(op);
        if (!r.ok) return r.problems;
        set({ info: r.info, source: { name: r.info.name }, series: await client.series(false) });
        request(r.info.total);
        return [];
      },

      async startCompare(options) {
        const info = await client.loadCompare(options);
        set({ compare: { info, snapshot: null, options, series: await client.series(true) } });
        request(target ?? get().position);
      },

      stopCompare() {
        void client.closeCompare();
        set({ compare: null });
      },

      report(problems, heading) {
        set({ problems, problemsHeading: heading, failedSource: null });
      },

      clearProblems() {
        set({ problems: [], failedSource: null });
      },

      showEditor(text, errors, name) {
        set({ editor: { text, errors, name } });
      },

      async editScenario() {
        set({ editor: { text: await client.scenarioText(), errors: [], name: null } });
      },

      closeEditor() {
        set({ editor: null });
      },
    };
  });
}

export const VizStoreContext = createContext<VizStore | null>(null);

function useStoreApi(): VizStore {
  const store = useContext(VizStoreContext);
  if (!store) throw new Error('no VizStoreContext above this component');
  return store;
}

/** The state of the store above this component, by selector (re-renders when it changes). */
export function useVizStore<T>(selector: (s: VizState) => T): T {
  return useStore(useStoreApi(), selector);
}

/** The store itself: for actions, and for reading state in event handlers. */
export function useVizApi(): VizStore {
  return useStoreApi();
}

function proxyProgress(fn: (done: number, total: number) => void) {
  return proxy(fn);
}
