/**
 * Loads an embed's scenario into its store and turns every way that can fail (a missing file, a
 * network error, text that is not JSON, a document the schema refuses, an unknown preset) into a
 * message the widget shows in its own box: a docs page must never show a blank frame or throw.
 */
import { fmtLimit, LIMITS } from '../scenario/limits';
import { readAtMost } from '../scenario/readAtMost';
import type { ScenarioProblem } from '../scenario/schema';
import { openFrom } from '../store/useUrlSync';
import type { VizStore } from '../store/useVizStore';
import type { EmbedScenario } from './settings';

export interface EmbedError {
  title: string;
  problems: ScenarioProblem[];
}

export function describeScenario(s: EmbedScenario): string {
  if ('preset' in s) return `preset "${s.preset}"`;
  if ('src' in s) return s.src;
  if ('inline' in s) return 'the scenario written in the page';
  return 'the linked scenario';
}

/** Null when the scenario is on screen; otherwise why not. The previous scenario stays. */
export async function loadScenario(
  store: VizStore,
  scenario: EmbedScenario,
  step: number | undefined,
): Promise<EmbedError | null> {
  const what = describeScenario(scenario);
  let ok: boolean;
  try {
    if ('src' in scenario) {
      const fetched = await fetchText(scenario.src);
      if (typeof fetched !== 'string') return fetched;
      ok = await store
        .getState()
        .load({ text: fetched, name: fileName(scenario.src) }, fileName(scenario.src), step);
    } else if ('inline' in scenario) {
      // Held to the same budget as every document (the schema's limits, the text's size).
      const name = 'inline scenario';
      ok = await store.getState().load({ text: scenario.inline, name }, name, step);
    } else if ('object' in scenario) {
      ok = await store.getState().load({ doc: scenario.object }, 'scenario', step);
    } else {
      // openFrom is what the app's links use: the same decoding of `doc`, no fallback preset
      // (a docs page that names a scenario should say when it is missing, not show another).
      const url = 'preset' in scenario ? { preset: scenario.preset } : { doc: scenario.doc };
      ok = await openFrom(store, { ...url, ...(step !== undefined && { step }) }, null);
    }
  } catch (e) {
    return { title: `Could not load ${what}: ${errorText(e)}`, problems: [] };
  }
  if (ok) return null;
  const problems = store.getState().problems;
  store.getState().clearProblems();
  return {
    title:
      'doc' in scenario && problems.length === 0
        ? 'Could not decode the scenario in the link.'
        : `Could not load ${what}: it is not a valid scenario.`,
    problems,
  };
}

async function fetchText(src: string): Promise<string | EmbedError> {
  let res: Response;
  try {
    res = await fetch(src);
  } catch (e) {
    return { title: `Could not fetch ${src}: ${errorText(e)}`, problems: [] };
  }
  if (!res.ok) {
    return {
      title: `Could not fetch ${src}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`,
      problems: [],
    };
  }
  const text = await boundedText(res);
  if (text === null)
    return {
      title: `Could not load ${src}: over ${fmtLimit(LIMITS.docBytes)} bytes, the limit of a scenario document`,
      problems: [],
    };
  // Many static hosts answer a missing file with their index page, 200 OK.
  if (/^\s*</.test(text)) {
    return {
      title: `Could not load ${src}: got an HTML page, not scenario JSON (wrong path?)`,
      problems: [],
    };
  }
  return text;
}

/** The body as text, read until it passes LIMITS.docBytes (then null): a huge file is not held. */
async function boundedText(res: Response): Promise<string | null> {
  if (!res.body) return res.text();
  const bytes = await readAtMost(res.body, LIMITS.docBytes);
  return bytes && new TextDecoder().decode(bytes);
}

function fileName(src: string): string {
  return src.split(/[?#]/)[0]!.split('/').pop() || src;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
