/**
 * Screenshots of the view preview (src/views/__preview__) at 1280×720 and 390 px wide, light
 * and dark, into e2e/artifacts/preview/. Starts its own Vite dev server. Chromium is shared on
 * this machine, so take the lock:
 *   flock /tmp/browser.lock npx tsx e2e/preview/screenshot.ts [scene-name-filter]
 */
import { mkdirSync } from 'node:fs';
import { chromium, type Page } from '@playwright/test';
import { createServer } from 'vite';

interface Scene {
  name: string;
  query: string;
  act?: (page: Page) => Promise<void>;
}

const scenes: Scene[] = [
  { name: 'all', query: 'fixture=nested-split-1g' },
  { name: 'cache-split', query: 'view=cache&fixture=nested-split-1g' },
  { name: 'cache-mix', query: 'view=cache&fixture=timeline-mix' },
  { name: 'cache-edge', query: 'view=cache&fixture=direct-no-gfns&edge=1' },
  { name: 'stats-mix', query: 'view=stats&fixture=timeline-mix' },
  { name: 'stats-fork', query: 'view=stats&fixture=guest-fork' },
  { name: 'stats-1', query: 'view=stats&fixture=nested-split-1g&series=1' },
  { name: 'stats-100k', query: 'view=stats&fixture=timeline-mix&series=100k' },
  { name: 'composer', query: 'view=composer' },
  {
    name: 'composer-errors',
    query: 'view=composer',
    act: async (page) => {
      await page.getByLabel('Operation').selectOption('fork');
      await page.getByLabel('gfn').fill('0xzz');
      await page.getByLabel('count', { exact: true }).fill('0');
      await page.getByLabel(/^gva/).fill('-1');
      await page.getByRole('button', { name: 'Apply' }).click();
    },
  },
  {
    name: 'composer-refused',
    query: 'view=composer',
    act: async (page) => {
      await page.getByLabel('gfn').fill('0x200000');
      await page.getByLabel('level', { exact: true }).selectOption('2');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.getByRole('alert').filter({ hasText: 'memslot' }).waitFor();
    },
  },
  { name: 'picker', query: 'view=picker&fixture=guest-fork' },
  {
    name: 'editor-errors',
    query: 'view=editor&editor=broken',
    act: async (page) => {
      await page.getByRole('button', { name: 'Apply scenario' }).click();
      await page.locator('.editor-errors').waitFor();
    },
  },
];

const sizes = [
  { tag: 'wide', width: 1280, height: 720 },
  { tag: 'narrow', width: 390, height: 844 },
];

const filter = process.argv[2];
const outDir = new URL('../artifacts/preview/', import.meta.url);
mkdirSync(outDir, { recursive: true });

const server = await createServer({ server: { port: 5190, strictPort: false, host: '127.0.0.1' } });
await server.listen();
const base = server.resolvedUrls!.local[0]!;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
  ],
});
try {
  for (const scene of scenes.filter((s) => !filter || s.name.includes(filter))) {
    for (const size of sizes) {
      for (const scheme of ['light', 'dark'] as const) {
        const page = await browser.newPage({
          viewport: { width: size.width, height: size.height },
          colorScheme: scheme,
        });
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
        await page.goto(`${base}src/views/__preview__/preview.html?${scene.query}`);
        await page.locator('[data-ready]').waitFor();
        if (scene.act) await scene.act(page);
        await page.waitForTimeout(150); // ResizeObserver → chart widths
        const file = `${scene.name}-${size.tag}-${scheme}.png`;
        await page.screenshot({ path: new URL(file, outDir).pathname, fullPage: true });
        console.log(file, errors.length ? `ERRORS: ${errors.join(' | ')}` : '');
        await page.close();
      }
    }
  }
} finally {
  await browser.close();
  await server.close();
}
