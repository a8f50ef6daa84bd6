/**
 * Keeps the URL and the page in step: on load, the hash picks the scenario, step, view and
 * compare options (default: the default preset at its end); afterwards the hash follows what the
 * user looks at, so "Copy link" (or the address bar) reopens it.
 */
import { useEffect } from 'react';
import { DEFAULT_PRESET } from '../scenario/presets';
import { decodeDoc, encodeDoc, formatHash, parseHash, type UrlState } from '../scenario/urlState';
import { useVizStore, type ViewName } from './useVizStore';
import { mmuClient } from '../worker/client';

const VIEWS: ViewName[] = ['chain', 'tree', 'caches', 'stats'];
let started = false;

export function useUrlSync(): void {
  useEffect(() => {
    if (started) return;
    started = true;
    void (async () => {
      const s = useVizStore.getState();
      await s.init();
      const url = parseHash(location.hash);
      if (url.view && (VIEWS as string[]).includes(url.view)) s.setView(url.view as ViewName);
      let ok = false;
      if (url.doc) {
        try {
          ok = await s.load(
            { text: await decodeDoc(url.doc), name: 'linked scenario' },
            'linked scenario',
            url.step,
          );
        } catch {
          ok = false;
        }
      } else if (url.preset) ok = await s.load({ preset: url.preset }, url.preset, url.step);
      if (!ok) await s.load({ preset: DEFAULT_PRESET }, DEFAULT_PRESET);
      if (url.compare) {
        try {
          await s.startCompare(JSON.parse(url.compare) as Record<string, unknown>);
        } catch {
          /* a bad compare option in a link: show the scenario alone */
        }
      }
    })();
    let pending: ReturnType<typeof setTimeout> | null = null;
    return useVizStore.subscribe((st, prev) => {
      if (
        st.position === prev.position &&
        st.view === prev.view &&
        st.source === prev.source &&
        st.compare?.options === prev.compare?.options
      )
        return;
      if (pending) clearTimeout(pending);
      pending = setTimeout(() => void writeHash(), 150);
    });
  }, []);
}

/** A document with more ops than this is not put in links: the URL would be megabytes. */
export const MAX_LINKED_OPS = 5000;

/** The encoded document of the loaded timeline, made once per timeline (not per step). */
let docCache: { info: unknown; doc: string | null } | null = null;

async function encodedDoc(): Promise<string | null> {
  const { info } = useVizStore.getState();
  if (!info) return null;
  if (docCache?.info !== info) {
    const doc =
      info.ops > MAX_LINKED_OPS ? null : await encodeDoc(await mmuClient().scenarioText());
    docCache = { info, doc };
  }
  return docCache.doc;
}

/** The hash for what is on screen now (no scenario in it when the document is too large). */
export async function currentUrlState(): Promise<UrlState> {
  const st = useVizStore.getState();
  const out: UrlState = { step: st.position, view: st.view };
  if (st.source && 'preset' in st.source) out.preset = st.source.preset;
  else {
    const doc = await encodedDoc();
    if (doc) out.doc = doc;
  }
  if (st.compare) out.compare = JSON.stringify(st.compare.options);
  return out;
}

async function writeHash(): Promise<void> {
  const hash = formatHash(await currentUrlState());
  if (hash !== location.hash) history.replaceState(null, '', hash);
}
