/**
 * Keeps the URL and the page in step: on load, the hash picks the scenario, step, view and
 * compare options (default: the default preset at its end); afterwards the hash follows what the
 * user looks at, so "Copy link" (or the address bar) reopens it. Each place the user settles on
 * (not each frame of Play) is a history entry, so Back and Forward step through them; a link
 * pasted into the open tab, or Back/Forward, is followed the same way.
 */
import { useEffect } from 'react';
import { DEFAULT_PRESET } from '../scenario/presets';
import { decodeDoc, encodeDoc, formatHash, parseHash, type UrlState } from '../scenario/urlState';
import type { CompareChange, LoadProblem } from '../worker/mmuSession';
import type { VizStore, ViewName } from './useVizStore';

const VIEWS: ViewName[] = ['chain', 'tree', 'caches', 'stats', 'eras'];
/** Stores whose start-up already ran (StrictMode runs effects twice). */
const started = new WeakSet<VizStore>();

export function useUrlSync(store: VizStore): void {
  useEffect(() => {
    if (!started.has(store)) {
      started.add(store);
      void openFrom(store, parseHash(location.hash));
    }
    const follow = () => void followHash(store);
    addEventListener('hashchange', follow);
    addEventListener('popstate', follow);
    let pending: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = store.subscribe((st, prev) => {
      const same =
        st.position === prev.position &&
        st.view === prev.view &&
        st.source === prev.source &&
        st.compare?.options === prev.compare?.options;
      if (same) return;
      if (pending) clearTimeout(pending);
      pending = setTimeout(() => void writeHash(store), 150);
    });
    return () => {
      unsubscribe();
      removeEventListener('hashchange', follow);
      removeEventListener('popstate', follow);
      if (pending) clearTimeout(pending);
    };
  }, [store]);
}

/**
 * Loads what a link (or an embed's settings) names: a document or a preset at a step, in a
 * view, optionally in compare mode; the default preset when it names nothing that loads.
 */
export async function openFrom(
  store: VizStore,
  url: UrlState,
  fallback: string | null = DEFAULT_PRESET,
): Promise<boolean> {
  const s = store.getState();
  await s.init();
  if (url.view && (VIEWS as string[]).includes(url.view)) s.setView(url.view as ViewName);
  let ok = false;
  const known = store.getState().kernels.find((k) => k.version === url.kernel);
  const kernel = known ? { kernel: known.version } : {};
  /** What in the link did not load: said once the page shows what did. */
  const linkProblems: LoadProblem[] = [];
  if (url.doc) {
    try {
      ok = await s.load(
        { text: await decodeDoc(url.doc), name: 'linked scenario', ...kernel },
        'linked scenario',
        url.step,
      );
    } catch (e) {
      linkProblems.push({ path: '#doc', message: messageOf(e) });
    }
  } else if (url.preset) ok = await s.load({ preset: url.preset, ...kernel }, url.preset, url.step);
  let heading =
    ok || fallback
      ? 'Part of the link did not load:'
      : 'The link did not load; the scenario on screen stays:';
  if (!ok && fallback) {
    // The document's own problems, when it decoded but did not load, are the ones to show.
    const own = store.getState().problems;
    if (own.length && !linkProblems.length) linkProblems.push(...own);
    ok = await s.load({ preset: fallback }, fallback);
    if (linkProblems.length)
      heading = 'The link’s scenario did not load; the default one is shown:';
  }
  if (ok && url.compare) {
    const problem = await compareFrom(store, url.compare);
    if (problem) linkProblems.push(problem);
  }
  if (linkProblems.length) s.report(linkProblems, heading);
  return ok;
}

/** Starts the comparison a link's #compare= names; what is wrong with it, if anything. */
async function compareFrom(store: VizStore, json: string): Promise<LoadProblem | null> {
  let change: unknown;
  try {
    change = JSON.parse(json);
  } catch {
    return { path: '#compare', message: 'not JSON options, e.g. {"rmap":"spte_count"}' };
  }
  try {
    // The worker checks it against the options schema.
    await store.getState().startCompare(change as CompareChange);
    return null;
  } catch (e) {
    return { path: '#compare', message: messageOf(e) };
  }
}

/** An Error's message without its class name (Comlink passes worker errors on as Errors). */
function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A document with more ops than this is not put in links: the URL would be megabytes. */
export const MAX_LINKED_OPS = 5000;

/** The encoded document of the loaded timeline, made once per timeline (not per step). */
let docCache: { info: unknown; doc: string | null } | null = null;

async function encodedDoc(store: VizStore): Promise<string | null> {
  const { info, client } = store.getState();
  if (!info) return null;
  if (docCache?.info !== info) {
    // A trace opened from a file is not a scenario document: its lines stay on the user's machine.
    const linkable = info.ops <= MAX_LINKED_OPS && !info.trace;
    const doc = linkable ? await encodeDoc(await client.run((a) => a.scenarioText())) : null;
    docCache = { info, doc };
  }
  return docCache!.doc;
}

/** The hash for what is on screen now (no scenario in it when the document is too large). */
export async function currentUrlState(store: VizStore): Promise<UrlState> {
  const st = store.getState();
  const out: UrlState = { step: st.position, view: st.view };
  if (st.source && 'preset' in st.source) out.preset = st.source.preset;
  else {
    const doc = await encodedDoc(store);
    if (doc) out.doc = doc;
  }
  if (st.compare) out.compare = JSON.stringify(st.compare.options);
  if (st.source && 'preset' in st.source && st.info && st.info.kernel !== 'current')
    out.kernel = st.info.kernel;
  return out;
}

/** The hash this page last wrote or followed: a hashchange to it is our own. */
let settled = '';
/** Until when hash writes replace the entry (a followed link's own adjustments). */
let replaceUntil = 0;
/** The first write only fills in the hash the page was opened with: no entry of its own. */
let firstWrite = true;

async function writeHash(store: VizStore): Promise<void> {
  const hash = formatHash(await currentUrlState(store));
  const replace = firstWrite;
  firstWrite = false;
  if (hash === location.hash) return;
  settled = hash;
  // Play moves many steps a second: those replace the entry instead of filling the history.
  if (replace || store.getState().playing || Date.now() < replaceUntil)
    history.replaceState(null, '', hash);
  else history.pushState(null, '', hash);
}

/**
 * A hash the user brought (pasted, or Back/Forward): the same scenario moves to its step, view
 * and comparison; another scenario loads, and one that does not load leaves the page as it was,
 * with a message.
 */
async function followHash(store: VizStore): Promise<void> {
  const hash = location.hash;
  if (hash === settled) return;
  settled = hash;
  replaceUntil = Date.now() + 1000;
  const url = parseHash(hash);
  const st = store.getState();
  const here = await currentUrlState(store);
  const sameScenario =
    (url.preset ?? null) === (here.preset ?? null) &&
    (url.doc ?? null) === (here.doc ?? null) &&
    (url.kernel ?? null) === (here.kernel ?? null);
  if (!sameScenario) {
    await openFrom(store, url, null);
    return;
  }
  if (url.view && (VIEWS as string[]).includes(url.view)) st.setView(url.view as ViewName);
  if ((url.compare ?? null) !== (here.compare ?? null)) {
    if (!url.compare) st.stopCompare();
    else {
      const problem = await compareFrom(store, url.compare);
      if (problem) st.report([problem], 'Part of the link did not load:');
    }
  }
  if (url.step !== undefined) st.goTo(url.step);
}
