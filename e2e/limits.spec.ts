/**
 * Links that ask too much: a document over the budget, a #doc= that is not one, and #compare=
 * options the schema refuses. Each shows what was refused and why; the page runs the default.
 */
import { expect, test } from '@playwright/test';
import { encodeDoc } from '../src/scenario/urlState';
import { stepPos } from './support';

const hugeSlots = JSON.stringify({
  format: 'kvm-mmu-scenario/1',
  vm: {
    memslots: Array.from({ length: 64 }, (_, i) => ({ baseGfn: i * 2 ** 26, npages: 2 ** 26 })),
  },
  ops: [],
});

test('a link over the budget shows the limit, and the default scenario runs', async ({ page }) => {
  await page.goto(`/#doc=${await encodeDoc(hugeSlots)}`);
  const alert = page.locator('.load-problems');
  await expect(alert).toContainText('The link’s scenario did not load; the default one is shown');
  await expect(alert).toContainText(
    'vm.memslots: 4,294,967,296 memslot pages in all; the limit is 16,777,216 (64 GiB)',
  );
  await expect(stepPos(page)).toHaveText(/^Step \d+ \/ [1-9]\d*$/);
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await expect(alert).toHaveCount(0);
});

test('a #doc= cut short when pasted says so', async ({ page }) => {
  await page.goto('/#doc=AAAA');
  await expect(page.locator('.load-problems')).toContainText(
    "#doc: the link's document is not deflate-compressed",
  );
});

test('#compare= options the schema refuses are named, and the scenario shows alone', async ({
  page,
}) => {
  await page.goto(`/#preset=guest-fork&compare=${encodeURIComponent('{"kernel":"banana"}')}`);
  const alert = page.locator('.load-problems');
  await expect(alert).toContainText('#compare');
  await expect(alert).toContainText('kernel');
  await expect(page.locator('[data-pane="compare"]')).toHaveCount(0);
});
