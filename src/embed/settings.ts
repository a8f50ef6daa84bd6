/**
 * What an embed shows, read the same way from the iframe's hash (`#preset=guest-fork&step=12&
 * views=chain,tree&controls=minimal`) and from the custom element's attributes, so a docs writer
 * learns one vocabulary. Anything unknown falls back to a default rather than failing: a typo in
 * `controls` should not blank a page of documentation.
 */
import type { ViewName } from '../store/useVizStore';

export type Controls = 'full' | 'minimal' | 'none';
export type Theme = 'light' | 'dark' | 'auto';

/**
 * Where the scenario comes from. `key` names it for change detection: an attribute or hash that
 * is rewritten with the same scenario must not reload (and lose the position).
 */
export type EmbedScenario = { key: string } & (
  | { preset: string }
  /** A document as in links (deflated, base64url: src/scenario/urlState.ts). */
  | { doc: string }
  /** A URL to fetch the scenario JSON from, relative to the page. */
  | { src: string }
  /** A document written in the page: the element's `<script type="application/json">` child. */
  | { inline: string }
  /** A document object handed over by the parent page (the `load` message). */
  | { object: unknown }
);

export interface EmbedSettings {
  scenario: EmbedScenario | null;
  step?: number;
  views: ViewName[];
  controls: Controls;
  theme: Theme;
  autoplay: boolean;
}

export const VIEW_NAMES: readonly ViewName[] = ['chain', 'tree', 'caches', 'stats', 'eras'];
const CONTROLS: readonly Controls[] = ['full', 'minimal', 'none'];
const THEMES: readonly Theme[] = ['light', 'dark', 'auto'];

/** The attributes (and hash parameters) an embed reads. */
export const SETTING_NAMES = [
  'preset',
  'doc',
  'src',
  'step',
  'views',
  'view',
  'controls',
  'theme',
  'autoplay',
] as const;

type Get = (name: (typeof SETTING_NAMES)[number]) => string | null;

/** `inline`: the text of a scenario written in the page, when there is one (the element's). */
export function readSettings(get: Get, inline: string | null = null): EmbedSettings {
  const out: EmbedSettings = {
    scenario: readScenario(get, inline),
    views: readViews(get('views') ?? get('view')),
    controls: oneOf(get('controls'), CONTROLS, 'minimal'),
    theme: oneOf(get('theme'), THEMES, 'auto'),
    autoplay: flag(get('autoplay')),
  };
  const step = get('step');
  if (step !== null && /^\d+$/.test(step.trim())) out.step = Number(step);
  return out;
}

/** The iframe's settings, from its URL hash. */
export function settingsFromHash(hash: string): EmbedSettings {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  return readSettings((name) => p.get(name));
}

function readScenario(get: Get, inline: string | null): EmbedScenario | null {
  // One source wins, most explicit first: a document in the link, a file, the page's own, a preset.
  const doc = get('doc')?.trim();
  if (doc) return { key: `doc:${doc}`, doc };
  const src = get('src')?.trim();
  if (src) return { key: `src:${src}`, src };
  const text = inline?.trim();
  if (text) return { key: `inline:${text}`, inline: text };
  const preset = get('preset')?.trim();
  if (preset) return { key: `preset:${preset}`, preset };
  return null;
}

let handOvers = 0;

/**
 * A scenario the parent page hands over (the `load` message): each one loads, even when it names
 * the preset already shown, since the parent asked for exactly that.
 */
export function handedScenario(s: { preset: string } | { object: unknown }): EmbedScenario {
  return { key: `handed:${++handOvers}`, ...s };
}

function readViews(text: string | null): ViewName[] {
  const views = (text ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter((v): v is ViewName => (VIEW_NAMES as string[]).includes(v));
  const unique = [...new Set(views)];
  return unique.length ? unique : ['chain'];
}

function oneOf<T extends string>(text: string | null, allowed: readonly T[], fallback: T): T {
  const v = text?.trim().toLowerCase();
  return (allowed as readonly string[]).includes(v ?? '') ? (v as T) : fallback;
}

/** A boolean attribute: present (`autoplay`, `autoplay=""`, `autoplay=1`) unless "false"/"0". */
function flag(text: string | null): boolean {
  if (text === null) return false;
  return !['false', '0', 'no', 'off'].includes(text.trim().toLowerCase());
}
