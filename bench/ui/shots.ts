/**
 * Screenshots of the tree view for review (bench/ui/out/*.png): the few-page SVG tree, the
 * 1 GiB and 16 GiB canvas trees zoomed out and in, light and dark, after a click on a cell and
 * after folding a subtree. Each step also checks what the view reports, so a broken
 * interaction fails the run rather than just looking odd.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from '@playwright/test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { cellCenter, layoutTree, PAGE_H, PAGE_W } from '../../src/views/tree/treeLayout';
import { TreeSvg, treeSummary } from '../../src/views/tree/TreeSvg';
import { VIEWPORT, watch } from './browser';
import { makeTreeSnapshot } from './makeTreeSnapshot';

async function open(browser: Browser, url: string, dark = false) {
  const page = await browser.newPage({ viewport: VIEWPORT, colorScheme: dark ? 'dark' : 'light' });
  const errors = watch(page);
  await page.goto(url);
  await page.waitForFunction(() => window.__bench?.ready, null, { timeout: 120_000 });
  await page.evaluate('window.__name = (f) => f'); // see motion.ts
  return { page, errors };
}

/**
 * Where a drawing point of page `id` is on screen now: the layout (window.__layout) gives the
 * drawing coordinates, the stage's data-zoom the transform. `at` is a point inside the card.
 */
function onScreen(page: Page, id: number, at: [number, number]) {
  return page.evaluate(
    ([id, ax, ay]) => {
      const stage = document.querySelector<HTMLElement>('.tree-stage')!;
      const [tx, ty, k] = (stage.dataset.zoom ?? '0 0 1').split(' ').map(Number) as [
        number,
        number,
        number,
      ];
      const b = window.__layout!.byId.get(id)!;
      const r = stage.getBoundingClientRect();
      return { x: r.left + tx + k * (b.x + ax), y: r.top + ty + k * (b.y + ay), k };
    },
    [id, at[0], at[1]] as const,
  );
}

/** Wheel in over a point of page `id` until the scale reaches `k` (from Fit if it is off-screen). */
async function zoomTo(page: Page, id: number, at: [number, number], k: number) {
  const stage = (await page.locator('.tree-stage').boundingBox())!;
  for (let i = 0; i < 60; i++) {
    const p = await onScreen(page, id, at);
    if (p.k >= k) break;
    const inside =
      p.x > stage.x && p.y > stage.y && p.x < stage.x + stage.width && p.y < stage.y + stage.height;
    if (!inside) {
      await page.getByRole('button', { name: 'Fit' }).click();
      continue;
    }
    await page.mouse.move(p.x, p.y);
    await page.mouse.wheel(0, -100);
    await page.waitForTimeout(20);
  }
  await page.waitForTimeout(150);
}

function expectThat(ok: boolean, what: string) {
  if (!ok) throw new Error(`screenshot check failed: ${what}`);
}

const CARD_MID: [number, number] = [PAGE_W / 2, PAGE_H / 2];

export async function screenshots(browser: Browser, base: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  const shot = async (page: Page, name: string) => {
    await page.screenshot({ path: `${dir}/${name}.png` });
    out.push(`${name}.png`);
  };
  const view = (page: Page) => page.getByTestId('tree-view');
  const status = async (page: Page) => (await page.locator('.tree-status').textContent()) ?? '';

  for (const dark of [false, true]) {
    const { page, errors } = await open(browser, `${base}?size=few&focus=2:8&sel=4:3`, dark);
    expectThat((await view(page).getAttribute('data-mode')) === 'svg', 'few pages draw as SVG');
    expectThat((await page.getByTestId('tree-page').count()) === 6, 'six tree-page elements');
    await shot(page, dark ? 'few-svg-dark' : 'few-svg');
    if (!dark) {
      // A click on an SVG grid cell selects that entry.
      const grid = page.locator(
        '[data-testid="tree-page"][data-page="3"] [data-testid="tree-grid"]',
      );
      const g = (await grid.boundingBox())!;
      await page.mouse.click(g.x + (2.5 / 32) * g.width, g.y + (0.5 / 16) * g.height);
      expectThat((await status(page)).includes('sp 3), entry 2 (4K leaf)'), 'SVG cell click');
    }
    await page.close();
    expectThat(errors.length === 0, errors.join('; '));
  }

  for (const dark of [false, true]) {
    const { page, errors } = await open(browser, `${base}?size=small&focus=2:17`, dark);
    const suffix = dark ? '-dark' : '';
    if (!dark) await shot(page, 'small-fit');
    await zoomTo(page, 2, CARD_MID, 0.7);
    await shot(page, `small-zoom${suffix}`);
    if (!dark) {
      // Fold the level-2 page from the outline: three pages left, so the view turns SVG.
      await page.getByRole('button', { name: 'Fold page 2' }).click();
      await page.waitForTimeout(100);
      expectThat((await view(page).getAttribute('data-mode')) === 'svg', 'folded tree is SVG');
      expectThat((await view(page).getAttribute('data-drawn-pages')) === '3', 'three pages drawn');
      await page.getByRole('button', { name: 'Fit' }).click();
      await shot(page, 'small-folded');
    }
    await page.close();
    expectThat(errors.length === 0, errors.join('; '));
  }

  // The export path (issue 5): TreeSvg to a string in Node, CSS embedded, opened as a file.
  const tree = makeTreeSnapshot('few');
  const layout = layoutTree(tree, new Set());
  const css = readFileSync(new URL('../../src/views/tree/TreeSvg.css', import.meta.url), 'utf8');
  const markup = renderToStaticMarkup(
    createElement(TreeSvg, { tree, layout, styleText: css, label: treeSummary(tree, layout) }),
  );
  writeFileSync(`${dir}/few-export.svg`, markup);
  const file = await browser.newPage({ viewport: VIEWPORT });
  await file.goto(pathToFileURL(`${dir}/few-export.svg`).href);
  await shot(file, 'few-export');
  await file.close();

  const { page, errors } = await open(browser, `${base}?size=big&focus=1:3`);
  await shot(page, 'big-fit');
  await zoomTo(page, 1, CARD_MID, 0.1);
  await shot(page, 'big-mid');
  // Close in on one level-1 page, click its entry 37: hit-testing on the canvas selects it.
  const target = 20;
  const entry = cellCenter({ x: 0, y: 0 }, 37);
  await zoomTo(page, target, entry, 1.6);
  const cell = await onScreen(page, target, entry);
  await page.mouse.click(cell.x, cell.y);
  await page.waitForTimeout(150);
  const said = await status(page);
  // The click focused the stage: arrow keys pan (here: the card's top into view).
  const before = await page.locator('.tree-stage').getAttribute('data-zoom');
  await page.keyboard.press('ArrowUp');
  await page.waitForTimeout(100);
  const after = await page.locator('.tree-stage').getAttribute('data-zoom');
  expectThat(before !== after, 'arrow key pans the canvas view');
  await shot(page, 'big-near');
  expectThat(said.includes(`sp ${target}), entry 37 (4K leaf)`), `canvas cell click: "${said}"`);
  await page.close();
  expectThat(errors.length === 0, errors.join('; '));
  console.log(`  click on the 16 GiB canvas: "${said}"`);
  return out;
}
