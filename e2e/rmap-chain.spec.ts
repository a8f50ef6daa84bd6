/**
 * The first journey, driven like a person at a keyboard and mouse: on each kernel variant,
 * grow a fresh rmap head to 30 SPTEs, remove one from the oldest descriptor, check which entry
 * filled the hole, step through that remove, and see a refused remove change nothing.
 */
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';

interface DrawnDesc {
  index: number;
  spteCount: string;
  tailCount: string;
  sptes: string[];
}

/** The chain as drawn, in order from the head: counts and the SPTE name in every slot. */
async function chain(page: Page): Promise<DrawnDesc[]> {
  return page.getByTestId('desc').evaluateAll((els) =>
    els.map((el) => ({
      index: Number(el.getAttribute('data-index')),
      spteCount: el.getAttribute('data-spte-count') ?? '',
      tailCount: el.getAttribute('data-tail-count') ?? '',
      sptes: [...el.querySelectorAll('[data-testid="slot"]')].map(
        (s) => s.getAttribute('data-spte') ?? '',
      ),
    })),
  );
}

/** Highlighted slots as "chain index:slot:role:spte", sorted. */
async function highlighted(page: Page): Promise<string[]> {
  return page.locator('[data-testid="slot"][data-highlight="true"]').evaluateAll((els) =>
    els
      .map((el) => {
        const desc = el.closest('[data-testid="desc"]');
        const attr = (name: string) => el.getAttribute(name);
        return [
          desc?.getAttribute('data-index'),
          attr('data-slot'),
          attr('data-role'),
          attr('data-spte'),
        ].join(':');
      })
      .sort(),
  );
}

const names = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `s${from + i}`);
const slots = (entries: string[]) => [...entries, ...Array<string>(14 - entries.length).fill('')];

const cases = [
  {
    variant: 'spte_count',
    // Appends at the tail: the oldest descriptor is chain[0].
    grown: [
      { index: 0, spteCount: '14', tailCount: '', sptes: names(1, 14) },
      { index: 1, spteCount: '14', tailCount: '', sptes: names(15, 28) },
      { index: 2, spteCount: '2', tailCount: '', sptes: slots(['s29', 's30']) },
    ],
    oldest: 0,
    // The same descriptor's last entry (s14, slot 13) fills slot 0.
    afterRemove: [
      { index: 0, spteCount: '13', tailCount: '', sptes: slots(['s14', ...names(2, 13)]) },
      { index: 1, spteCount: '14', tailCount: '', sptes: names(15, 28) },
      { index: 2, spteCount: '2', tailCount: '', sptes: slots(['s29', 's30']) },
    ],
    steps: 7,
    // readHead, walk, readCount, then the compare that matches.
    match: 4,
    move: ['0:0:to:s14', '0:13:from:'],
    cost: { visited: '1', compares: '1' },
  },
  {
    variant: 'tail_count',
    // Prepends full-head replacements: the oldest descriptor is the last one.
    grown: [
      { index: 0, spteCount: '2', tailCount: '28', sptes: slots(['s29', 's30']) },
      { index: 1, spteCount: '14', tailCount: '14', sptes: names(15, 28) },
      { index: 2, spteCount: '14', tailCount: '0', sptes: names(1, 14) },
    ],
    oldest: 2,
    // The head descriptor's last entry (s30) fills the hole; the head shrinks to 1.
    afterRemove: [
      { index: 0, spteCount: '1', tailCount: '28', sptes: slots(['s29']) },
      { index: 1, spteCount: '14', tailCount: '14', sptes: names(15, 28) },
      { index: 2, spteCount: '14', tailCount: '0', sptes: ['s30', ...names(2, 14)] },
    ],
    steps: 28,
    // 16 non-matching compares in the two newer descriptors come first; remove_entry then
    // rereads the head (readHead, readCount) before the move.
    match: 24,
    move: ['0:1:from:', '2:0:to:s30'],
    cost: { visited: '3', compares: '17' },
  },
] as const;

