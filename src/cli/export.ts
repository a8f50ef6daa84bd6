/**
 * npm run export -- <scenario.json | --preset NAME> [--step N] [--view chain|tree|caches]
 *                   [--format svg|png] [--theme light|dark] [--out FILE] [--width PX]
 * Draws one view at one step to a standalone plain SVG or PNG, for docs built without
 * JavaScript. The work is in exportCli.ts; this entry only lets Node import the views.
 */
import { register } from 'node:module';

// The views import their stylesheets (`import './ChainView.css'`), which Node cannot load: this
// hook makes every .css module empty. It must be in place before the views are imported, hence
// the dynamic import below.
const cssHook = `export async function load(url, context, next) {
  if (/\\.css$/.test(new URL(url).pathname)) return { format: 'module', source: '', shortCircuit: true };
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(cssHook)}`, import.meta.url);

const { runExport } = await import('./exportCli');
process.exitCode = await runExport(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s + '\n'),
});
