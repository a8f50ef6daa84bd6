/**
 * Blocks of a docs page that hold a scenario document, turned into live widgets, as
 * `mermaid.run()` turns its fences into diagrams: `<pre class="kvm-mmu-viz">` (what a Markdown
 * fence becomes in MkDocs' SuperFences, Sphinx's raw HTML, …) or `<div class="kvm-mmu-viz">`.
 * Settings ride on the block as data attributes (`data-step="12" data-views="chain,tree"`), by
 * the same names as the element's attributes. The block stays in the page, hidden, and is marked:
 * a second pass (after a single-page app's navigation) upgrades only blocks it has not seen.
 */
import { SETTING_NAMES } from './settings';

const BLOCKS = 'pre.kvm-mmu-viz, div.kvm-mmu-viz';
const MARK = 'data-kvm-mmu-viz-upgraded';

/** Upgrades every block under `root` not yet upgraded; the widgets made. */
export function run(root: ParentNode = document): HTMLElement[] {
  const made: HTMLElement[] = [];
  for (const block of root.querySelectorAll<HTMLElement>(BLOCKS)) {
    if (block.hasAttribute(MARK)) continue;
    block.setAttribute(MARK, '');
    const el = document.createElement('kvm-mmu-viz');
    for (const name of SETTING_NAMES) {
      const v = block.dataset[name];
      if (v !== undefined) el.setAttribute(name, v);
    }
    const text = block.textContent?.trim() ?? '';
    if (text) {
      const script = document.createElement('script');
      script.type = 'application/json';
      script.textContent = text;
      el.append(script);
    }
    block.hidden = true;
    block.after(el);
    made.push(el);
  }
  return made;
}

/** The pass that runs once the script has loaded (the page may still be parsing). */
export function runWhenReady(): void {
  if (typeof document === 'undefined') return;
  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', () => run(), { once: true });
  else run();
}
