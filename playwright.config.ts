import { defineConfig } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';

// scripts/ensure-chromium.mjs (run by `npm run test:e2e`) writes which Chromium to use.
const pathFile = 'e2e/.chromium-path';
const executablePath = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  reporter: process.env.CI ? 'list' : 'list',
  use: {
    baseURL: 'http://127.0.0.1:4173',
    viewport: { width: 1280, height: 720 },
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  // The built app, as users get it: `npm test` builds before the e2e run.
  webServer: {
    command: 'npx vite preview --host 127.0.0.1 --port 4173 --strictPort',
    url: 'http://127.0.0.1:4173',
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
