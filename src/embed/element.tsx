/**
 * `<kvm-mmu-viz preset="guest-fork" step="12" views="chain" controls="minimal">`: the visualizer
 * as a custom element for documentation pages (built by vite.embed.config.ts into
 * dist/embed/kvm-mmu-viz.js). Attributes as in src/embed/settings.ts, plus `src` (a scenario
 * JSON file to fetch); changing one takes effect at once. A scenario may also be written inside
 * it, as a `<script type="application/json">` child (a docs page carrying its own, as a Mermaid
 * block does); the rest of its own content is what a reader without JavaScript sees.
 *
 * Each element has its own store and its own worker, started only when the element first comes
 * near the viewport: a long page of examples costs nothing until a reader gets to one. A shadow
 * root keeps the page's CSS out and ours in; every failure is shown inside the element.
 */
import { createRoot, type Root } from 'react-dom/client';
import { createVizStore, VizStoreContext, type VizStore } from '../store/useVizStore';
import { createMmuClient, type MmuClient } from '../worker/client';
import { EmbedApp, ErrorBox } from './EmbedApp';
import { EmbedBoundary } from './EmbedBoundary';
import { startWorker } from './elementWorker';
import { readSettings, SETTING_NAMES } from './settings';
import { run, runWhenReady } from './upgrade';
import { collectedCss, ROOT_CLASS } from './shadowCss';
// After the views, as in the app's main.tsx. In this build every stylesheet import becomes an
// addShadowCss() call (vite.embed.config.ts), so nothing reaches the host page's <head>.
import '../app.css';
import '../layout.css';
import './embed.css';

/** The full app: built beside the element (dist/index.html next to dist/embed/). */
const APP_URL = new URL(/* @vite-ignore */ '../', import.meta.url).href;

/** One parsed stylesheet shared by every element on the page. */
let shared: CSSStyleSheet | null = null;

function adoptStyles(shadow: ShadowRoot): void {
  if ('adoptedStyleSheets' in shadow && 'replaceSync' in CSSStyleSheet.prototype) {
    if (!shared) {
      shared = new CSSStyleSheet();
      shared.replaceSync(collectedCss());
    }
    shadow.adoptedStyleSheets = [shared];
    return;
  }
  const style = document.createElement('style');
  style.textContent = collectedCss();
  shadow.append(style);
}

export class KvmMmuVizElement extends HTMLElement {
  static readonly observedAttributes = [...SETTING_NAMES];

  readonly #mount: HTMLDivElement;
  #root: Root | null = null;
  #store: VizStore | null = null;
  #client: MmuClient | null = null;
  #seen: IntersectionObserver | null = null;
  /** Watches the inline scenario: a page (or an SPA) may write it after the element is made. */
  #children: MutationObserver | null = null;

  constructor() {
    super();
    const shadow = this.attachShadow({ mode: 'open' });
    adoptStyles(shadow);
    this.#mount = document.createElement('div');
    this.#mount.className = ROOT_CLASS;
    shadow.append(this.#mount);
  }

  connectedCallback(): void {
    this.#applyTheme();
    if (this.#root || this.#seen) return;
    const wait = document.createElement('p');
    wait.className = 'kmv-placeholder';
    wait.textContent = 'kvm-mmu-viz: waiting to scroll into view…';
    this.#mount.replaceChildren(wait);
    if (typeof IntersectionObserver === 'undefined') return this.#start();
    this.#seen = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) this.#start();
      },
      { rootMargin: '200px 0px' },
    );
    this.#seen.observe(this);
  }

  disconnectedCallback(): void {
    this.#seen?.disconnect();
    this.#seen = null;
    this.#children?.disconnect();
    this.#children = null;
    this.#store?.getState().play(false);
    this.#root?.unmount();
    this.#root = null;
    this.#client?.close();
    this.#client = null;
    this.#store = null;
  }

  attributeChangedCallback(): void {
    this.#applyTheme();
    if (this.#store) this.#render();
  }

  #applyTheme(): void {
    const { theme } = readSettings((name) => this.getAttribute(name));
    if (theme === 'auto') delete this.#mount.dataset.theme;
    else this.#mount.dataset.theme = theme;
  }

  #start(): void {
    this.#seen?.disconnect();
    this.#seen = null;
    if (this.#root) return;
    this.#mount.replaceChildren();
    this.#root = createRoot(this.#mount);
    this.#children = new MutationObserver(() => this.#render());
    this.#children.observe(this, { childList: true, subtree: true, characterData: true });
    try {
      this.#client = createMmuClient(startWorker);
      this.#store = createVizStore(this.#client, {
        // A worker chunk that does not load (404, refused) would leave the widget loading forever.
        onStartFailure: (why) => this.#fail(`its worker did not start (${why})`),
      });
    } catch (e) {
      return this.#fail(`its worker did not start (${e instanceof Error ? e.message : String(e)})`);
    }
    this.#render();
  }

  #inlineScenario(): string | null {
    const script = this.querySelector(':scope > script[type="application/json"]');
    return script?.textContent ?? null;
  }

  #fail(why: string): void {
    this.#store = null;
    this.#root?.render(<ErrorBox error={{ title: `Could not start: ${why}.`, problems: [] }} />);
  }

  #render(): void {
    if (!this.#root || !this.#store) return;
    const settings = readSettings((name) => this.getAttribute(name), this.#inlineScenario());
    this.#root.render(
      <VizStoreContext.Provider value={this.#store}>
        <EmbedBoundary>
          <EmbedApp settings={settings} appUrl={APP_URL} />
        </EmbedBoundary>
      </VizStoreContext.Provider>,
    );
  }
}

if (typeof customElements !== 'undefined' && !customElements.get('kvm-mmu-viz'))
  customElements.define('kvm-mmu-viz', KvmMmuVizElement);

// The upgrade pass over the page's scenario blocks, now and again on `kvmMmuViz.run()`.
export { run };
if (typeof window !== 'undefined') window.kvmMmuViz = { run };
runWhenReady();

declare global {
  interface HTMLElementTagNameMap {
    'kvm-mmu-viz': KvmMmuVizElement;
  }
  interface Window {
    /** `kvmMmuViz.run()`: upgrade the page's scenario blocks again (src/embed/upgrade.ts). */
    kvmMmuViz?: { run: typeof run };
  }
}
