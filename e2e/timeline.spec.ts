/**
 * Moving along the timeline of the tail_count preset (30 adds and one remove, 245 micro-steps)
 * with every control: the step and operation buttons, First / Last, the scrubber, the keys
 * (←/→, Shift+←/→, Home/End, Space) and play / pause at a chosen speed, by micro-step or by
 * operation. At each stop: the position text, the op line, the caption, and what is lit.
 */
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { litSlots, openLink, position, stepPos, timelineButton } from './support';

const PRESET = 'rmap-tail-count-30';

/** The position once it has stopped changing. */
async function settled(page: Page): Promise<number> {
  let last = -1;
  await expect
    .poll(async () => {
      const before = last;
      last = await position(page);
      return last === before;
    })
    .toBe(true);
  return last;
}

async function at(page: Page, step: number, caption: string | RegExp) {
  await expect(stepPos(page)).toHaveText(`Step ${step} / 245`);
  await expect(page.getByTestId('caption')).toHaveText(caption);
}

test('step, operation, first / last and the scrubber, by button and by key', async ({ page }) => {
  await openLink(page, `preset=${PRESET}&step=0&view=chain`, 0);
  const first = timelineButton(page, 'First step');
  const prevOp = timelineButton(page, 'Previous operation');
  const back = timelineButton(page, 'Step back');
  const forward = timelineButton(page, 'Step forward');
  const nextOp = timelineButton(page, 'Next operation');
  const last = timelineButton(page, 'Last step');
  const play = timelineButton(page, 'Play');
  const head = page.getByTestId('head').first();

  // Before the first op: nothing to go back to; the caption sums up the timeline.
  await at(page, 0, '31 operation(s), 245 micro-step(s)');
  await expect(page.getByTestId('op-label')).toHaveText('before the first operation');
  for (const b of [first, prevOp, back]) await expect(b).toBeDisabled();
  for (const b of [forward, nextOp, last, play]) await expect(b).toBeEnabled();
  await expect(head).toHaveAttribute('data-kind', 'empty');

  // Micro-steps into op 1: the add of s1 to an empty head stores it in the head itself.
  await forward.click();
  await at(page, 1, 'pte_list: add s1 on head 0');
  await expect(page.getByTestId('op-label')).toContainText('op 1/31: add s1 on head 0');
  await expect(page.getByTestId('op-label')).toContainText('micro-step 1 of 4');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await at(page, 3, 'pte_list_add: rmap_head->val = s1 (single SPTE)');
  await expect(head).toHaveAttribute('data-kind', 'single');
  await expect(head).toHaveAttribute('data-val', '0x10');

  // By operation: to the end of op 1, then of op 2 (the first descriptor), and back.
  await nextOp.click();
  await at(page, 4, 'pte_list_add: return 0');
  await page.keyboard.press('Shift+ArrowRight');
  await at(page, 12, 'pte_list_add: return 1');
  await expect(page.getByTestId('op-label')).toContainText('op 2/31: add s2 on head 0');
  await expect(head).toHaveAttribute('data-kind', 'many');
  await page.keyboard.press('Shift+ArrowLeft');
  await at(page, 4, 'pte_list_add: return 0');
  await page.keyboard.press('ArrowLeft');
  await at(page, 3, 'pte_list_add: rmap_head->val = s1 (single SPTE)');
  await prevOp.click();
  await at(page, 0, '31 operation(s), 245 micro-step(s)');

  // The scrubber: op 15 writes s15 into slot 0 of a new head descriptor (tail_count prepends).
  const scrubber = page.getByRole('slider', { name: 'Timeline position' });
  await scrubber.fill('105');
  await at(page, 105, 'pte_list_add: write s15 into desc 1 slot 0');
  await expect.poll(() => litSlots(page)).toEqual(['0:0:write:s15']);
  await expect(page.getByTestId('op-label')).toContainText('op 15/31: add s15 on head 0');
  // The micro-step list marks the same step.
  await expect(
    page
      .getByRole('list', { name: 'Micro-steps of this operation' })
      .locator('[aria-current="step"]'),
  ).toContainText('write s15 into desc 1 slot 0');
  // One step on: the counters are written, no slot is lit.
  await scrubber.press('ArrowRight');
  await expect(stepPos(page)).toHaveText('Step 106 / 245');
  await expect(page.getByTestId('caption')).toContainText('desc 1 spte_count = 1, tail_count = 14');
  await expect.poll(() => litSlots(page)).toEqual([]);
  await back.click();
  await at(page, 105, 'pte_list_add: write s15 into desc 1 slot 0');
  await expect.poll(() => litSlots(page)).toEqual(['0:0:write:s15']);

  // A micro-step picked from the list.
  await page
    .getByRole('list', { name: 'Micro-steps of this operation' })
    .getByRole('button', { name: /^101 / })
    .click();
  await expect(stepPos(page)).toHaveText('Step 101 / 245');

  // Last / End and First / Home.
  await last.click();
  await at(page, 245, 'pte_list_desc_remove_entry: desc 2 spte_count = 1, tail_count = 28');
  for (const b of [forward, nextOp, last, play]) await expect(b).toBeDisabled();
  await page.keyboard.press('Home');
  await at(page, 0, '31 operation(s), 245 micro-step(s)');
  await page.keyboard.press('End');
  await expect(stepPos(page)).toHaveText('Step 245 / 245');
  await first.click();
  await expect(stepPos(page)).toHaveText('Step 0 / 245');
  await expect(first).toBeDisabled();
});

