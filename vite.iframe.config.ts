/**
 * The npm package's iframe bundle, dist/iframe/: embed.html, and the app (index.html) that its
 * "Open in kvm-mmu-viz" link opens (the folder the frame is served from), with their assets.
 * Unlike the site's own build (vite.config.ts, served at a host's root), every URL in it is
 * relative, so the folder works wherever a docs site copies it. Left out: the real-trace presets'
 * traces (2 MB); a trace preset in this bundle says its file was not found.
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  base: './',
  publicDir: false,
  worker: { format: 'es' },
  build: {
    outDir: 'dist/iframe',
    emptyOutDir: true,
    rolldownOptions: { input: { embed: 'embed.html', main: 'index.html' } },
  },
});
