// kvm-mmu-viz for MkDocs. Its element is an ES module, but MkDocs before 1.5 writes every
// extra_javascript entry as a classic <script defer>; a classic script may import() a module.
// The kvm-mmu-viz build (dist/: embed/, embed.html, index.html, assets/) is served as
// kvm-mmu-viz/ at the site's root, beside this file: change the URL to wherever you host it.
import('./kvm-mmu-viz/embed/kvm-mmu-viz.js')
  .then(() => {
    // Material for MkDocs' instant navigation swaps the page without reloading the script: upgrade
    // the new page's blocks too (blocks already upgraded are skipped).
    if (window.document$) window.document$.subscribe(() => window.kvmMmuViz.run());
  })
  .catch((e) => console.error(`kvm-mmu-viz: the element's script did not load (${e})`));

// Each kvm-mmu-viz iframe says how tall its content is: fit the frame to it (src/embed/messages.ts).
window.addEventListener('message', (e) => {
  if (e.data?.type !== 'kvm-mmu-viz:height' || !Number.isFinite(e.data.height)) return;
  for (const f of document.querySelectorAll('iframe.kvm-mmu-viz-frame')) {
    if (f.contentWindow !== e.source) continue;
    // A border-box frame (as many themes make every element) also holds its borders.
    const borders =
      getComputedStyle(f).boxSizing === 'border-box' ? f.offsetHeight - f.clientHeight : 0;
    f.style.height = `${Math.ceil(e.data.height) + borders}px`;
  }
});