test('play and pause, at a speed, by micro-step or by operation, with Space', async ({ page }) => {
  await openLink(page, `preset=${PRESET}&step=0&view=chain`, 0);
  const speed = page.getByLabel('Speed');
  await expect(speed).toHaveValue('8');
  await speed.selectOption('60');

  // Play runs forward micro-step by micro-step; Pause stops it where it is.
  await timelineButton(page, 'Play').click();
  const pause = timelineButton(page, 'Pause');
  await expect(pause).toBeVisible();
  await expect.poll(() => position(page)).toBeGreaterThan(5);
  await pause.click();
  await expect(timelineButton(page, 'Play')).toBeVisible();
  // The step asked for last may still land; after that, nothing moves.
  const stopped = await settled(page);
  await page.waitForTimeout(300);
  expect(await position(page)).toBe(stopped);

  // Space toggles play when focus is not on a control (a click on the caption leaves none).
  await page.getByTestId('caption').click();
  await page.keyboard.press('Space');
  await expect(timelineButton(page, 'Pause')).toBeVisible();
  await expect.poll(() => position(page)).toBeGreaterThan(stopped + 3);
  await page.keyboard.press('Space');
  await expect(timelineButton(page, 'Play')).toBeVisible();

  // By operation: every stop is the end of an add, whose last micro-step is its return.
  await page.getByLabel('by operation').check();
  await speed.selectOption('8');
  const from = await position(page);
  await timelineButton(page, 'Play').click();
  await expect.poll(() => position(page)).toBeGreaterThan(from + 20);
  await timelineButton(page, 'Pause').click();
  await settled(page);
  await expect(page.getByTestId('caption')).toHaveText(/^pte_list_add: return \d+$/);
  await expect(page.getByTestId('op-label')).toHaveText(/micro-step (\d+) of \1$/);

  // At 1/s nothing moves for the first second of play.
  await page.getByLabel('by operation').uncheck();
  await speed.selectOption('1');
  const slow = await position(page);
  await timelineButton(page, 'Play').click();
  await page.waitForTimeout(500);
  expect(await position(page)).toBe(slow);
  await timelineButton(page, 'Pause').click();
  await settled(page);

  // Played to the end, it stops by itself: Play again, now disabled.
  await speed.selectOption('60');
  await page.getByRole('slider', { name: 'Timeline position' }).fill('238');
  await expect(stepPos(page)).toHaveText('Step 238 / 245');
  await timelineButton(page, 'Play').click();
  await expect(stepPos(page)).toHaveText('Step 245 / 245');
  await expect(timelineButton(page, 'Play')).toBeDisabled();
});

test('a long op’s micro-step list follows the step inside itself; the page does not scroll', async ({
  page,
}) => {
  // tdp-mmu-fault's third op has 517 micro-steps: the list is a window of them, and scrolls.
  await openLink(page, 'preset=tdp-mmu-fault&step=300&view=chain', 300);
  const list = page.getByRole('list', { name: 'Micro-steps of this operation' });
  const currentInList = () =>
    list.evaluate((ol) => {
      const li = ol.querySelector('[aria-current="step"]')!.getBoundingClientRect();
      const box = ol.getBoundingClientRect();
      return li.top >= box.top - 1 && li.bottom <= box.bottom + 1;
    });
  await expect.poll(currentInList).toBe(true);
  const scrubber = page.getByRole('slider', { name: 'Timeline position' });
  await scrubber.focus();
  for (let k = 0; k < 30; k++) await scrubber.press('ArrowRight');
  await expect(stepPos(page)).toHaveText('Step 330 / 534');
  await expect.poll(currentInList).toBe(true);
  expect(await list.evaluate((ol) => ol.scrollTop)).toBeGreaterThan(0);
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
});
