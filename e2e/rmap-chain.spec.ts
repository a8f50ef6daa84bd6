/**
 * The first journey (issue 2), driven like a person: on each rmap era's preset, look at the list
 * grown to 30 SPTEs, then at the remove of s1 from the oldest descriptor: which entry filled the
 * hole; step back and forth through that remove by button and key; compose one more add, and a
 * remove the kernel would refuse, which changes nothing.
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

/** Head 0's chain as drawn, in order from the head: counts and the SPTE name in every slot. */
async function chain(page: Page): Promise<DrawnDesc[]> {
  return page
    .getByRole('region', { name: 'head 0', exact: true })
    .getByTestId('desc')
    .evaluateAll((els) =>
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
    grown: [
      { index: 0, spteCount: '14', tailCount: '', sptes: names(1, 14) },
      { index: 1, spteCount: '14', tailCount: '', sptes: names(15, 28) },
      { index: 2, spteCount: '2', tailCount: '', sptes: slots(['s29', 's30']) },
    ],
    oldest: 0,
    afterRemove: [
      { index: 0, spteCount: '13', tailCount: '', sptes: slots(['s14', ...names(2, 13)]) },
      { index: 1, spteCount: '14', tailCount: '', sptes: names(15, 28) },
      { index: 2, spteCount: '2', tailCount: '', sptes: slots(['s29', 's30']) },
    ],
    // The op's own first step, then the list code's 7.
    steps: 8,
    match: 5,
    move: ['0:0:to:s14', '0:13:from:'],
    cost: { visited: '1', compares: '1' },
    afterAdd: ['0:13:write:s31'],
  },
  {
    variant: 'tail_count',
    grown: [
      { index: 0, spteCount: '2', tailCount: '28', sptes: slots(['s29', 's30']) },
      { index: 1, spteCount: '14', tailCount: '14', sptes: names(15, 28) },
      { index: 2, spteCount: '14', tailCount: '0', sptes: names(1, 14) },
    ],
    oldest: 2,
    afterRemove: [
      { index: 0, spteCount: '1', tailCount: '28', sptes: slots(['s29']) },
      { index: 1, spteCount: '14', tailCount: '14', sptes: names(15, 28) },
      { index: 2, spteCount: '14', tailCount: '0', sptes: ['s30', ...names(2, 14)] },
    ],
    steps: 29,
    match: 25,
    move: ['0:1:from:', '2:0:to:s30'],
    cost: { visited: '3', compares: '17' },
    afterAdd: ['0:1:write:s31'],
  },
] as const;

