/**
 * Long work: the 16 GiB nested split (21 million micro-steps) takes seconds to replay. Opened
 * from a link, a progress bar with "Cancel" shows while it loads (or the load is already done);
 * started from the picker and cancelled, the scenario that was on screen stays, still usable.
 */
import { expect, test } from '@playwright/test';
import { AT_END, openLink, openScenarioPicker, scenarioDisclosure, stepPos } from './support';

const SPLIT = 'Stress: a 16 GiB nested split';

test('a link to the 16 GiB split: progress while it loads, then its end', async ({ page }) => {
  await page.goto('/#preset=split-16g');
  const status = page.getByRole('status').filter({ hasText: 'Loading split-16g' });
  const done = stepPos(page).filter({ hasText: AT_END });
  // Which comes first depends on the machine: the progress bar, or the loaded timeline.
  await expect(status.or(done)).toBeVisible({ timeout: 30_000 });
  if (await status.isVisible()) {
    await expect(status.getByRole('progressbar', { name: 'Loading progress' })).toBeAttached();
    await expect(status.getByRole('button', { name: 'Cancel' })).toBeAttached();
  }
  await expect(done).toBeVisible({ timeout: 30_000 });
  await expect(status).toHaveCount(0);
  await expect(scenarioDisclosure(page)).toContainText(SPLIT);
  await expect(page.getByTestId('op-label')).toContainText('op 2/2: eager split memslot 0');
});

test('cancelled from the picker, the previous scenario stays', async ({ page }) => {
  await openLink(page, 'preset=rmap-tail-count-30&step=100&view=chain', 100);
  const caption = (await page.getByTestId('caption').textContent())!;

  await openScenarioPicker(page);
  await page.getByRole('button', { name: SPLIT }).click();
  const status = page.getByRole('status').filter({ hasText: 'Loading split-16g' });
  await expect(status).toBeVisible();
  await expect(status.getByRole('progressbar', { name: 'Loading progress' })).toBeVisible();
  await status.getByRole('button', { name: 'Cancel' }).click();
  await expect(status).toHaveCount(0, { timeout: 30_000 });

  // The tail_count list as it was: same step, caption, scenario, link; no "not loaded" alert.
  await expect(stepPos(page)).toHaveText('Step 100 / 245');
  await expect(page.getByTestId('caption')).toHaveText(caption);
  await expect(scenarioDisclosure(page)).toContainText(
    'rmap list, tail_count: 30 adds, one remove',
  );
  await expect(page).toHaveURL(/#preset=rmap-tail-count-30&step=100&view=chain$/);
  await expect(page.getByText('Not loaded')).toHaveCount(0);
  // And it still moves.
  await page.keyboard.press('ArrowRight');
  await expect(stepPos(page)).toHaveText('Step 101 / 245');
});
