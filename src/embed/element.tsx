/**
 * `<kvm-mmu-viz preset="guest-fork" step="12" views="chain" controls="minimal">`: the visualizer
 * as a custom element for documentation pages (built by vite.embed.config.ts into
 * dist/embed/kvm-mmu-viz.js). Attributes as in src/embed/settings.ts, plus `src` (a scenario
 * JSON file to fetch); changing one takes effect at once.
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
import { collectedCss, ROOT_CLASS } from './shadowCss';
// After the views, as in the app's main.tsx. In this build every stylesheet import becomes an
// addShadowCss() call (vite.embed.config.ts), so nothing reaches the host page's <head>.
import '../app.css';
import '../layout.css';
import './embed.css';

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

  #fail(why: string): void {
    this.#store = null;
    this.#root?.render(<ErrorBox error={{ title: `Could not start: ${why}.`, problems: [] }} />);
  }

  #render(): void {
    if (!this.#root || !this.#store) return;
    const settings = readSettings((name) => this.getAttribute(name));
    this.#root.render(
      <VizStoreContext.Provider value={this.#store}>
        <EmbedBoundary>
          <EmbedApp settings={settings} />
        </EmbedBoundary>
      </VizStoreContext.Provider>,
    );
  }
}

if (typeof customElements !== 'undefined' && !customElements.get('kvm-mmu-viz'))
  customElements.define('kvm-mmu-viz', KvmMmuVizElement);

declare global {
  interface HTMLElementTagNameMap {
    'kvm-mmu-viz': KvmMmuVizElement;
  }
}
