/**
 * The app's stylesheets turned into one plain stylesheet for an exported SVG: the chosen palette
 * (light, or the dark one of `[data-theme='dark']`) written out as colours, fonts as generic
 * families, and no custom properties left, so that renderers without CSS variables (rsvg-convert,
 * Inkscape's older releases, LaTeX's svg pipelines, the kernel's kernel-figure) draw it as the
 * browser does. lightCss.ts does the substitution; this adds the dark palette and the clean-up.
 */
import { lightCss } from './lightCss';

export type ExportTheme = 'light' | 'dark';

/**
 * The fonts: named fonts differ from machine to machine (and between a browser and an image
 * converter on the same machine); the generic families resolve to the same fontconfig choice.
 */
const GENERIC_FONTS = '--mono: monospace; --sans: sans-serif; --tree-mono: monospace;';

export function themeCss(css: string, theme: ExportTheme): string {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const dark = theme === 'dark' ? darkDeclarations(text) : '';
  // lightCss keeps the last value of each variable: the overrides appended here win.
  const resolved = lightCss(`${text}\n:root { ${dark} ${GENERIC_FONTS} }`);
  return dropCustomProperties(resolved);
}

/** The custom properties that `[data-theme='dark']` rules set (app.css, TreeSvg.css). */
function darkDeclarations(css: string): string {
  const out: string[] = [];
  for (const m of css.matchAll(/([^{}]*)\{([^{}]*)\}/g)) {
    if (!/data-theme=['"]?dark/.test(m[1]!)) continue;
    for (const d of m[2]!.matchAll(/(--[\w-]+)\s*:\s*([^;{}]+);/g)) out.push(`${d[1]}: ${d[2]};`);
  }
  return out.join(' ');
}

/** Drops `--x: …;` declarations, then rules (and at-rules) left with nothing inside. */
function dropCustomProperties(css: string): string {
  // color-scheme too: it only tells a browser which palette the page has, and the file has one.
  let out = css.replace(/(--[\w-]+|color-scheme)\s*:\s*([^;{}]+);?/g, '');
  for (let round = 0; round < 4; round++) {
    const next = out.replace(/[^{};]*\{\s*\}/g, '');
    if (next === out) break;
    out = next;
  }
  return out.replace(/\n\s*\n+/g, '\n').trim() + '\n';
}

/** A stylesheet's palette alone: its `:root` rules (app.css's light and dark variables). */
export function paletteOf(css: string): string {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  return [...text.matchAll(/(^|})\s*(:root[^{}]*)\{([^{}]*)\}/g)]
    .map((m) => `${m[2]!.trim()} {${m[3]}}`)
    .join('\n');
}
