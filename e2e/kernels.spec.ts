/**
 * Kernel history (issue 7), driven like a person: run the guest-fork preset as v5.14 and see
 * 3-slot descriptors and a count the kernel could not make; then compare v5.14 with v6.4 and see
 * the descriptor counts the model computes for each.
 */
import { expect, test } from '@playwright/test';
import { AT_END, openLink, stepPos } from './support';

test('v5.14: 3-slot descriptors and no pte_list_count', async ({ page }) => {
  await openLink(page, 'preset=guest-fork&view=chain');
  const before = await stepPos(page).textContent();
  await page.getByLabel('Kernel version').selectOption('5.14');
  await expect(page.getByText(/rmap pte_list_ext3/)).toBeVisible();
  await expect(stepPos(page)).toHaveText(AT_END);
  expect(await stepPos(page).textContent()).not.toBe(before);

  // The last op counts the rmap of gfn 0x400: v5.14 has no pte_list_count, so it returns nothing.
  await expect(page.getByTestId('caption')).toHaveText('pte_list_count: return');
  const cost = page.getByLabel('Cost of this operation');
  await expect(cost).toContainText('descriptors visited0');

  // The chain of gfn 0x400: 32-byte descriptors of 3 slots, half-emptied by the exits.
  await page.getByLabel('rmaps of gfn').fill('0x400');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  const head = page.getByRole('region', { name: 'rmap of gfn 0x400 (4K)' });
  await expect(head).toContainText('500 entries');
  const first = head.getByTestId('desc').first();
  await expect(first.getByTestId('slot')).toHaveCount(3);

  // What the version implies, with the commit that changed add's return value.
  await page.getByText('what it implies').click();
  const table = page.getByRole('table', { name: 'Behaviours of 5.14' });
  await expect(table).toContainText('c6c4f961cb87');
  await expect(table).toContainText('pte_list_ext3');
});

test('compare v5.14 with v6.4 on the fork preset: the descriptor counts differ', async ({
  page,
}) => {
  await openLink(page, 'preset=guest-fork&view=chain&kernel=5.14');
  await expect(page.getByLabel('Kernel version')).toHaveValue('5.14');
  await page.getByLabel('Compare with').selectOption({ label: 'kernel v6.4' });
  const summary = page.getByRole('table', { name: 'Differences between the two kernels' });
  const row = summary.locator('tr[data-row="rmap descriptors"]');
  // 500 survivors: v5.14 keeps every 3-slot descriptor half full (334), v6.4 packs them (36).
  await expect(row.locator('td[data-side="main"]')).toHaveText('334');
  await expect(row.locator('td[data-side="compare"]')).toHaveText('36');
  // Both step together: before the exits, 1000 entries in 334 and 72 descriptors.
  await page.getByRole('button', { name: 'Previous operation', exact: true }).click();
  await page.getByRole('button', { name: 'Previous operation', exact: true }).click();
  await expect(row.locator('td[data-side="main"]')).toHaveText('334');
  await expect(row.locator('td[data-side="compare"]')).toHaveText('72');
});
