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
  // Answered between ops, or ended inside one: either way the page says it was cancelled.
  await expect(page.getByRole('status').filter({ hasText: 'Cancelled split-16g' })).toBeVisible();
  // And it still moves.
  await page.keyboard.press('ArrowRight');
  await expect(stepPos(page)).toHaveText('Step 101 / 245');
});

/** One op of a million address spaces forking one page: one op, so no cancel check inside it. */
const LONG_FORK = JSON.stringify({
  format: 'kvm-mmu-scenario/1',
  name: 'one long fork',
  kernel: '6.1',
  options: { tdp: false },
  vm: { memslots: [{ baseGfn: 0, npages: 4096 }], vcpus: 1 },
  ops: [
    { op: 'fault', kind: 'shadow', gfn: 16 },
    { op: 'fork', gfn: 16, count: 1_000_000 },
  ],
});

test('Cancel inside one long op ends the worker and brings back what was on screen', async ({
  page,
}) => {
  await openLink(page, 'preset=rmap-tail-count-30&step=100&view=chain', 100);
  const caption = (await page.getByTestId('caption').textContent())!;

  await openScenarioPicker(page);
  await page.getByLabel('Load scenario file').setInputFiles({
    name: 'long-fork.json',
    mimeType: 'application/json',
    buffer: Buffer.from(LONG_FORK),
  });
  const status = page.getByRole('status').filter({ hasText: 'Loading long-fork.json' });
  await expect(status).toBeVisible();
  // Inside the fork op by now: the worker reads no messages until it is over (many seconds).
  await page.waitForTimeout(500);
  const t0 = Date.now();
  await status.getByRole('button', { name: 'Cancel' }).click();

  const notice = page.getByRole('status').filter({ hasText: 'Cancelled long-fork.json' });
  await expect(notice).toContainText(
    'did not stop within 1 s, so its worker was ended and a fresh one started. “rmap-tail-count-30” was loaded again, at step 100.',
    { timeout: 10_000 },
  );
  expect(Date.now() - t0).toBeLessThan(6000);
  await expect(stepPos(page)).toHaveText('Step 100 / 245');
  await expect(page.getByTestId('caption')).toHaveText(caption);
  await expect(page).toHaveURL(/#preset=rmap-tail-count-30&step=100&view=chain$/);

  // The fresh worker answers: stepping works, and the notice goes when dismissed.
  await page.keyboard.press('ArrowRight');
  await expect(stepPos(page)).toHaveText('Step 101 / 245');
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toHaveCount(0);
});

test('a worker that dies on an error is replaced, and the scenario comes back at its step', async ({
  page,
}) => {
  await openLink(page, 'preset=guest-fork&step=40&view=tree', 40);
  // An error nothing catches, thrown inside the model's worker as a bug there would be.
  const [worker] = page.workers();
  await worker!.evaluate(() => {
    setTimeout(() => {
      throw new Error('boom');
    });
  });
  const notice = page.getByRole('status').filter({ hasText: 'The worker stopped on an error' });
  await expect(notice).toContainText('boom');
  await expect(notice).toContainText('“guest-fork” was loaded again, at step 40.');
  await expect(stepPos(page)).toHaveText(/^Step 40 \/ \d+$/);
  await expect(page.getByRole('tab', { name: 'Tree', selected: true })).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await expect(stepPos(page)).toHaveText(/^Step 41 \/ \d+$/);
});
