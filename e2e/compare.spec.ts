/**
 * Compare mode on the guest-fork preset: the same ops under the v5.15–v6.3 rmap (spte_count)
 * beside v6.4's tail_count. After every other child exits, tail_count has packed the 500
 * survivors into 36 descriptors where spte_count keeps 72; the count walks 1 against 72. Both
 * panes follow the one timeline, by micro-step and by operation, and the link keeps the choice.
 */
import { expect, test } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { AT_END, openLink, stepPos, timelineButton } from './support';

/** The summary's row `label` as [main kernel, other kernel]. */
async function row(table: Locator, label: string): Promise<[string, string]> {
  const r = table.locator(`tr[data-row="${label}"]`);
  return [
    (await r.locator('[data-side="main"]').textContent()) ?? '',
    (await r.locator('[data-side="compare"]').textContent()) ?? '',
  ];
}

/** What a pane draws: descriptors per head, and which word or descriptor the step touches. */
async function paneDrawing(page: Page, pane: 'main' | 'compare'): Promise<string> {
  return page
    .locator(`[data-pane="${pane}"]`)
    .evaluate((el) =>
      [
        ...[...el.querySelectorAll('section.chain-head')].map(
          (s) => `${s.querySelectorAll('[data-testid="desc"]').length} descs`,
        ),
        ...[...el.querySelectorAll('.desc.touched, .cell.hit, .head-word.hit')].map(
          (h) =>
            `${h.closest('[data-testid="desc"]')?.getAttribute('data-index') ?? 'head'}:${h.getAttribute('class')}`,
        ),
      ].join(' | '),
    );
}

test('guest fork, tail_count against spte_count: the summary and both panes in step', async ({
  page,
}) => {
  await openLink(page, 'preset=guest-fork&view=chain');
  await page.getByLabel('Compare with').selectOption({ label: 'rmap: spte_count (v5.15–v6.3)' });

  const summary = page.getByRole('table', { name: 'Differences between the two kernels' });
  await expect(summary).toBeVisible();
  await expect(
    summary.getByRole('columnheader', { name: 'this kernel (rmap tail_count)' }),
  ).toBeVisible();
  await expect(summary.getByRole('columnheader', { name: 'rmap spte_count' })).toBeVisible();
  await expect(stepPos(page)).toHaveText(AT_END);
  await expect.poll(() => row(summary, 'rmap descriptors')).toEqual(['36', '72']);
  expect(await row(summary, 'this op: descriptors visited')).toEqual(['1', '72']);
  await expect(summary.locator('tr[data-row="rmap descriptors"]')).toHaveClass(/differs/);

  // Two panes, each titled with its kernel, each with its own chain of gfn 0x400's rmap.
  const main = page.locator('[data-pane="main"]');
  const other = page.locator('[data-pane="compare"]');
  await expect(main.locator('.pane-title')).toHaveText('guest-fork');
  await expect(other.locator('.pane-title')).toHaveText('guest-fork (rmap spte_count)');
  await expect(main.getByTestId('desc')).toHaveCount(36);
  await expect(other.getByTestId('desc')).toHaveCount(72);
  // The choice is in the link.
  await expect(page).toHaveURL(/&compare=%7B%22rmap%22%3A%22spte_count%22%7D$/);

  // Step back through the count: both panes move; the one timeline's position drives both.
  const seen = new Set<string>();
  for (let i = 1; i <= 3; i++) {
    const before = `${await paneDrawing(page, 'main')} // ${await paneDrawing(page, 'compare')}`;
    seen.add(before);
    await timelineButton(page, 'Step back').click();
    await expect(stepPos(page)).toHaveText(/^Step (\d+) \/ (\d+)$/);
    await expect
      .poll(
        async () => `${await paneDrawing(page, 'main')} // ${await paneDrawing(page, 'compare')}`,
      )
      .not.toBe(before);
  }
  // The other kernel's pane changes on its own too (it walks 72 descriptors where this one reads one).
  const compareStates = new Set([...seen].map((s) => s.split(' // ')[1]));
  expect(compareStates.size).toBeGreaterThan(1);

  // By operation: the end of op 3 (the exits), then of op 2 (the count of all 1000).
  await timelineButton(page, 'Previous operation').click();
  await expect(page.getByTestId('op-label')).toContainText('op 3/4');
  await expect.poll(() => row(summary, 'rmap descriptors')).toEqual(['36', '72']);
  expect(await row(summary, 'TLB flushes so far')).toEqual(['500', '500']);
  await timelineButton(page, 'Previous operation').click();
  await expect(page.getByTestId('op-label')).toContainText('op 2/4: count rmap of gfn 0x400');
  // Before the exits both kernels hold 1000 SPTEs in 72 full descriptors.
  await expect.poll(() => row(summary, 'rmap descriptors')).toEqual(['72', '72']);
  expect(await row(summary, 'this op: descriptors visited')).toEqual(['1', '72']);
  expect(await row(summary, 'TLB flushes so far')).toEqual(['0', '0']);
  await expect(summary.locator('tr[data-row="rmap descriptors"]')).not.toHaveClass(/differs/);

  // "nothing" leaves compare mode.
  await page.getByLabel('Compare with').selectOption({ label: 'nothing' });
  await expect(summary).toBeHidden();
  await expect(other).toHaveCount(0);
});

test('a link with a comparison opens in compare mode', async ({ page }) => {
  await openLink(
    page,
    `preset=guest-fork&view=stats&compare=${encodeURIComponent('{"rmap":"spte_count"}')}`,
  );
  await expect(page.getByLabel('Compare with')).toHaveValue('{"rmap":"spte_count"}');
  const summary = page.getByRole('table', { name: 'Differences between the two kernels' });
  await expect.poll(() => row(summary, 'rmap descriptors')).toEqual(['36', '72']);
  // The stats of both kernels side by side: their descriptor charts end at 36 and 72.
  await expect(
    page
      .locator('[data-pane="main"]')
      .getByRole('img', { name: /^rmap descriptors over 4 ops: max 72, 36 at/ }),
  ).toBeVisible();
  await expect(
    page
      .locator('[data-pane="compare"]')
      .getByRole('img', { name: /^rmap descriptors over 4 ops: max 72, 72 at/ }),
  ).toBeVisible();
});
