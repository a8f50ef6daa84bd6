/**
 * A screenshot of every view, and of compare mode, at 1280x720 in light and dark, saved to
 * e2e/artifacts/views/ for a person to look at: what the first screen shows, nothing scrolled.
 */
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { openLink } from './support';

const COMPARE = `&compare=${encodeURIComponent('{"rmap":"spte_count"}')}`;

/** Each view where it has something to say, and what shows it is drawn. */
const SHOTS: { name: string; hash: string; step?: number; ready: (page: Page) => Promise<void> }[] =
  [
    {
      name: 'chain',
      hash: 'preset=guest-fork&step=34625&view=chain',
      step: 34625,
      ready: (page) => expect(page.getByTestId('desc').first()).toBeVisible(),
    },
    {
      name: 'tree',
      hash: 'preset=guest-fork&step=111&view=tree',
      step: 111,
      ready: (page) => expect(page.getByTestId('tree-page').first()).toBeVisible(),
    },
    {
      name: 'caches',
      hash: 'preset=split-desc-cache&view=caches',
      ready: (page) => expect(page.getByRole('meter').first()).toBeVisible(),
    },
    {
      name: 'stats',
      hash: 'preset=guest-fork&view=stats',
      ready: (page) => expect(page.getByRole('img', { name: /over 4 ops/ }).first()).toBeVisible(),
    },
    {
      name: 'compare',
      hash: `preset=guest-fork&view=chain${COMPARE}`,
      ready: (page) =>
        expect(page.locator('[data-pane="compare"]').getByTestId('desc').first()).toBeVisible(),
    },
  ];

for (const scheme of ['light', 'dark'] as const) {
  test(`screenshots, ${scheme}`, async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.emulateMedia({ colorScheme: scheme });
    for (const s of SHOTS) {
      await openLink(page, s.hash, s.step);
      await s.ready(page);
      await page.evaluate(() => document.fonts.ready);
      const path = fileURLToPath(
        new URL(`./artifacts/views/${s.name}-${scheme}.png`, import.meta.url),
      );
      await page.screenshot({ path });
    }
  });
}
