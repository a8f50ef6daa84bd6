/**
 * The four views of the guest-fork preset at known steps: the chain of gfn 0x400's rmap after
 * 1000 forks, the shadow page tree (SVG while small, canvas at 4000 pages), the cache gauges,
 * the statistics; and the cross-links: an entry picked in the tree is the SPTE the chain
 * marks, a slot picked in the chain is the entry the tree selects.
 */
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { openLink, stepPos, timelineButton } from './support';

/** guest-fork at the end of op 2: 1000 SPTEs in gfn 0x400's 4K rmap, just counted. */
async function afterTheForks(page: Page, view: string) {
  await openLink(page, `preset=guest-fork&view=${view}`);
  await timelineButton(page, 'Previous operation').click();
  await timelineButton(page, 'Previous operation').click();
  await expect(page.getByTestId('op-label')).toContainText('op 2/4: count rmap of gfn 0x400');
  await expect(page.getByTestId('caption')).toHaveText('pte_list_count: return 1000');
}

/** The chain toolbar: show the rmaps of one gfn, at every level. */
async function showRmapsOf(page: Page, gfn: string) {
  const toolbar = page.getByRole('group', { name: 'Which rmap heads to show' });
  await toolbar.getByLabel('rmaps of gfn').fill(gfn);
  await toolbar.getByRole('button', { name: 'Show', exact: true }).click();
  await expect(toolbar.getByRole('button', { name: 'Follow the step' })).toHaveAttribute(
    'aria-pressed',
    'false',
  );
}

test('each view after 1000 forks', async ({ page }) => {
  await afterTheForks(page, 'chain');
  await showRmapsOf(page, '0x400');

  // Chain: the 4K rmap of gfn 0x400, 72 descriptors; tail_count's head descriptor holds the
  // 6 newest entries and counts the 994 behind it.
  const rmap4k = page.getByRole('region', { name: 'rmap of gfn 0x400 (4K)', exact: true });
  await expect(rmap4k).toContainText('1000 entries');
  await expect(rmap4k.getByTestId('desc')).toHaveCount(72);
  const headDesc = rmap4k.locator('[data-testid="desc"][data-index="0"]');
  await expect(headDesc).toHaveAttribute('data-spte-count', '6');
  await expect(headDesc).toHaveAttribute('data-tail-count', '994');
  await expect(rmap4k.getByTestId('head')).toHaveAttribute('data-kind', 'many');
  await expect(
    page.getByRole('img', {
      name: /^rmap of gfn 0x400 \(4K\) \(tail_count\): desc \d+ \| KVM_RMAP_MANY, 72 descriptors/,
    }),
  ).toBeVisible();
  // The 2M and 1G rmaps of the same gfn are there and empty.
  for (const level of ['2M', '1G']) {
    const r = page.getByRole('region', { name: `rmap of gfn 0x400 (${level})`, exact: true });
    await expect(r.getByTestId('head')).toHaveAttribute('data-kind', 'empty');
  }

  // Tree: 1000 address spaces x 4 levels of shadow pages, too many for SVG: a canvas.
  await page.getByRole('tab', { name: 'Tree' }).click();
  const tree = page.getByTestId('tree-view');
  await expect(tree).toHaveAttribute('data-pages', '4000');
  await expect(tree).toHaveAttribute('data-mode', 'canvas');
  await expect(tree.locator('canvas')).toBeVisible();
  await expect(tree.getByTestId('tree-page')).toHaveCount(0);
  await expect(tree).toContainText('4,000 shadow pages, 4 levels, 1,000 roots');
  await expect(page.getByRole('navigation', { name: 'Shadow page outline' })).toBeVisible();

  // Caches: the vCPU's caches topped up, the split caches never used.
  await page.getByRole('tab', { name: 'Caches' }).click();
  const caches = page.getByRole('region', { name: 'MMU memory caches' });
  await expect(caches.getByRole('meter')).toHaveCount(7);
  const gauge = (name: string) => caches.getByRole('meter', { name, exact: true });
  await expect(gauge('vcpu0.mmu_pte_list_desc_cache')).toHaveAttribute('aria-valuenow', '22');
  await expect(gauge('vcpu0.mmu_pte_list_desc_cache')).toHaveAttribute('aria-valuemax', '40');
  await expect(gauge('vcpu0.mmu_shadow_page_cache')).toHaveAttribute('aria-valuenow', '36');
  await expect(gauge('split_desc_cache')).toHaveAttribute('aria-valuenow', '0');
  await expect(gauge('split_desc_cache')).toHaveAttribute('aria-valuetext', /never topped up/);

  // Stats: the memory table, the op's cost, the chain-length histogram, four charts.
  await page.getByRole('tab', { name: 'Stats' }).click();
  const stats = page.getByRole('region', { name: 'Statistics' });
  await expect(stats).toContainText('after op 2 of 4');
  const memory = stats.getByRole('table', { name: 'MMU memory' });
  await expect(memory.getByRole('row', { name: /^spt pages/ })).toContainText('15.6 MiB');
  await expect(memory.getByRole('row', { name: /^rmap descriptors/ })).toBeVisible();
  const cost = stats.getByRole('table', { name: 'Cost of op 2 of 4' });
  await expect(cost.getByRole('row', { name: /descriptors visited/ })).toContainText('1');
  const histogram = stats.getByRole('table', { name: 'rmap chain lengths (heads per bucket)' });
  await expect(histogram.getByRole('row', { name: /^101-1000 entries/ })).toContainText('1');
  await expect(stats).toContainText('longest 1,000 · 72 descriptors');
  await expect(stats.getByRole('img', { name: /over 4 ops/ })).toHaveCount(4);
  await expect(
    stats.getByRole('img', { name: 'rmap descriptors over 4 ops: max 72, 72 at the current op' }),
  ).toBeVisible();
});

