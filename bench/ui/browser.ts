/** The bench's Chromium: which binary, which flags (the e2e suite's), what counts as an error. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from '@playwright/test';

export const VIEWPORT = { width: 1280, height: 720 };

/** $CHROMIUM_PATH, then what scripts/ensure-chromium.mjs chose, then Debian's. */
function chromiumPath(): string {
  const file = fileURLToPath(new URL('../../e2e/.chromium-path', import.meta.url));
  const fromFile = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  return process.env.CHROMIUM_PATH || fromFile || '/usr/bin/chromium';
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
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
}

/** Page errors and console errors, collected for the caller to fail on. */
export function watch(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}
