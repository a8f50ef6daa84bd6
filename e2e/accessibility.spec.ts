/**
 * Accessibility: axe on the page in every view (and compare mode, the scenario picker, the
 * editor with problems), light and dark, with no violation of serious or critical impact; the
 * timeline, the view tabs and the composer reached with Tab alone; and a phone-width page
 * (390 px) that reads without scrolling the body sideways.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { openLink, openScenarioPicker } from './support';

/** Serious and critical violations as "rule: target" lines, empty when there are none. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map(
        (n) =>
          `${v.id} (${v.impact}): ${n.target.join(' ')} ${n.failureSummary?.split('\n')[1] ?? ''}`,
      ),
    );
}

const COMPARE = `&compare=${encodeURIComponent('{"rmap":"spte_count"}')}`;
/**
 * One page per view, at steps with a fair amount on screen but not thousands of elements (axe
 * takes seconds on the 72-descriptor chains, so the chain is checked on a smaller list; the
 * canvas tree's only HTML is the outline, the same as the SVG tree's).
 */
const PAGES: [string, string][] = [
  ['chain', 'preset=rmap-tail-count-30&view=chain'],
  ['tree (SVG)', 'preset=guest-fork&step=100&view=tree'],
  ['caches', 'preset=guest-fork&step=31627&view=caches'],
  ['stats', 'preset=guest-fork&step=31627&view=stats'],
  ['compare, chain', `preset=guest-fork&step=100&view=chain${COMPARE}`],
  ['compare, stats', `preset=guest-fork&view=stats${COMPARE}`],
];

for (const scheme of ['light', 'dark'] as const) {
  test(`axe, ${scheme}: no serious or critical violations`, async ({ page }) => {
    test.setTimeout(60_000);
    await page.emulateMedia({ colorScheme: scheme });
    const found: Record<string, string[]> = {};
    for (const [name, hash] of PAGES) {
      const step = /step=(\d+)/.exec(hash)?.[1];
      await openLink(page, hash, step === undefined ? undefined : Number(step));
      if (hash.includes('compare='))
        await expect(
          page.getByRole('table', { name: 'Differences between the two kernels' }),
        ).toBeVisible();
      found[name] = await seriousViolations(page);
    }
    // The scenario picker open, then a file with problems in the editor and a composer error
    // (on a small page: axe's time grows with the elements on it).
    await openLink(page, 'preset=rmap-tail-count-30&step=100&view=chain', 100);
    await openScenarioPicker(page);
    found['scenario picker'] = await seriousViolations(page);
    await page.getByLabel('Load scenario file').setInputFiles({
      name: 'bad.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{\n  "format": "kvm-mmu-scenario/1",\n  "ops": [{ "op": "nope" }]\n}\n'),
    });
    await expect(page.locator('.editor-errors')).toBeVisible();
    const composer = page.getByRole('form', { name: 'Compose an op' });
    await composer.getByLabel('Operation', { exact: true }).selectOption('fault');
    await composer.getByLabel('gfn', { exact: true }).fill('zzz');
    await composer.getByRole('button', { name: 'Apply', exact: true }).click();
    await expect(composer.locator('.field-error')).toBeVisible();
    found['editor and composer with errors'] = await seriousViolations(page);

    const failing = Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0));
    expect(failing).toEqual({});
  });
}

test('Tab alone reaches the timeline, the view tabs and the composer', async ({ page }) => {
  await openLink(page, 'preset=rmap-tail-count-30&step=100&view=chain', 100);
  const reached: string[] = [];
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    reached.push(
      await page.evaluate(() => {
        const e = document.activeElement as HTMLElement | null;
        if (!e || e === document.body) return '(body)';
        const label =
          e.getAttribute('aria-label') ?? (e as HTMLInputElement).labels?.[0]?.textContent;
        return `${e.getAttribute('role') ?? e.tagName.toLowerCase()}:${(label ?? e.textContent ?? '').trim()}`;
      }),
    );
  }
  const names = reached.join('\n');
  for (const want of [
    'First step',
    'Previous operation',
    'Step back',
    'Play',
    'Step forward',
    'Next operation',
    'Last step',
  ])
    expect(names).toMatch(new RegExp(`^button:(\\S+ )?${want}( \\S+)?$`, 'm'));
  expect(reached).toContain('input:Timeline position');
  expect(reached).toContain('tab:Chain');
  expect(names).toMatch(/^select:Operation$/m);
  expect(names).toMatch(/^button:Apply$/m);
  // In that order: timeline, then the view, then the composer.
  const at = (re: RegExp) => reached.findIndex((r) => re.test(r));
  expect(at(/Step forward/)).toBeLessThan(at(/^tab:Chain$/));
  expect(at(/^tab:Chain$/)).toBeLessThan(at(/^select:Operation$/));

  // Keys work from there: the tabs move with arrows, Enter presses a timeline button.
  await page.getByRole('tab', { name: 'Chain' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Tree' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tab', { name: 'Tree' })).toBeFocused();
  await page.getByRole('button', { name: 'Step forward', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('step-pos')).toHaveText('Step 101 / 245');
});

test('at 390 px wide the body does not scroll sideways', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const view of ['chain', 'tree', 'caches', 'stats']) {
    await openLink(page, `preset=guest-fork&step=31627&view=${view}`, 31627);
    const widths = await page.evaluate(() => ({
      client: document.documentElement.clientWidth,
      scroll: document.documentElement.scrollWidth,
      body: document.body.scrollWidth,
    }));
    expect(widths.scroll, `${view}: page ${JSON.stringify(widths)}`).toBeLessThanOrEqual(
      widths.client,
    );
    expect(widths.body, `${view}: body ${JSON.stringify(widths)}`).toBeLessThanOrEqual(
      widths.client,
    );
  }
  // The timeline still works there.
  await page.getByRole('button', { name: 'Step back', exact: true }).click();
  await expect(page.getByTestId('step-pos')).toHaveText(/^Step 31626 \//);
});
