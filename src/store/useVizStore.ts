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
import { WorkerGone, type MmuClient } from '../worker/client';
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
  /** A load in progress: ops replayed (or a trace's bytes read) of all (0: not known). */
  loading: { done: number; total: number; label: string; unit?: 'operations' | 'bytes' } | null;
  /** The Eras view: the scenario under the four rmap list eras at the position (null until replayed). */
  eras: ErasSnapshot | null;
  /** The worker's replay of the four eras, while it runs (or why it failed). */
  erasLoading: ErasLoading | null;
  /**
   * What happened to the user's work that they did not ask for, or asked to stop: a cancelled
   * load, a worker that was ended or died and what was loaded again.
   */
  notice: string | null;
  /** Problems of the last document that failed to load (the previous scenario stays). */
  problems: LoadProblem[];
  /** The heading over `problems` when they are not a failed load's (a link's, say). */
  problemsHeading: string | null;
  /** What that failed load was asked to open (a trace's problems offer the part before the bad line). */
  failedSource: Source | null;
  view: ViewName;
  /** Views drawn beside `view` (an embed stacks several): their data is fetched too. */
  alsoShown: ViewName[];
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
  setView(view: ViewName, alsoShown?: ViewName[]): void;
  setChain(chain: ChainSelection): void;
  select(sel: Selection | null): void;
  play(on: boolean): void;
  setSpeed(speed: number): void;
  setPlayByOp(on: boolean): void;
  append(op: unknown): Promise<ScenarioProblem[]>;
  startCompare(options: CompareChange): Promise<void>;
  stopCompare(): void;
  clearProblems(): void;
  dismissNotice(): void;
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

/** How long a load may take to answer a cancel before its worker is ended and replaced. */
export const CANCEL_GRACE_MS = 1000;
/** How long an appended op or a comparison runs before its status (and Cancel) shows. */
const BUSY_STATUS_MS = 250;

/** What is loaded, as a fresh worker can be asked for it again: a restart puts it back. */
interface Loaded {
  source: Source;
  appended: unknown[];
  compare: CompareChange | null;
}

export interface StoreOptions {
  /** The worker died before it answered anything (its script did not load): an embed says so its own way. */
  onStartFailure?: (why: string) => void;
}

