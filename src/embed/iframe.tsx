/**
 * embed.html: one visualizer filling an iframe, set up by the URL hash (src/embed/settings.ts),
 * driven by its parent page through postMessage (src/embed/messages.ts). It works in
 * `<iframe sandbox="allow-scripts">` (an opaque origin): see frameWorker.ts.
 */
import { createRoot } from 'react-dom/client';
import { createVizStore, VizStoreContext, type VizStore } from '../store/useVizStore';
import { createMmuClient } from '../worker/client';
import { EmbedApp, ErrorBox } from './EmbedApp';
import { EmbedBoundary } from './EmbedBoundary';
import { startFrameWorker } from './frameWorker';
import type { EmbedError } from './loadScenario';
import { readParentMessage, type EmbedMessage } from './messages';
import { handedScenario, settingsFromHash, type EmbedSettings } from './settings';
// The page's stylesheets as text, put in a <style> after the views' CSS as in the app's
// main.tsx. Imported as plain CSS, app.css and layout.css would land in the chunk this page
// shares with the app, and the app's own stylesheets (picker, composer) would then load after
// them, changing its cascade.
import appCss from '../app.css?inline';
import layoutCss from '../layout.css?inline';
import embedCss from './embed.css?inline';

const style = document.createElement('style');
style.textContent = [appCss, layoutCss, embedCss].join('\n');
document.head.append(style);

const mount = document.getElementById('root')!;
const root = createRoot(mount);
let settings: EmbedSettings = settingsFromHash(location.hash);

function post(m: EmbedMessage): void {
  if (window.parent !== window) window.parent.postMessage(m, '*');
}

function applyTheme(): void {
  if (settings.theme === 'auto') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = settings.theme;
}

// The parent sizes the frame to the content: report the content's height whenever it changes.
let lastHeight = -1;
new ResizeObserver(() => {
  const height = Math.ceil(mount.getBoundingClientRect().height);
  if (height === lastHeight) return;
  lastHeight = height;
  post({ type: 'kvm-mmu-viz:height', height });
}).observe(mount);

function run(store: VizStore): void {
  const onError = (e: EmbedError) => post({ type: 'kvm-mmu-viz:error', message: e.title });
  const render = () => {
    applyTheme();
    root.render(
      <VizStoreContext.Provider value={store}>
        <EmbedBoundary>
          <EmbedApp
            settings={settings}
            onError={onError}
            appUrl={new URL('./', location.href).href.split('#')[0]!}
          />
        </EmbedBoundary>
      </VizStoreContext.Provider>,
    );
  };

  window.addEventListener('hashchange', () => {
    settings = settingsFromHash(location.hash);
    render();
  });

  window.addEventListener('message', (e: MessageEvent) => {
    if (e.source !== window.parent || window.parent === window) return;
    const m = readParentMessage(e.data);
    if (!m) return;
    const s = store.getState();
    // Before the first load, commands become settings and take effect when it lands.
    const loaded = s.info !== null;
    if (m.type === 'kvm-mmu-viz:goto') {
      if (loaded) s.goTo(m.step);
      else settings = { ...settings, step: m.step };
    } else if (m.type === 'kvm-mmu-viz:play' || m.type === 'kvm-mmu-viz:pause') {
      const on = m.type === 'kvm-mmu-viz:play';
      if (loaded) s.play(on);
      settings = { ...settings, autoplay: on };
    } else {
      const scenario = handedScenario(m.doc ? { object: m.doc } : { preset: m.preset! });
      // The new scenario opens at the step the message names, or at its end.
      settings = { ...settings, scenario };
      if (m.step !== undefined) settings.step = m.step;
      else delete settings.step;
    }
    render();
  });

  // A step is shown when its snapshot arrives (the position moves with it).
  let last: { info: unknown; position: number } = { info: null, position: -1 };
  store.subscribe((st, prev) => {
    if (!st.info || st.snapshot === prev.snapshot) return;
    if (st.info === last.info && st.position === last.position) return;
    last = { info: st.info, position: st.position };
    post({ type: 'kvm-mmu-viz:step', step: st.position, total: st.info.total });
  });

  render();
}

function fail(why: string): void {
  const title = `Could not start its worker: ${why}`;
  root.render(<ErrorBox error={{ title, problems: [] }} />);
  post({ type: 'kvm-mmu-viz:error', message: title });
}

applyTheme();
startFrameWorker().then(
  (startWorker) =>
    // A worker script that fails to load says so only as its first death; the store would wait forever.
    run(createVizStore(createMmuClient(startWorker), { onStartFailure: fail })),
  (e: unknown) => fail(e instanceof Error ? e.message : String(e)),
);
