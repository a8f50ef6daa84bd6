/**
 * The canvas's colours, read from the same CSS variables the SVG uses (TreeSvg.css), so both
 * modes and both themes stay one palette. Read again when the colour scheme changes.
 */
export interface Palette {
  bg: string;
  card: string;
  cardLine: string;
  text: string;
  muted: string;
  faint: string;
  edge: string;
  new: string;
  reused: string;
  zapped: string;
  focus: string;
  focusSoft: string;
  selected: string;
  /** Entry kinds in ENTRY_* order, as [r, g, b] for the atlas. */
  kinds: [number, number, number][];
  font: string;
}

const KIND_VARS = ['--tree-empty', '--tree-leaf', '--tree-huge', '--tree-link'];

export function readPalette(el: Element): Palette {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    bg: v('--tree-bg', '#f4f5f3'),
    card: v('--tree-card', '#ffffff'),
    cardLine: v('--tree-card-line', '#aab3bc'),
    text: v('--tree-text', '#1d2125'),
    muted: v('--tree-muted', '#626c76'),
    faint: v('--tree-faint', '#9aa3ad'),
    edge: v('--tree-edge', '#8a949e'),
    new: v('--tree-new', '#1b7a39'),
    reused: v('--tree-reused', '#4a6fa5'),
    zapped: v('--tree-zapped', '#b42318'),
    focus: v('--tree-focus', '#0a5cc2'),
    focusSoft: v('--tree-focus-soft', '#dbe8fb'),
    selected: v('--tree-selected', '#c2256f'),
    kinds: KIND_VARS.map((name) => toRgb(v(name, '#888888'))),
    font: v('--tree-mono', 'monospace'),
  };
}

/** Any CSS colour to [r, g, b], by letting a 1 x 1 canvas parse it. */
function toRgb(color: string): [number, number, number] {
  const c = document.createElement('canvas');
  c.width = c.height = 1;
  const ctx = c.getContext('2d', { willReadFrequently: true })!;
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, 1, 1);
  const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
  return [r!, g!, b!];
}