test('the tree at a small step: SVG pages, the step focus, a pick shown in the chain', async ({
  page,
}) => {
  // Step 111 of the fork: page 12 (the 4th address space's L4) links its child, page 13.
  await openLink(page, 'preset=guest-fork&step=111&view=tree', 111);
  await expect(page.getByTestId('caption')).toHaveText(
    'link_shadow_page: page 12[0] → child page 13',
  );
  const tree = page.getByTestId('tree-view');
  await expect(tree).toHaveAttribute('data-mode', 'svg');
  await expect(tree).toHaveAttribute('data-pages', '14');
  await expect(tree.getByTestId('tree-page')).toHaveCount(14);
  await expect(tree.locator('[data-testid="tree-page"].focus')).toHaveAttribute('data-page', '12');
  await expect(tree.locator('.tree-status')).toContainText(
    'This step: L4 gfn 0xf000c (sp 12), entry 0 (link to a child table)',
  );

  // Stepping back moves the focus with the step: page 12's entry 0 is written before it links.
  await page.keyboard.press('Home');
  await expect(stepPos(page)).toHaveText(/^Step 0 \//);
  await expect(tree.locator('[data-testid="tree-page"].focus')).toHaveCount(0);
  await page.getByRole('slider', { name: 'Timeline position' }).fill('32');
  await expect(page.getByTestId('caption')).toHaveText(
    'mmu_set_spte: page 3[0] = -uxa- → pfn 0x100400 (gfn 0x400)',
  );
  await expect(tree.locator('[data-testid="tree-page"].focus')).toHaveAttribute('data-page', '3');
  await page.getByRole('slider', { name: 'Timeline position' }).fill('111');
  await expect(stepPos(page)).toHaveText(/^Step 111 \//);

  // Pick entry 0 of page 3 (the first fork's 4K leaf for gfn 0x400) in the drawing.
  const page3 = tree.locator('[data-testid="tree-page"][data-page="3"]');
  await page3.getByTestId('tree-grid').click({ position: { x: 1, y: 1 } });
  await expect(tree.locator('.tree-status')).toContainText(
    'Selected: L1 gfn 0xf0003 (sp 3), entry 0 (4K leaf)',
  );
  await expect(page3).toHaveClass(/\bselected\b/);
  const outline = page.getByRole('navigation', { name: 'Shadow page outline' });
  await expect(outline.locator('[aria-current="true"]')).toContainText('sp 3');

  // The chain shows that SPTE in gfn 0x400's rmap, marked.
  await page.getByRole('tab', { name: 'Chain' }).click();
  await expect(page.getByTestId('selection-note')).toBeVisible();
  const rmap4k = page.getByRole('region', { name: 'rmap of gfn 0x400 (4K)', exact: true });
  await expect(rmap4k.locator('[data-testid="slot"][data-selected="true"]')).toHaveAttribute(
    'data-spte',
    '3[0]',
  );

  // A page picked in the outline is selected as a whole.
  await page.getByRole('tab', { name: 'Tree' }).click();
  await outline.getByRole('button', { name: /sp 9\b/ }).click();
  await expect(tree.locator('.tree-status')).toContainText('Selected: L3 gfn 0xf0009 (sp 9)');
  await expect(tree.locator('[data-testid="tree-page"].selected')).toHaveAttribute(
    'data-page',
    '9',
  );
});

test('a slot picked in the chain is the entry the tree selects', async ({ page }) => {
  await afterTheForks(page, 'chain');
  await showRmapsOf(page, '1024');
  const rmap4k = page.getByRole('region', { name: 'rmap of gfn 0x400 (4K)', exact: true });
  const slot = rmap4k.locator(
    '[data-testid="desc"][data-index="0"] [data-testid="slot"][data-slot="0"]',
  );
  const spte = (await slot.getAttribute('data-spte'))!;
  const [, sp, entry] = /^(\d+)\[(\d+)\]$/.exec(spte)!;
  await slot.click();
  await expect(slot).toHaveAttribute('data-selected', 'true');
  await expect(page.getByTestId('selection-note')).toContainText(spte);

  await page.getByRole('tab', { name: 'Tree' }).click();
  await expect(page.getByTestId('tree-view').locator('.tree-status')).toContainText(
    new RegExp(`Selected: L1 gfn 0x[0-9a-f]+ \\(sp ${sp}\\), entry ${entry} \\(4K leaf\\)`),
  );
});
