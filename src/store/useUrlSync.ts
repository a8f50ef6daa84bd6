/**
 * Keeps the URL and the page in step: on load, the hash picks the scenario, step, view and
 * compare options (default: the default preset at its end); afterwards the hash follows what the
 * user looks at, so "Copy link" (or the address bar) reopens it.
 */
import { useEffect } from 'react';
import { DEFAULT_PRESET } from '../scenario/presets';
import { decodeDoc, encodeDoc, formatHash, parseHash, type UrlState } from '../scenario/urlState';
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
  if (url.doc) {
    try {
      ok = await s.load(
        { text: await decodeDoc(url.doc), name: 'linked scenario', ...kernel },
        'linked scenario',
        url.step,
      );
    } catch {
      ok = false;
    }
  } else if (url.preset) ok = await s.load({ preset: url.preset, ...kernel }, url.preset, url.step);
  if (!ok && fallback) ok = await s.load({ preset: fallback }, fallback);
  if (ok && url.compare) {
    try {
      await s.startCompare(JSON.parse(url.compare) as Record<string, unknown>);
    } catch {
      /* a bad compare option in a link: show the scenario alone */
    }
  }
  return ok;
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
    const doc = linkable ? await encodeDoc(await client.scenarioText()) : null;
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

async function writeHash(store: VizStore): Promise<void> {
  const hash = formatHash(await currentUrlState(store));
  if (hash !== location.hash) history.replaceState(null, '', hash);
}
