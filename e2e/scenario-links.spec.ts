/**
 * Choosing what to look at, and sharing it: a preset picked from the "Scenario:" list; a link
 * that names a preset, a step and a view; "Copy link", whose URL reopens the same step and view
 * in a new tab (read from the clipboard, and from the address bar the app keeps in step).
 */
import { expect, test } from '@playwright/test';
import { AT_END, openLink, openScenarioPicker, scenarioDisclosure, stepPos } from './support';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test('a preset from the picker; "Copy link" reopens its step and view', async ({
  page,
  context,
}) => {
  await page.goto('/');
  // No link: the default preset, at its end.
  await expect(stepPos(page)).toHaveText(AT_END);
  await expect(scenarioDisclosure(page)).toContainText(
    'rmap list, tail_count: 30 adds, one remove',
  );

  await openScenarioPicker(page);
  const card = page.getByRole('button', { name: 'Guest fork: one rmap, a thousand entries' });
  await expect(card).toHaveAccessibleDescription(/every guest process that maps a shared page/);
  await expect(card).toHaveAttribute('aria-pressed', 'false');
  await card.click();

  // The picker closes on the new scenario, shown at its end: the last op's return.
  await expect(card).toBeHidden();
  await expect(scenarioDisclosure(page)).toContainText('Guest fork: one rmap, a thousand entries');
  await expect(page.locator('.top .sub')).toContainText('guest-fork · rmap tail_count');
  await expect(page.locator('.top .sub')).toContainText('shadow paging · 4 operations');
  await expect(stepPos(page)).toHaveText(AT_END);
  await expect(page.getByTestId('op-label')).toContainText('op 4/4: count rmap of gfn 0x400');
  await expect(page.getByTestId('caption')).toHaveText('pte_list_count: return 500');
  await expect(page).toHaveURL(/#preset=guest-fork&step=\d+&view=chain$/);

  // Somewhere else: the end of op 2 (the count before half the children exit), in the stats.
  await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('Shift+ArrowLeft');
  await expect(page.getByTestId('op-label')).toContainText('op 2/4: count rmap of gfn 0x400');
  await expect(page.getByTestId('caption')).toHaveText('pte_list_count: return 1000');
  const step = (await stepPos(page).textContent())!;
  const k = /^Step (\d+) \//.exec(step)![1]!;
  await page.getByRole('tab', { name: 'Stats' }).click();
  await expect(page.getByRole('region', { name: 'Statistics' })).toContainText('after op 2 of 4');

  await page.getByRole('button', { name: 'Copy link', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Link copied' })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toMatch(
    new RegExp(`^http://127\\.0\\.0\\.1:4173/#preset=guest-fork&step=${k}&view=stats$`),
  );
  // The address bar follows too (a moment after the last change).
  await expect(page).toHaveURL(copied);

  // The copied link in a new tab: same scenario, step, caption and view.
  const other = await context.newPage();
  await other.goto(copied);
  await expect(stepPos(other)).toHaveText(step);
  await expect(scenarioDisclosure(other)).toContainText('Guest fork: one rmap, a thousand entries');
  await expect(other.getByTestId('caption')).toHaveText('pte_list_count: return 1000');
  await expect(other.getByRole('tab', { name: 'Stats' })).toHaveAttribute('aria-selected', 'true');
  await expect(other.getByRole('region', { name: 'Statistics' })).toContainText('after op 2 of 4');
  await other.close();
});

test('a link names the preset, the step and the view', async ({ page }) => {
  await openLink(page, 'preset=rmap-spte-count-30&step=105&view=tree', 105);
  await expect(scenarioDisclosure(page)).toContainText(
    'rmap list, spte_count: 30 adds, one remove',
  );
  await expect(page.getByRole('tab', { name: 'Tree' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tab', { name: 'Chain' })).toHaveAttribute('aria-selected', 'false');
  await expect(page.getByTestId('tree-view')).toBeVisible();
  await expect(page.getByTestId('op-label')).toContainText('op 15/31: add s15 on head 0');
  // The same step reached by hand shows the same micro-step.
  const caption = (await page.getByTestId('caption').textContent())!;
  expect(caption).toMatch(/^pte_list_add: /);
  await page.keyboard.press('Home');
  await expect(stepPos(page)).toHaveText(/^Step 0 \//);
  await page.getByRole('slider', { name: 'Timeline position' }).fill('105');
  await expect(stepPos(page)).toHaveText(/^Step 105 \//);
  await expect(page.getByTestId('caption')).toHaveText(caption);

  // A step past the end is clamped to the end; a view the app does not have leaves the chain.
  await openLink(page, 'preset=rmap-spte-count-30&step=99999&view=nonsense');
  await expect(page.getByRole('tab', { name: 'Chain' })).toHaveAttribute('aria-selected', 'true');
});

test('a link to a preset that does not exist opens the default one', async ({ page }) => {
  await openLink(page, 'preset=no-such-preset&step=3');
  await expect(scenarioDisclosure(page)).toContainText(
    'rmap list, tail_count: 30 adds, one remove',
  );
});