for (const c of cases) {
  test(`${c.variant}: 30 SPTEs, remove from the oldest descriptor, step through it`, async ({
    page,
  }) => {
    await page.goto('/');
    const drawing = page.getByRole('img', { name: /rmap head/ });
    await expect(drawing).toBeVisible();

    const variantPicker = page.getByLabel('Kernel variant', { exact: true });
    await variantPicker.selectOption(c.variant);
    await expect(variantPicker).toHaveValue(c.variant);
    await expect(drawing).toHaveAttribute('aria-label', new RegExp(`\\(${c.variant}\\)`));

    // A fresh head. An SPTE sits in one rmap only, and the default scenario already holds s1..s17
    // on head 0, so empty every head first.
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await expect(page.getByRole('img', { name: /rmap head \d+ \(\w+\): empty/ })).toBeVisible();
    await page.getByLabel('rmap head', { exact: true }).selectOption('2');
    await expect(page.getByTestId('head')).toHaveAttribute('data-kind', 'empty');

    // Type s1 and press Enter; the field moves on to the next name. Half by keyboard, half by mouse.
    const spte = page.getByLabel('SPTE', { exact: true });
    await spte.fill('s1');
    for (let n = 1; n <= 15; n++) await spte.press('Enter');
    await expect(spte).toHaveValue('16');
    const add = page.getByRole('button', { name: 'Add', exact: true });
    for (let n = 16; n <= 30; n++) await add.click();
    await expect(spte).toHaveValue('31');

    await expect(page.getByTestId('desc')).toHaveCount(3);
    await expect.poll(() => chain(page)).toEqual(c.grown);
    await expect(page.getByTestId('head')).toHaveAttribute('data-kind', 'many');
    await expect(page.getByTestId('head')).toContainText(/= desc \d+ \| KVM_RMAP_MANY/);
    await expect(page.getByLabel('rmap head', { exact: true })).toContainText('head 2 · 30 SPTEs');

    // Remove s1, which sits in slot 0 of the oldest descriptor.
    expect((await chain(page))[c.oldest]!.sptes[0]).toBe('s1');
    await spte.fill('1');
    await page.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect.poll(() => chain(page)).toEqual(c.afterRemove);
    const pos = page.getByTestId('step-pos');
    await expect(pos).toHaveText(`Step ${c.steps} / ${c.steps}`);
    const cost = page.getByLabel('Cost of this operation');
    await expect(cost).toContainText(`descriptors visited${c.cost.visited}`);
    await expect(cost).toContainText(`slot compares${c.cost.compares}`);

    // The last micro-step writes the source's spte_count: no slot lit.
    expect(await highlighted(page)).toEqual([]);
    await expect(page.getByTestId('step-caption')).toContainText('spte_count');

    // One back: the move itself, source and destination lit, the entry already moved.
    const back = page.getByRole('button', { name: 'Step back', exact: true });
    const forward = page.getByRole('button', { name: 'Step forward', exact: true });
    await back.click();
    await expect(pos).toHaveText(`Step ${c.steps - 1} / ${c.steps}`);
    await expect.poll(() => highlighted(page)).toEqual(c.move);
    await expect(page.getByTestId('step-caption')).toContainText(
      'pte_list_desc_remove_entry: move desc',
    );

    // Further back with the keyboard: before the move, s1 is still in place; then the match.
    await page.keyboard.press('ArrowLeft');
    await expect(pos).toHaveText(`Step ${c.steps - 2} / ${c.steps}`);
    expect(await highlighted(page)).toEqual([]);
    expect((await chain(page))[c.oldest]!.sptes[0]).toBe('s1');
    for (let k = c.steps - 2; k > c.match; k--) await page.keyboard.press('ArrowLeft');
    await expect(pos).toHaveText(`Step ${c.match} / ${c.steps}`);
    await expect.poll(() => highlighted(page)).toEqual([`${c.oldest}:0:compare:s1`]);
    await expect(page.getByTestId('step-caption')).toContainText('(s1): match');

    // Forward again to the move, by mouse and then keyboard.
    await forward.click();
    for (let k = c.match + 1; k < c.steps - 1; k++) await page.keyboard.press('ArrowRight');
    await expect(pos).toHaveText(`Step ${c.steps - 1} / ${c.steps}`);
    await expect.poll(() => highlighted(page)).toEqual(c.move);

    // All the way back: the picture before the remove is the grown chain.
    await page.keyboard.press('Home');
    await expect(pos).toHaveText(`Step 0 / ${c.steps}`);
    await expect(back).toBeDisabled();
    await expect.poll(() => chain(page)).toEqual(c.grown);
    await page.keyboard.press('End');
    await expect(forward).toBeDisabled();
    await expect.poll(() => chain(page)).toEqual(c.afterRemove);
    await back.click(); // leave the move lit for the screenshot
    await expect(pos).toHaveText(`Step ${c.steps - 1} / ${c.steps}`);

    // Removing an SPTE that is not there: refused, nothing drawn changes.
    const drawnBefore = await chain(page);
    const posBefore = await pos.textContent();
    const litBefore = await highlighted(page);
    await spte.fill('99');
    await page.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText(
      'pte_list_remove: SPTE s99 (0x320) is not in rmap head 2',
    );
    expect(await chain(page)).toEqual(drawnBefore);
    await expect(pos).toHaveText(posBefore!);
    expect(await highlighted(page)).toEqual(litBefore);

    const shot = fileURLToPath(new URL(`./artifacts/rmap-chain-${c.variant}.png`, import.meta.url));
    await page.screenshot({ path: shot, fullPage: true });
  });
}
