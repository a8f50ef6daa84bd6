import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type LogLevel, type Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

/**
 * Every `vite build` (not only `npm run build`) also builds the custom element into dist/embed
 * (vite.embed.config.ts): the app's build empties dist/, and a site without its embed script
 * breaks the docs pages that load it.
 */
function alsoBuildEmbed(): Plugin {
  let logLevel: LogLevel | undefined;
  return {
    name: 'kvm-mmu-viz:also-build-embed',
    apply: 'build',
    configResolved(config) {
      logLevel = config.logLevel;
    },
    async closeBundle(error) {
      if (error) return;
      const configFile = fileURLToPath(new URL('./vite.embed.config.ts', import.meta.url));
      await build({ configFile, logLevel });
    },
  };
}

/**
 * The shared real traces (test/traces/linux-<k>/<workload>/trace.txt.gz) served as
 * traces/linux-<k>/<workload>.txt.gz: copied into the app's build, and served by the dev server.
 * Fetched by the worker at run time, not imported: an import would inline 1.4 MB of gzip into the
 * embed's worker chunk (library builds inline every asset).
 */
function traceAssets(): Plugin {
  const root = fileURLToPath(new URL('./test/traces/', import.meta.url));
  const files = () =>
    ['linux-6.1', 'linux-6.12', 'linux-7.3'].flatMap((k) =>
      readdirSync(root + k).map((w) => ({
        url: `traces/${k}/${w}.txt.gz`,
        path: `${root}${k}/${w}/trace.txt.gz`,
      })),
    );
  return {
    name: 'kvm-mmu-viz:trace-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const f = files().find((x) => req.url === '/' + x.url);
        if (!f) return next();
        res.setHeader('Content-Type', 'application/gzip');
        res.end(readFileSync(f.path));
      });
    },
    generateBundle() {
      for (const f of files())
        this.emitFile({ type: 'asset', fileName: f.url, source: readFileSync(f.path) });
    },
  };
}

export default defineConfig({
  plugins: [react(), alsoBuildEmbed(), traceAssets()],
  worker: { format: 'es' },
  server: { port: 5173, strictPort: false },
  // A sandboxed iframe (opaque origin, "null") fetches embed.html's module scripts in CORS mode:
  // the built site must allow any origin, as static hosts such as GitHub Pages do.
  preview: { port: 4173, cors: true },
  build: {
    // The app, and the iframe embed (src/embed/iframe.tsx). (rolldownOptions: Vite 8's name for
    // rollupOptions.)
    rolldownOptions: { input: { main: 'index.html', embed: 'embed.html' } },
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
  },
});