for (const c of cases) {
  test(`${c.variant}: 30 SPTEs, remove from the oldest descriptor, step through it`, async ({
    page,
  }) => {
    const preset = `rmap-${c.variant.replace('_', '-')}-30`;
    await page.goto(`/#preset=${preset}`);
    const pos = page.getByTestId('step-pos');
    await expect(pos).toHaveText(/^Step ([1-9]\d*) \/ \1$/);
    const total = Number((await pos.textContent())!.split('/')[1]);
    await expect(
      page.getByRole('img', { name: new RegExp(`head 0 \\(${c.variant}\\)`) }),
    ).toBeVisible();

    // The list as the 30 adds left it: the end of the op before the remove.
    await page.getByRole('button', { name: 'Previous operation', exact: true }).click();
    await expect(pos).toHaveText(`Step ${total - c.steps} / ${total}`);
    await expect.poll(() => chain(page)).toEqual(c.grown);
    await expect(page.getByTestId('head').first()).toContainText(/= desc \d+ \| KVM_RMAP_MANY/);

    // The remove of s1, from slot 0 of the oldest descriptor.
    await page.getByRole('button', { name: 'Next operation', exact: true }).click();
    await expect(pos).toHaveText(`Step ${total} / ${total}`);
    await expect.poll(() => chain(page)).toEqual(c.afterRemove);
    const cost = page.getByLabel('Cost of this operation');
    await expect(cost).toContainText(`descriptors visited${c.cost.visited}`);
    await expect(cost).toContainText(`slot compares${c.cost.compares}`);
    // The last micro-step writes the source's spte_count: no slot lit.
    expect(await highlighted(page)).toEqual([]);
    await expect(page.getByTestId('caption')).toContainText('spte_count');

    // One back: the move itself, source and destination lit, the entry already moved.
    const back = page.getByRole('button', { name: 'Step back', exact: true });
    const forward = page.getByRole('button', { name: 'Step forward', exact: true });
    await back.click();
    await expect(pos).toHaveText(`Step ${total - 1} / ${total}`);
    await expect.poll(() => highlighted(page)).toEqual(c.move);
    await expect(page.getByTestId('caption')).toContainText(
      'pte_list_desc_remove_entry: move desc',
    );

    // Further back by keyboard: before the move s1 is still in place; then the matching compare.
    await page.keyboard.press('ArrowLeft');
    await expect(pos).toHaveText(`Step ${total - 2} / ${total}`);
    await expect.poll(() => highlighted(page)).toEqual([]);
    expect((await chain(page))[c.oldest]!.sptes[0]).toBe('s1');
    const matchAt = total - c.steps + c.match;
    for (let k = total - 2; k > matchAt; k--) await page.keyboard.press('ArrowLeft');
    await expect(pos).toHaveText(`Step ${matchAt} / ${total}`);
    await expect.poll(() => highlighted(page)).toEqual([`${c.oldest}:0:compare:s1`]);
    await expect(page.getByTestId('caption')).toContainText('(s1): match');

    // Forward again to the move, by mouse and then keyboard.
    await forward.click();
    for (let k = matchAt + 1; k < total - 1; k++) await page.keyboard.press('ArrowRight');
    await expect(pos).toHaveText(`Step ${total - 1} / ${total}`);
    await expect.poll(() => highlighted(page)).toEqual(c.move);

    // Home and End: the empty start, the final list.
    await page.keyboard.press('Home');
    await expect(pos).toHaveText(`Step 0 / ${total}`);
    await expect(back).toBeDisabled();
    await expect(page.getByTestId('head').first()).toHaveAttribute('data-kind', 'empty');
    await page.keyboard.press('End');
    await expect(forward).toBeDisabled();
    await expect.poll(() => chain(page)).toEqual(c.afterRemove);

    // Compose one more add: s31 lands in the head descriptor (tail_count) or the first hole (spte_count).
    await page.getByLabel('Operation', { exact: true }).selectOption('add');
    await page.getByLabel('rmap head', { exact: true }).fill('0');
    await page.getByLabel('SPTE', { exact: true }).fill('s31');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    // The timeline grows, and the view moves to its new end.
    const totalNow = async () => Number((await pos.textContent())!.split('/')[1]);
    await expect.poll(totalNow).toBeGreaterThan(total);
    const total2 = await totalNow();
    await expect(pos).toHaveText(`Step ${total2} / ${total2}`);
    // The add ends: write the slot, write the counters, return. Two back is the write.
    await back.click();
    await back.click();
    await expect(pos).toHaveText(`Step ${total2 - 2} / ${total2}`);
    await expect.poll(() => highlighted(page)).toEqual(c.afterAdd);

    // A remove the kernel would refuse: the message, and nothing drawn changes.
    await page.keyboard.press('End');
    await expect(pos).toHaveText(`Step ${total2} / ${total2}`);
    const drawnBefore = await chain(page);
    await page.getByLabel('Operation', { exact: true }).selectOption('remove');
    await page.getByLabel('rmap head', { exact: true }).fill('0');
    await page.getByLabel('SPTE', { exact: true }).fill('99');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText(
      'pte_list_remove: SPTE s99 (0x320) is not in rmap head 0',
    );
    expect(await chain(page)).toEqual(drawnBefore);
    await expect(pos).toHaveText(`Step ${total2} / ${total2}`);

    await back.click(); // leave a step lit for the screenshot
    const shot = fileURLToPath(new URL(`./artifacts/rmap-chain-${c.variant}.png`, import.meta.url));
    await page.screenshot({ path: shot, fullPage: true });
  });
}