/** One store per page or embedded widget, talking to its own worker. */
export function createVizStore(client: MmuClient, options: StoreOptions = {}): VizStore {
  return createStore<VizState>()((set, get) => {
    let loaded: Loaded | null = null;
    /** A fresh worker is being given back what the old one had: no snapshots until it has. */
    let restoring = false;
    let inFlight = false;
    let loadToken = 0;
    /** The newest position asked for and not yet sent to the worker. */
    let wanted: number | null = null;
    /** The newest position asked for at all: relative moves start here, not at the drawn one. */
    let target: number | null = null;
    let timer: ReturnType<typeof setInterval> | null = null;

    const fetchAt = async (position: number): Promise<void> => {
      const { view, alsoShown, chain, compare } = get();
      const shows = (v: ViewName) => view === v || alsoShown.includes(v);
      const opts = { chain, tree: shows('tree') };
      const snapshot = await client.run((a) => a.snapshot(position, opts));
      const other = compare ? await client.run((a) => a.compareSnapshot(position, opts)) : null;
      // None yet for this timeline: the worker replays the four eras, then we ask again.
      const eras = shows('eras') ? await client.run((a) => a.erasSnapshot(position)) : null;
      if (shows('eras') && !eras) loadEras.ensure(get().info);
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
      if (inFlight || restoring) return;
      inFlight = true;
      void (async () => {
        try {
          while (wanted !== null && !restoring) {
            const p = wanted;
            wanted = null;
            await fetchAt(p);
          }
        } catch (e) {
          // An ended worker's calls: the restart says what happened. Else the step stays as drawn.
          if (!(e instanceof WorkerGone))
            set({ notice: `Step ${target} could not be drawn: ${messageOf(e)}` });
        } finally {
          inFlight = false;
        }
      })();
    };

    const loadEras = erasLoader(
      client,
      (erasLoading) => set({ erasLoading }),
      () => {
        const s = get();
        if ((s.view === 'eras' || s.alsoShown.includes('eras')) && s.info)
          request(target ?? s.position);
      },
    );

    const clamp = (p: number) => Math.max(0, Math.min(get().info?.total ?? 0, p));

    const progress = (token: number, label: string) =>
      // Comlink proxies the callback: progress arrives as the worker replays (and may land
      // after the load itself has answered: then it is dropped).
      proxy((done: number, total: number, unit?: 'operations' | 'bytes') => {
        if (token === loadToken && get().loading) set({ loading: { done, total, label, unit } });
      });

    /** Nothing is loaded any more: what the page shows when even the old work could not come back. */
    const unload = (notice: string) => {
      loaded = null;
      set({ info: null, snapshot: null, series: null, compare: null, eras: null, notice });
    };

    /**
     * Ends the worker and gives a fresh one what was loaded (document, appended ops, comparison),
     * at the same position: the user is back where they were, and `headline` says why.
     */
    const recover = async (headline: string): Promise<void> => {
      const back = loaded;
      const position = target ?? get().position;
      const name = get().info?.name;
      get().play(false);
      client.restart(headline);
      const token = ++loadToken;
      if (!back || !name) {
        set({ loading: null });
        return unload(`${headline}. Nothing was loaded, so nothing is lost.`);
      }
      restoring = true;
      set({ loading: { done: 0, total: 0, label: `“${name}” again` } });
      try {
        const r = await client.run((a) => a.load(back.source, progress(token, `“${name}” again`)));
        if (!r.ok) throw new Error('problems' in r ? r.problems[0]?.message : 'cancelled');
        let info = r.info;
        for (const op of back.appended) {
          const x = await client.run((a) => a.append(op));
          if (x.ok) info = x.info;
        }
        const compare = back.compare
          ? {
              info: await client.run((a) => a.loadCompare(back.compare!)),
              snapshot: null,
              options: back.compare,
              series: await client.run((a) => a.series(true)),
            }
          : null;
        loaded = back;
        set({ info, series: await client.run((a) => a.series(false)), compare, eras: null });
        set({ notice: `${headline}. “${name}” was loaded again, at step ${clamp(position)}.` });
        restoring = false;
        request(clamp(position));
      } catch (e) {
        if (e instanceof WorkerGone) return; // ended again: whoever ended it says so
        unload(`${headline}, and “${name}” did not load again (${messageOf(e)}). Pick a scenario.`);
      } finally {
        restoring = false;
        if (token === loadToken) set({ loading: null });
      }
    };

    /**
     * Runs work that changes what is loaded (an appended op, a comparison) as a load: with its
     * status and Cancel. Null when it was cancelled (the worker ended: recover puts back the rest).
     */
    const busy = async <T>(label: string, work: () => Promise<T>): Promise<T | null> => {
      const token = ++loadToken;
      // Most answer at once: the status shows only for work that takes a while (no flicker).
      const shown = setTimeout(() => {
        if (token === loadToken) set({ loading: { done: 0, total: 0, label }, notice: null });
      }, BUSY_STATUS_MS);
      try {
        return await work();
      } catch (e) {
        if (e instanceof WorkerGone) return null;
        throw e;
      } finally {
        clearTimeout(shown);
        if (token === loadToken) {
          loadToken++;
          set({ loading: null });
        }
      }
    };

    client.onDied = (why, answered) => {
      const said = why[0]!.toUpperCase() + why.slice(1);
      // Died again while being given the old work back, or never started: do not loop.
      if (restoring || !answered) {
        const again = restoring;
        restoring = false;
        loadToken++;
        set({ loading: null });
        if (!again && options.onStartFailure) return options.onStartFailure(why);
        return unload(
          again
            ? `${said}, again while loading the scenario back. Pick a scenario.`
            : `The model did not start: ${why}. Reload the page.`,
        );
      }
      void recover(said);
    };

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
      notice: null,
      problems: [],
      problemsHeading: null,
      failedSource: null,
      view: 'chain',
      alsoShown: [],
      chain: { kind: 'focus' },
      selection: null,
      playing: false,
      editor: null,
      speed: 8,
      playByOp: false,

      async init() {
        set({
          presets: await client.run((a) => a.presets()),
          kernels: await client.run((a) => a.kernels()),
        });
      },

      async load(source, label, position) {
        get().play(false);
        const token = ++loadToken;
        set({ loading: { done: 0, total: 0, label }, notice: null });
        // Every way out of here (an answer, a refusal, a worker error, an ended worker) clears
        // `loading` unless a newer load or a restart owns it by now.
        try {
          const r = await client.run((a) => a.load(source, progress(token, label)));
          if (!r.ok) {
            if ('problems' in r)
              set({ problems: r.problems, problemsHeading: null, failedSource: source });
            else set({ notice: `Cancelled ${label}; what was on screen stays.` });
            return false;
          }
          loaded =
            'loaded' in source && loaded
              ? { ...loaded, source: { ...loaded.source, ...pickKernel(source) }, compare: null }
              : { source, appended: [], compare: null };
          set({
            info: r.info,
            series: await client.run((a) => a.series(false)),
            problems: [],
            failedSource: null,
            compare: null,
            selection: null,
            source: 'preset' in source ? { preset: source.preset } : { name: r.info.name },
          });
          request(clamp(position ?? r.info.total));
          return true;
        } catch (e) {
          if (!(e instanceof WorkerGone))
            set({
              problems: [{ path: '(worker)', message: `the model failed: ${messageOf(e)}` }],
              problemsHeading: null,
              failedSource: source,
            });
          return false;
        } finally {
          if (token === loadToken) {
            loadToken++;
            set({ loading: null });
          }
        }
      },

      cancelLoad() {
        const label = get().loading?.label;
        if (!label) return;
        if (restoring) {
          loadToken++;
          restoring = false;
          client.restart('cancelled');
          set({ loading: null });
          return unload(`Cancelled ${label}. Nothing is loaded: pick a scenario.`);
        }
        const token = loadToken;
        // A load checks for a cancel between chunks of ops; one long op reads no messages, so
        // if no answer comes soon the worker is ended and what was loaded is given to a new one.
        client.run((a) => a.cancel()).catch(() => {});
        setTimeout(() => {
          if (token !== loadToken || !get().loading) return;
          void recover(
            `Cancelled ${label}: the model was inside one long operation and did not stop within ${CANCEL_GRACE_MS / 1000} s, so its worker was ended and a fresh one started`,
          );
        }, CANCEL_GRACE_MS);
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
        // Sorted, and millions long for a big trace: a binary search, not a scan (or a reversed copy).
        const after = firstAbove(starts, p);
        const to =
          delta > 0 ? (starts[after] ?? info.total) : (starts[firstAbove(starts, p - 1) - 1] ?? 0);
        request(to);
      },

      setView(view, alsoShown = []) {
        set({ view, alsoShown });
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
        const r = await busy('the new operation', () => client.run((a) => a.append(op)));
        if (!r) return [{ path: '(op)', message: 'cancelled: the operation was not added' }];
        if (!r.ok) return r.problems;
        if (loaded) loaded = { ...loaded, appended: [...loaded.appended, op] };
        set({
          info: r.info,
          source: { name: r.info.name },
          series: await client.run((a) => a.series(false)),
        });
        request(r.info.total);
        return [];
      },

      async startCompare(options) {
        const label = `the comparison (${Object.values(options).join(', ')})`;
        const got = await busy(label, async () => ({
          info: await client.run((a) => a.loadCompare(options)),
          series: await client.run((a) => a.series(true)),
        }));
        if (!got) return;
        if (loaded) loaded = { ...loaded, compare: options };
        set({ compare: { ...got, snapshot: null, options } });
        request(target ?? get().position);
      },

      stopCompare() {
        client.run((a) => a.closeCompare()).catch(() => {});
        if (loaded) loaded = { ...loaded, compare: null };
        set({ compare: null });
      },

      report(problems, heading) {
        set({ problems, problemsHeading: heading, failedSource: null });
      },

      clearProblems() {
        set({ problems: [], failedSource: null });
      },

      dismissNotice() {
        set({ notice: null });
      },

      showEditor(text, errors, name) {
        set({ editor: { text, errors, name } });
      },

      async editScenario() {
        const text = await client.run((a) => a.scenarioText());
        set({ editor: { text, errors: [], name: null } });
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

/** The index of the first of the sorted `starts` above `p` (its length when none is). */
function firstAbove(starts: ArrayLike<number>, p: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! > p) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The kernel a `{ loaded: true }` rerun asked for, to put on the source it reran. */
function pickKernel(source: Source): Partial<Source> {
  return source.kernel ? { kernel: source.kernel } : {};
}

/** An Error's message without its class name (Comlink passes worker errors on as Errors). */
function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
