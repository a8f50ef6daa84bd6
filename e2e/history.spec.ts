/**
 * Links behave like links: a hash pasted into the open tab is followed, Back and Forward go
 * through the places the user settled on, and a hash that does not load leaves the page as it was.
 */
import { expect, test } from '@playwright/test';
import { openLink, stepPos } from './support';

test('Back and Forward restore the step and the view', async ({ page }) => {
  await openLink(page, 'preset=rmap-tail-count-30&step=5&view=chain', 5);
  // The hash is written 150 ms after the page settles; a move within that joins the opening entry.
  await page.waitForTimeout(400);
  await page.getByRole('button', { name: /Step forward/ }).click();
  await expect(stepPos(page)).toHaveText(/^Step 6 \//);
  await expect(page).toHaveURL(/step=6/);
  await page.getByRole('tab', { name: 'Stats' }).click();
  await expect(page).toHaveURL(/view=stats/);
  await page.goBack();
  await expect(page.getByRole('tab', { name: 'Chain' })).toHaveAttribute('aria-selected', 'true');
  await expect(stepPos(page)).toHaveText(/^Step 6 \//);
  await page.goBack();
  await expect(stepPos(page)).toHaveText(/^Step 5 \//);
  await page.goForward();
  await expect(stepPos(page)).toHaveText(/^Step 6 \//);
});

test('a link pasted into the open tab is followed: another scenario, then a bad one', async ({
  page,
}) => {
  await openLink(page, 'preset=rmap-tail-count-30&step=5', 5);
  await page.evaluate(() => {
    location.hash = '#preset=guest-fork&step=3&view=chain';
  });
  await expect(page.getByText('Guest fork: one rmap, a thousand entries').first()).toBeVisible();
  await expect(stepPos(page)).toHaveText(/^Step 3 \//);
  await page.evaluate(() => {
    location.hash = '#preset=no-such-preset';
  });
  const problems = page.locator('.load-problems');
  await expect(problems).toContainText('Not loaded: the previous scenario stays');
  await expect(problems).toContainText('no preset named "no-such-preset"');
  await expect(stepPos(page)).toHaveText(/^Step 3 \//);
});
