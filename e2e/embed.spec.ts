/**
 * Issue 5, embedding in documentation pages, on the built site's example page
 * (public/docs-example.html): two custom elements and a sandboxed iframe inside a docs article
 * whose stylesheet would wreck them if it leaked in. Each widget renders and steps on its own,
 * the iframe sizes its frame and obeys its parent, attributes act live, and a bad scenario says
 * so inside its own box, never on the host page.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { PRESETS } from '../src/scenario/presets';

const END = 1319497; // micro-steps of the nested-split-1g preset

/** Uncaught exceptions on the host page (or in a frame): an embed must never cause one. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

async function openExample(page: Page) {
  await page.goto('/docs-example.html');
  const spte = page.locator('#viz-spte');
  const tail = page.locator('#viz-tail');
  const frame = page.frameLocator('#viz-frame');
  // The elements start their workers as they come into view.
  await spte.scrollIntoViewIfNeeded();
  await expect(spte.getByTestId('step-pos')).toHaveText('Step 120 / 254');
  await tail.scrollIntoViewIfNeeded();
  await expect(tail.getByTestId('step-pos')).toHaveText('Step 245 / 245');
  await page.locator('#viz-frame').scrollIntoViewIfNeeded();
  await expect(frame.getByTestId('step-pos')).toHaveText(`Step 3000 / ${END}`);
  return { spte, tail, frame };
}

test('every widget on the docs page renders', async ({ page }) => {
  const errors = watchErrors(page);
  const { spte, tail, frame } = await openExample(page);
  await expect(spte.getByTestId('desc')).toHaveCount(2);
  await expect(spte.getByTestId('caption')).toHaveText('pte_list_add: visit desc 1 (chain[1])');
  await expect(tail.getByTestId('desc')).toHaveCount(3);
  await expect(tail.getByRole('button', { name: 'Next operation' })).toBeVisible();
  await expect(frame.getByRole('region', { name: 'MMU memory caches' })).toBeVisible();
  await expect(frame.getByRole('meter', { name: 'split_desc_cache' })).toHaveAttribute(
    'aria-valuenow',
    '553',
  );
  // Sandboxed without allow-same-origin: the embed runs in an opaque origin, worker and all.
  expect(await page.frame({ url: /embed\.html/ })!.evaluate(() => self.origin)).toBe('null');
  expect(errors).toEqual([]);
});

test('stepping one widget moves no other', async ({ page }) => {
  const errors = watchErrors(page);
  const { spte, tail, frame } = await openExample(page);
  await spte.getByRole('button', { name: 'Step forward' }).click();
  await expect(spte.getByTestId('step-pos')).toHaveText('Step 121 / 254');
  await tail.getByRole('button', { name: 'Previous operation' }).click();
  await expect(tail.getByTestId('step-pos')).toHaveText('Step 216 / 245');
  await frame.getByRole('button', { name: 'Step back' }).click();
  await expect(frame.getByTestId('step-pos')).toHaveText(`Step 2999 / ${END}`);
  await expect(spte.getByTestId('step-pos')).toHaveText('Step 121 / 254');
  await expect(tail.getByTestId('step-pos')).toHaveText('Step 216 / 245');
  // Keys act on the widget that has focus only.
  await spte.getByRole('button', { name: 'Step back' }).press('ArrowLeft');
  await expect(spte.getByTestId('step-pos')).toHaveText('Step 120 / 254');
  await expect(tail.getByTestId('step-pos')).toHaveText('Step 216 / 245');
  expect(errors).toEqual([]);
});

test('the iframe sizes its frame and obeys its parent', async ({ page }) => {
  const errors = watchErrors(page);
  const { frame } = await openExample(page);
  const iframe = page.locator('#viz-frame');
  // The page's script set the frame's height from the embed's height message: no inner scroll.
  const contentHeight = () =>
    page
      .frame({ url: /embed\.html/ })!
      .evaluate(() => Math.ceil(document.getElementById('root')!.getBoundingClientRect().height));
  await expect
    .poll(
      async () =>
        (await iframe.evaluate((f: HTMLIFrameElement) => f.clientHeight)) - (await contentHeight()),
    )
    .toBe(0);
  expect(await contentHeight()).toBeGreaterThan(400);
  expect(await iframe.evaluate((f) => f.style.height)).not.toBe('');

  // The page's buttons send goto; so can any script, and the embed answers with its step.
  await page.getByRole('button', { name: 'after the fault' }).click();
  await expect(frame.getByTestId('step-pos')).toHaveText(`Step 18 / ${END}`);
  const answer = page.evaluate(
    () =>
      new Promise((resolve) =>
        window.addEventListener('message', (e) => {
          if (e.data?.type === 'kvm-mmu-viz:step' && e.data.step === 100) resolve(e.data);
        }),
      ),
  );
  await page.evaluate(() => {
    const w = (document.getElementById('viz-frame') as HTMLIFrameElement).contentWindow!;
    w.postMessage({ type: 'kvm-mmu-viz:nonsense', step: 5 }, '*');
    w.postMessage({ type: 'kvm-mmu-viz:goto', step: 'ten' }, '*');
    w.postMessage({ type: 'kvm-mmu-viz:goto', step: 100 }, '*');
  });
  await expect(frame.getByTestId('step-pos')).toHaveText(`Step 100 / ${END}`);
  expect(await answer).toEqual({ type: 'kvm-mmu-viz:step', step: 100, total: END });

  // load: a scenario document handed over by the page, at a step.
  const doc = PRESETS.find((p) => p.name === 'rmap-spte-count-30')!.scenario;
  await page.evaluate((doc) => {
    const w = (document.getElementById('viz-frame') as HTMLIFrameElement).contentWindow!;
    w.postMessage({ type: 'kvm-mmu-viz:load', doc, step: 4 }, '*');
  }, doc);
  await expect(frame.getByTestId('step-pos')).toHaveText('Step 4 / 254');
  expect(errors).toEqual([]);
});

test('an element starts its worker near the viewport, and stops it when removed', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto('/docs-example.html');
  await expect(page.locator('#viz-spte').getByTestId('step-pos')).toHaveText('Step 120 / 254');
  // Only the new element on the page: removing the others (and the iframe) stops their workers.
  await page.evaluate(() =>
    document.querySelectorAll('kvm-mmu-viz, iframe').forEach((el) => el.remove()),
  );
  await expect.poll(() => page.workers().length).toBe(0);
  await page.evaluate(() => {
    const spacer = document.createElement('div');
    spacer.style.height = '4000px';
    const el = document.createElement('kvm-mmu-viz');
    el.id = 'late';
    el.setAttribute('preset', 'rmap-tail-count-30');
    document.querySelector('article')!.append(spacer, el);
  });
  const late = page.locator('#late');
  await expect(late).toContainText('waiting to scroll into view');
  await page.waitForTimeout(300);
  expect(page.workers()).toHaveLength(0);
  await late.scrollIntoViewIfNeeded();
  await expect(late.getByTestId('step-pos')).toHaveText('Step 245 / 245');
  expect(page.workers()).toHaveLength(1);
  await late.evaluate((el) => el.remove());
  await expect.poll(() => page.workers().length).toBe(0);
  expect(errors).toEqual([]);
});

test('embed.html reads theme, controls, views and autoplay from its hash', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(
    '/embed.html#preset=rmap-tail-count-30&theme=dark&controls=full&views=chain,stats',
  );
  await expect(page.getByTestId('step-pos')).toHaveText('Step 245 / 245');
  await expect(page.getByRole('button', { name: 'Next operation' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Stats', exact: true })).toBeVisible();
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
    'rgb(17, 20, 23)',
  );
  // autoplay starts at the beginning when no step is named, and plays.
  await page.goto('/embed.html#preset=rmap-tail-count-30&autoplay');
  await page.reload();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expect(page.getByTestId('step-pos')).toHaveText(/^Step ([1-9]\d*) \/ 245$/);
  await page.getByRole('button', { name: 'Pause' }).click();
  // controls=none: the drawing alone.
  await page.goto('/embed.html#preset=rmap-tail-count-30&controls=none');
  await page.reload();
  await expect(page.getByTestId('desc')).toHaveCount(3);
  await expect(page.getByTestId('step-pos')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('attributes take effect live', async ({ page }) => {
  const errors = watchErrors(page);
  const { spte, tail } = await openExample(page);
  await spte.evaluate((el) => el.setAttribute('step', '0'));
  await expect(spte.getByTestId('step-pos')).toHaveText('Step 0 / 254');
  await spte.evaluate((el) => el.setAttribute('views', 'caches,chain'));
  await expect(spte.getByRole('region', { name: 'Caches', exact: true })).toBeVisible();
  await spte.evaluate((el) => el.setAttribute('controls', 'none'));
  await expect(spte.getByTestId('step-pos')).toHaveCount(0);
  // The theme: the widget's own palette, whatever the page's.
  const background = () =>
    tail.evaluate(
      (el) => getComputedStyle(el.shadowRoot!.querySelector('.kmv-root')!).backgroundColor,
    );
  expect(await background()).toBe('rgb(247, 247, 245)');
  await tail.evaluate((el) => el.setAttribute('theme', 'dark'));
  expect(await background()).toBe('rgb(17, 20, 23)');
  await tail.evaluate((el) => el.setAttribute('preset', 'rmap-spte-count-30'));
  await expect(tail.getByTestId('step-pos')).toHaveText('Step 254 / 254');
  expect(errors).toEqual([]);
});

test('a bad scenario shows its error inside the widget', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/docs-example.html');
  const add = (id: string, attrs: Record<string, string>) =>
    page.evaluate(
      ({ id, attrs }) => {
        const el = document.createElement('kvm-mmu-viz');
        el.id = id;
        for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
        document.querySelector('article')!.prepend(el);
      },
      { id, attrs },
    );
  await add('bad-src', { src: 'no-such-scenario.json' });
  await add('no-server', { src: 'http://127.0.0.1:9/scenario.json' });
  const doc = JSON.stringify({ format: 'kvm-mmu-scenario/1', ops: [{ op: 'fly' }] });
  await add('bad-json', { src: `data:application/json,${encodeURIComponent(doc)}` });
  await add('bad-preset', { preset: 'no-such-preset' });
  const box = (id: string) => page.locator(`#${id}`).getByTestId('embed-error');
  // vite preview, like many static hosts, answers a missing file with its index page.
  await expect(box('bad-src')).toHaveText(
    'kvm-mmu-viz: Could not load no-such-scenario.json: got an HTML page, not scenario JSON (wrong path?)',
  );
  await expect(box('no-server')).toContainText(
    'Could not fetch http://127.0.0.1:9/scenario.json: Failed to fetch',
  );
  await expect(box('bad-json')).toContainText('it is not a valid scenario');
  await expect(box('bad-json').getByRole('listitem').first()).toContainText('ops[0]');
  await expect(box('bad-preset')).toContainText('no preset named "no-such-preset"');
  // Inside the element's box, and visible: not a blank area.
  const shown = await page.locator('#bad-src').boundingBox();
  expect(shown!.height).toBeGreaterThan(30);
  await expect(box('bad-src')).toHaveRole('alert');
  // A good src afterwards recovers.
  await page.locator('#bad-src').evaluate((el) => el.setAttribute('preset', 'rmap-tail-count-30'));
  await page.locator('#bad-src').evaluate((el) => el.removeAttribute('src'));
  await expect(page.locator('#bad-src').getByTestId('step-pos')).toHaveText('Step 245 / 245');
  expect(errors).toEqual([]);
});

test("the host page's CSS does not reach the widgets", async ({ page }) => {
  const { spte } = await openExample(page);
  const styles = await spte.evaluate((el) => {
    const root = el.shadowRoot!;
    const css = (q: string) => getComputedStyle(root.querySelector(q)!);
    return {
      text: css('[data-testid="step-pos"]').fontFamily,
      label: css('.chain-head-label').fontFamily,
      rect: css('svg rect').fill,
      svg: css('svg').display,
      button: css('button').backgroundColor,
    };
  });
  // Not the page's serif (sans-serif is ours).
  expect(styles.text).not.toMatch(/Georgia|(^|,\s*)serif\b/);
  expect(styles.label).toContain('monospace');
  expect(styles.rect).not.toBe('rgb(255, 0, 0)');
  expect(styles.svg).toBe('block');
  expect(styles.button).not.toBe('rgb(255, 105, 180)');
  // And the page itself still has its own look: the hostile rules are real.
  expect(await page.locator('h1').evaluate((h) => getComputedStyle(h).fontFamily)).toContain(
    'Georgia',
  );
});

test('the element script stays under 150 KB gzip (without its worker)', () => {
  const gzip = gzipSync(readFileSync('dist/embed/kvm-mmu-viz.js')).length;
  expect(gzip).toBeLessThanOrEqual(150 * 1024);
});

test('in a docs page the wheel scrolls the page over the tree, until the tree is clicked', async ({
  page,
}) => {
  const errors = watchErrors(page);
  const { tail } = await openExample(page);
  await tail.evaluate((el) => el.setAttribute('views', 'tree'));
  const stage = tail.locator('.tree-stage');
  await expect(stage).toBeVisible();
  await stage.scrollIntoViewIfNeeded();
  const zoom = () => stage.getAttribute('data-zoom');
  const before = await zoom();
  const box = (await stage.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const y0 = await page.evaluate(() => window.scrollY);
  await page.mouse.wheel(0, 200);
  // The page moved, the drawing did not, and the tree says how to zoom.
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(y0);
  await expect(tail.getByRole('status').filter({ hasText: 'hold Ctrl' })).toBeVisible();
  expect(await zoom()).toBe(before);
  // Clicked into, the tree takes the wheel: it zooms, the page stays.
  await stage.click({ position: { x: 5, y: 5 } });
  const y1 = await page.evaluate(() => window.scrollY);
  const b = (await stage.boundingBox())!;
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
  await page.mouse.wheel(0, -200);
  await expect.poll(zoom).not.toBe(before);
  expect(await page.evaluate(() => window.scrollY)).toBe(y1);
  expect(errors).toEqual([]);
});

test('the canvas tree repaints in the new palette when the embed’s theme changes', async ({
  page,
}) => {
  const errors = watchErrors(page);
  const { tail } = await openExample(page);
  // The 1 GiB split's 500-odd pages draw on the canvas (the SVG stops at 300).
  await tail.evaluate((el) => {
    el.setAttribute('preset', 'split-desc-cache');
    el.setAttribute('views', 'tree');
    el.setAttribute('theme', 'light');
  });
  const canvas = tail.locator('canvas.tree-canvas');
  await expect(canvas).toBeVisible({ timeout: 30_000 });
  await canvas.scrollIntoViewIfNeeded();
  const corner = () =>
    canvas.evaluate((c: HTMLCanvasElement) => [
      ...c.getContext('2d')!.getImageData(2, 2, 1, 1).data.slice(0, 3),
    ]);
  await expect.poll(corner).toEqual([244, 245, 243]);
  await tail.evaluate((el) => el.setAttribute('theme', 'dark'));
  await expect.poll(corner).not.toEqual([244, 245, 243]);
  const dark = await corner();
  // Dark: a background darker than mid-grey in every channel.
  expect(Math.max(...dark)).toBeLessThan(96);
  expect(errors).toEqual([]);
});

test('a scenario written in the page: inside the element, and a block upgraded in place', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto('/docs-example.html');
  const inline = page.locator('#viz-inline');
  await inline.scrollIntoViewIfNeeded();
  await expect(inline.getByTestId('step-pos')).toHaveText(/^Step 3 \/ \d+$/);
  await expect(inline.getByRole('img').first()).toBeVisible();
  // The element's own content is for readers without JavaScript: hidden once it draws.
  await expect(page.getByText('Three SPTEs added to one rmap head')).toBeHidden();

  // The block: hidden and marked, a live widget after it.
  const block = page.locator('#viz-block');
  await expect(block).toBeHidden();
  await expect(block).toHaveAttribute('data-kvm-mmu-viz-upgraded', '');
  const widget = page.locator('#viz-block + kvm-mmu-viz');
  await widget.scrollIntoViewIfNeeded();
  await expect(widget.getByTestId('step-pos')).toHaveText(/^Step (\d+) \/ \1$/);
  // A second pass (a single-page app's navigation) makes nothing twice.
  const count = await page.locator('kvm-mmu-viz').count();
  expect(await page.evaluate(() => window.kvmMmuViz!.run().length)).toBe(0);
  await expect(page.locator('kvm-mmu-viz')).toHaveCount(count);

  // "Open in kvm-mmu-viz" carries the widget's state into the app.
  const open = inline.getByRole('link', { name: 'Open in kvm-mmu-viz' });
  const href = (await open.getAttribute('href'))!;
  expect(href).toMatch(/#doc=[\w-]+&step=3&view=chain$/);
  await page.goto(href);
  await expect(page.getByTestId('step-pos')).toHaveText(/^Step 3 \/ \d+$/);
  await expect(page.locator('.top .sub')).toContainText('rmap tail_count · TDP MMU · 3 operations');
  expect(errors).toEqual([]);
});

test('without JavaScript the page still says what each figure is', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/docs-example.html');
  await expect(page.getByText('Three SPTEs added to one rmap head')).toBeVisible();
  await expect(page.locator('#viz-block')).toBeVisible();
  await expect(page.locator('#viz-block')).toContainText('"name": "two SPTEs, one removed"');
  await context.close();
});

test('the Eras view is an embed view: four eras beside the chain, following the one timeline', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto('/embed.html#preset=rmap-tail-count-30&views=chain,eras&controls=full&step=100');
  await expect(page.getByTestId('step-pos')).toHaveText('Step 100 / 245');
  await expect(page.getByRole('region', { name: 'Chain', exact: true })).toBeVisible();
  for (const era of ['rmap_ext4', 'pte_list_ext3', 'spte_count', 'tail_count'])
    await expect(page.getByRole('region', { name: era, exact: true })).toBeVisible();
  const descs = () =>
    page
      .getByRole('region', { name: 'tail_count', exact: true })
      .getByTestId('era-descs')
      .innerText();
  const at100 = await descs();
  await page.getByRole('button', { name: /Last step/ }).click();
  await expect(page.getByTestId('step-pos')).toHaveText('Step 245 / 245');
  await expect.poll(descs).not.toBe(at100);
  expect(errors).toEqual([]);
});
