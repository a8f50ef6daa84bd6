/**
 * A stylesheet pinned to the light theme with its colours written out, for an exported SVG:
 * a picture in a docs page should not turn dark with the reader's system (the page around it
 * may not), and some SVG renderers (image converters, older editors) know no CSS variables.
 * Drops the dark palette (the prefers-color-scheme blocks and the data-theme overrides) and
 * replaces every var(--x) by the light value of --x.
 */
export function lightCss(css: string): string {
  let out = dropDarkRules(css.replace(/\/\*[\s\S]*?\*\//g, ''));
  const vars = new Map<string, string>();
  for (const m of out.matchAll(/(--[\w-]+)\s*:\s*([^;{}]+);/g)) vars.set(m[1]!, m[2]!.trim());
  // Values may refer to other variables: resolve until nothing changes (a few rounds at most).
  for (let round = 0; round < 8; round++) {
    const next = substituteVars(out, vars);
    if (next === out) break;
    out = next;
  }
  return out;
}

/** Removes `@media (prefers-color-scheme: dark) {…}` blocks and rules naming `data-theme`. */
function dropDarkRules(css: string): string {
  let out = '';
  let i = 0;
  while (i < css.length) {
    const open = css.indexOf('{', i);
    if (open < 0) return out + css.slice(i);
    const prelude = css.slice(i, open);
    const close = matchingBrace(css, open);
    const block = css.slice(open, close + 1);
    const head = prelude.trim();
    if (/prefers-color-scheme:\s*dark/.test(head) || /data-theme/.test(head)) {
      // Drop it, but keep whatever came before the prelude on the same stretch (nothing but
      // whitespace between rules).
    } else if (head.startsWith('@media') || head.startsWith('@supports')) {
      out += prelude + '{' + dropDarkRules(block.slice(1, -1)) + '}';
    } else {
      out += prelude + block;
    }
    i = close + 1;
  }
  return out;
}

function matchingBrace(s: string, open: number): number {
  let depth = 0;
  for (let k = open; k < s.length; k++) {
    if (s[k] === '{') depth++;
    else if (s[k] === '}' && --depth === 0) return k;
  }
  return s.length - 1;
}

/** One pass of var(--x[, fallback]) → value; an unknown variable takes its fallback, if any. */
function substituteVars(css: string, vars: Map<string, string>): string {
  let out = '';
  let i = 0;
  for (;;) {
    const at = css.indexOf('var(', i);
    if (at < 0) return out + css.slice(i);
    let depth = 0;
    let end = at + 3;
    for (; end < css.length; end++) {
      if (css[end] === '(') depth++;
      else if (css[end] === ')' && --depth === 0) break;
    }
    const inner = css.slice(at + 4, end);
    const comma = inner.indexOf(',');
    const name = (comma < 0 ? inner : inner.slice(0, comma)).trim();
    const fallback = comma < 0 ? null : inner.slice(comma + 1).trim();
    const value = vars.get(name) ?? fallback;
    out += css.slice(i, at) + (value ?? css.slice(at, end + 1));
    i = end + 1;
  }
}
