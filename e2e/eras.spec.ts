/**
 * The Eras view on "One rmap across fifteen years": the guest-fork workload under 2.6.37's
 * kvm_rmap_desc, v5.14's 3-slot pte_list_desc, v5.15's spte_count and v6.4's tail_count, side by
 * side. Going back op by op from the end: the recycle at the 1,002nd add, the 1,001st add that
 * returns 996 in 2.6.37 (its full last descriptor left out) and 1,000 elsewhere, and the 1,000
 * entries in 250, 334, 72 and 72 descriptors. The panes follow the one timeline.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { openLink, stepPos, timelineButton } from './support';

const ERAS = ['rmap_ext4', 'pte_list_ext3', 'spte_count', 'tail_count'] as const;

function pane(page: Page, era: (typeof ERAS)[number]) {
  return page.getByRole('region', { name: era, exact: true });
}

/** Per pane, in era order: its descriptor count. */
async function descs(page: Page): Promise<string[]> {
  return Promise.all(ERAS.map((e) => pane(page, e).getByTestId('era-descs').innerText()));
}

async function texts(page: Page, id: string): Promise<string[]> {
  return Promise.all(ERAS.map((e) => pane(page, e).getByTestId(id).innerText()));
}

test('one rmap across fifteen years: four eras to scale, up to the recycle at add #1,002', async ({
  page,
}) => {
  await openLink(page, 'preset=rmap-fifteen-years');
  await page.getByRole('tab', { name: 'Eras' }).click();
  await expect(page).toHaveURL(/view=eras/);
  for (const era of ERAS) await expect(pane(page, era)).toBeVisible();

  // The end: every era's 1,002nd add went over RMAP_RECYCLE_THRESHOLD and the rmap was zapped.
  await expect
    .poll(() => texts(page, 'era-threshold'))
    .toEqual(ERAS.map(() => 'add #1,002 returned 1,001 > 1,000: rmap recycled'));
  expect(await descs(page)).toEqual(['0', '0', '0', '0']);

  // Back to just after the 1,001st add.
  await timelineButton(page, 'Previous operation').click();
  await expect(page.getByTestId('op-label')).toContainText('op 6/7: fork x1 gfn 0x400');
  await timelineButton(page, 'Previous operation').click();
  await expect(page.getByTestId('op-label')).toContainText('op 5/7: fork x1 gfn 0x400');
  await expect.poll(() => descs(page)).toEqual(['251', '334', '72', '72']);
  expect(await texts(page, 'era-last-add')).toEqual([
    '#1,001 returned 996 · 157 lines',
    '#1,001 returned 1,000 · 167 lines',
    '#1,001 returned 1,000 · 73 lines',
    '#1,001 returned 1,000 · 2 lines',
  ]);
  expect(await texts(page, 'era-threshold')).toEqual(
    ERAS.map(() => 'add #1,002 will return 1,001 > 1,000 (op 6): the rmap is recycled there'),
  );
  // Each pane draws its list to one byte scale: 251 x 40 B, 334 x 32 B, 72 x 128 B.
  await expect(
    pane(page, 'rmap_ext4').getByRole('img', {
      name: /^251 descriptors of 40 bytes, 10,040 bytes, drawn to scale/,
    }),
  ).toBeVisible();
  await expect(
    pane(page, 'spte_count').getByRole('img', {
      name: /^72 descriptors of 128 bytes, 9,216 bytes/,
    }),
  ).toBeVisible();

  // One micro-step into the 1,002nd add's op: the panes move with the timeline, still before it.
  const before = await stepPos(page).innerText();
  await timelineButton(page, 'Step forward').click();
  await expect(stepPos(page)).not.toHaveText(before);
  await expect(page.getByTestId('op-label')).toContainText('op 6/7');
  await expect.poll(() => descs(page)).toEqual(['251', '334', '72', '72']);
  expect(await texts(page, 'era-threshold')).toEqual(
    ERAS.map(() => 'add #1,002 will return 1,001 > 1,000 (op 6): the rmap is recycled there'),
  );

  // Next operation: through the 1,002nd add, and the recycle, in every era at once.
  await timelineButton(page, 'Next operation').click();
  await expect(page.getByTestId('op-label')).toContainText('op 6/7');
  await expect
    .poll(() => texts(page, 'era-threshold'))
    .toEqual(ERAS.map(() => 'add #1,002 returned 1,001 > 1,000: rmap recycled'));
  expect(await descs(page)).toEqual(['0', '0', '0', '0']);

  // And the thousand forks of op 1: the same 1,000 SPTEs in 250, 334, 72 and 72 descriptors.
  await page.goto('about:blank');
  await openLink(page, 'preset=rmap-fifteen-years&view=eras&step=0', 0);
  await timelineButton(page, 'Next operation').click();
  await expect(page.getByTestId('op-label')).toContainText('op 1/7: fork x1000 gfn 0x400');
  await expect.poll(() => descs(page)).toEqual(['250', '334', '72', '72']);
  expect(await texts(page, 'era-bytes')).toEqual(['10,000 B', '10,688 B', '9,216 B', '9,216 B']);
});

test('the Eras view passes axe, light and dark', async ({ page }) => {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // A small list: axe's time grows with the elements on the page.
    await openLink(page, 'preset=rmap-tail-count-30&view=eras');
    await expect(pane(page, 'tail_count').getByTestId('era-descs')).toHaveText('3');
    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
    expect(serious, scheme).toEqual([]);
  }
});
