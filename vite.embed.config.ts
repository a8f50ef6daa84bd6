/**
 * The custom element (src/embed/element.tsx) as one ES module, dist/embed/kvm-mmu-viz.js, with
 * its worker as a chunk beside it. Run after the app's build (`npm run build`), which empties
 * dist/. Every stylesheet the components import is turned into a string handed to the shadow
 * root (src/embed/shadowCss.ts) instead of a .css file the host page would have to link.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const registry = fileURLToPath(new URL('./src/embed/shadowCss.ts', import.meta.url));
const PREFIX = '\0shadow-css:';
const SUFFIX = '.shadow.js';

/** `import './X.css'` becomes `addShadowCss(<X.css as text>)`, in import order. */
function cssIntoShadowRoot(): Plugin {
  return {
    name: 'kvm-mmu-viz:css-into-shadow-root',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer || !/\.css$/.test(source)) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      // Not ending in .css: Vite's own CSS plugin would take this JS module for a stylesheet.
      return resolved ? PREFIX + resolved.id + SUFFIX : null;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const file = id.slice(PREFIX.length, -SUFFIX.length);
      return (
        `import css from ${JSON.stringify(file + '?inline')};\n` +
        `import { addShadowCss } from ${JSON.stringify(registry)};\n` +
        `addShadowCss(css);\n`
      );
    },
  };
}

export default defineConfig({
  plugins: [cssIntoShadowRoot(), react()],
  // Relative: the worker chunk is found next to the script, wherever the docs host it.
  base: './',
  publicDir: false,
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  worker: { format: 'es' },
  build: {
    outDir: 'dist/embed',
    emptyOutDir: true,
    lib: {
      entry: fileURLToPath(new URL('./src/embed/element.tsx', import.meta.url)),
      formats: ['es'],
      fileName: () => 'kvm-mmu-viz.js',
    },
    rolldownOptions: {
      // A docs page should not need a bundler: React and the rest go into the file.
      external: [],
      // Lib mode keeps whitespace in ES output (for bundlers that re-minify); this file is
      // loaded by readers' browsers as it is.
      output: { minify: true },
    },
  },
});
