/**
 * The npm package's library entries, dist/package/: `react.js` (src/embed/react.tsx) and
 * `schema.js` (src/embed/schema.ts), as readable ES modules for the site's own bundler, which
 * minifies and dedupes. React and zod stay imports (a peer and a dependency), and the React
 * wrapper's `import('./element')` becomes an import of the prebuilt element beside it
 * (dist/embed/kvm-mmu-viz.js, vite.embed.config.ts), so the element is not bundled twice.
 * `npm run build:package` runs this after the app's and the element's builds.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

function elementFromItsOwnBuild(): Plugin {
  return {
    name: 'kvm-mmu-viz:element-from-its-own-build',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source !== './element' || importer !== src('embed/react.tsx')) return null;
      // A relative external is written as it is: the path from dist/package/ to the element.
      return { id: '../embed/kvm-mmu-viz.js', external: true };
    },
  };
}

export default defineConfig({
  plugins: [elementFromItsOwnBuild(), react()],
  publicDir: false,
  build: {
    outDir: 'dist/package',
    emptyOutDir: true,
    lib: {
      entry: { react: src('embed/react.tsx'), schema: src('embed/schema.ts') },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rolldownOptions: {
      external: [/^react($|\/)/, /^zod($|\/)/],
    },
  },
});
