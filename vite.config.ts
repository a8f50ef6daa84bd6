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

export default defineConfig({
  plugins: [react(), alsoBuildEmbed()],
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
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
  },
});
