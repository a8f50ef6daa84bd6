/**
 * Issue 16, the docs recipes (docs/) built and opened as readers get them: the MkDocs and Sphinx
 * sites are built for real with Debian's mkdocs, python3-pymdownx and python3-sphinx
 * (scripts/ensure-docs-tools.mjs), the plain-HTML one is taken as it is, and each is served with
 * the kvm-mmu-viz build beside it. On every site the three figures (a preset, a scenario written
 * in the page, an iframe) must draw, link into the app, and leave no missing file behind.
 */
import { expect, test, type FrameLocator, type Locator, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { AT_END } from './support';

/**
 * Where the recipes expect the kvm-mmu-viz build (docs/README.md), served here from dist/: move
 * it by changing this and the one URL in each recipe.
 */
const VIZ_PATH = '/kvm-mmu-viz/';
const DIST = resolve('dist');
/**
 * dist/'s embed.html and index.html load their scripts from /assets/ at the host's root (the
 * site's build uses Vite's default base), so a host serving dist/ under VIZ_PATH also serves
 * dist/assets/ there; the npm package's dist/iframe/ bundle, all relative, would not need it.
 */
const ROOT_ASSETS = '/assets/';
/** A docs build takes half a second here; past this, something is wrong. */
const BUILD_LIMIT_MS = 20_000;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.gz': 'application/gzip',
  '.dat': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
};

interface Site {
  url: string;
  /** Paths asked for that were not there (a recipe pointing at a file that is not served). */
  missing: string[];
  server: Server;
}

/** The file for a URL path under `root`, or null (never outside `root`). */
function fileUnder(root: string, path: string): string | null {
  const file = resolve(root, '.' + path);
  if (file !== root && !file.startsWith(root + sep)) return null;
  if (!existsSync(file)) return null;
  const stat = statSync(file);
  if (stat.isFile()) return file;
  const index = join(file, 'index.html');
  return stat.isDirectory() && existsSync(index) ? index : null;
}

/**
 * A static host for one built site, with the kvm-mmu-viz build at VIZ_PATH. Written here (a few
 * lines of node:http) because no one server can mount dist/ under a path of a second folder:
 * `vite preview` serves one folder at its root. Any free port (never 4173, Playwright's app).
 */
async function serve(siteRoot: string): Promise<Site> {
  const missing: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.startsWith(VIZ_PATH)
      ? fileUnder(DIST, '/' + path.slice(VIZ_PATH.length))
      : (fileUnder(siteRoot, path) ??
        (path.startsWith(ROOT_ASSETS) ? fileUnder(DIST, path) : null));
    // A sandboxed iframe (opaque origin) fetches its module scripts in CORS mode.
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (!file) {
      if (path !== '/favicon.ico') missing.push(path);
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    readFile(file).then(
      (body) =>
        res
          .writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })
          .end(body),
      (e: Error) => res.writeHead(500).end(e.message),
    );
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, missing, server };
}

/** Runs a docs build; its time in ms. A failure throws with the tool's own output. */
function build(command: string, args: string[]): number {
  const started = performance.now();
  const r = spawnSync(command, args, {
    encoding: 'utf8',
    // No __pycache__ left in docs/sphinx by importing its extension.
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  const ms = Math.round(performance.now() - started);
  if (r.error)
    throw new Error(
      `${command} did not run (${r.error.message}): run scripts/ensure-docs-tools.mjs`,
    );
  if (r.status !== 0)
    throw new Error(
      `${command} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`,
    );
  return ms;
}

let out = '';
const sites: Record<'html' | 'mkdocs' | 'sphinx', Site> = {} as never;

test.beforeAll(async () => {
  test.setTimeout(2 * BUILD_LIMIT_MS + 10_000);
  expect(
    existsSync(join(DIST, 'embed/kvm-mmu-viz.js')),
    'dist/embed: run `npm run build` first',
  ).toBe(true);
  out = mkdtempSync(join(tmpdir(), 'kvm-docs-sites-'));
  const mkdocs = join(out, 'mkdocs');
  const sphinx = join(out, 'sphinx');
  const mkdocsMs = build('mkdocs', [
    ...'build --strict -q -f docs/mkdocs/mkdocs.yml -d'.split(' '),
    mkdocs,
  ]);
  const sphinxMs = build('sphinx-build', [
    ...'-q -W --keep-going -b html docs/sphinx'.split(' '),
    sphinx,
  ]);
  console.log(`docs sites built: MkDocs in ${mkdocsMs} ms, Sphinx in ${sphinxMs} ms`);
  expect(mkdocsMs, 'the MkDocs build time (ms)').toBeLessThan(BUILD_LIMIT_MS);
  expect(sphinxMs, 'the Sphinx build time (ms)').toBeLessThan(BUILD_LIMIT_MS);
  sites.html = await serve(resolve('docs/html'));
  sites.mkdocs = await serve(mkdocs);
  sites.sphinx = await serve(sphinx);
});

test.afterAll(async () => {
  for (const site of Object.values(sites)) {
    site.server.closeAllConnections();
    await new Promise((ok) => site.server.close(ok));
  }
  if (out) rmSync(out, { recursive: true, force: true });
});

/** Uncaught exceptions, and requests that leave this machine (a recipe must need no CDN). */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (/^https?:/.test(r.url()) && !r.url().startsWith('http://127.0.0.1:'))
      errors.push(`asked for ${r.url()}`);
  });
  return errors;
}

/** An element figure: scrolled to (its worker starts near the viewport), at `pos`, drawn. */
async function expectChain(el: Locator, pos: string | RegExp, descriptors: number) {
  await el.scrollIntoViewIfNeeded();
  await expect(el.getByTestId('step-pos')).toHaveText(pos);
  await expect(el.getByTestId('desc')).toHaveCount(descriptors);
  await expect(el.getByTestId('embed-error')).toHaveCount(0);
}

/** The tdp-mmu-fault iframe every recipe has: the TDP MMU's pages and vCPU 0's caches. */
async function expectFrame(page: Page): Promise<FrameLocator> {
  await page.locator('iframe.kvm-mmu-viz-frame').scrollIntoViewIfNeeded();
  const frame = page.frameLocator('iframe.kvm-mmu-viz-frame');
  await expect(frame.getByTestId('step-pos')).toHaveText(AT_END);
  // The first fault builds 4 pages (root to the 4K table); the last splits a 2M SPTE into a 5th.
  await expect(frame.getByTestId('tree-page')).toHaveCount(5);
  await expect(frame.getByRole('region', { name: 'MMU memory caches' })).toBeVisible();
  // The page's script fitted the frame to the height the embed reported: nothing to scroll inside.
  const inner = page.frame({ url: /embed\.html/ })!;
  await expect
    .poll(() => inner.evaluate(() => document.documentElement.scrollHeight - innerHeight))
    .toBeLessThanOrEqual(0);
  expect(await inner.evaluate(() => innerHeight)).toBeGreaterThan(600);
  return frame;
}

/** "Open in kvm-mmu-viz" leads to the app served beside the site, and the app is there. */
async function expectOpenLink(page: Page, site: Site, link: Locator) {
  const href = await link.getAttribute('href');
  expect(href).toMatch(new RegExp(`^${site.url.replace(/\/$/, '')}${VIZ_PATH}#`));
  const app = await page.request.get(href!.split('#')[0]!);
  expect(app.status()).toBe(200);
  expect(await app.text()).toContain('<div id="root"');
}

async function finish(page: Page, site: Site, errors: string[], name: string) {
  // One viewport as tall as the page: a stitched full-page shot misplaces fixed headers and frames.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1280, height });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: test.info().outputPath(`${name}.png`) });
  expect(errors).toEqual([]);
  expect(site.missing, 'files the page asked for that are not there').toEqual([]);
}

test('the plain-HTML recipe draws its preset, its inline scenario and its iframe', async ({
  page,
}) => {
  const errors = watchErrors(page);
  const site = sites.html;
  await page.goto(site.url);
  const preset = page.locator('#viz-preset');
  // rmap-fifteen-years in the Eras view: each era's 1,002nd add crosses the threshold.
  await preset.scrollIntoViewIfNeeded();
  await expect(preset.getByTestId('step-pos')).toHaveText(AT_END);
  const eras = preset.getByRole('region', { name: 'rmap list eras' });
  for (const era of ['rmap_ext4', 'pte_list_ext3', 'spte_count', 'tail_count'])
    await expect(eras.getByRole('heading', { name: era, exact: true })).toBeVisible();
  await expect(eras.getByTestId('era-threshold')).toHaveCount(4);
  await expect(eras.getByTestId('era-threshold').first()).toContainText(
    'add #1,002 returned 1,001 > 1,000: rmap recycled',
  );
  await expectChain(page.locator('#viz-inline'), 'Step 19 / 19', 1);
  await expectOpenLink(page, site, preset.getByRole('link', { name: 'Open in kvm-mmu-viz' }));
  const frame = await expectFrame(page);
  await expectOpenLink(page, site, frame.getByRole('link', { name: 'Open in kvm-mmu-viz' }));
  await finish(page, site, errors, 'docs-html');
});

test('the MkDocs site draws both fences and its iframe', async ({ page }) => {
  const errors = watchErrors(page);
  const site = sites.mkdocs;
  await page.goto(`${site.url}index.html`);
  // Both fences were upgraded: the <pre> stays, hidden, with a live widget after it.
  await expect(page.locator('pre.kvm-mmu-viz[data-kvm-mmu-viz-upgraded]')).toHaveCount(2);
  await expect(page.locator('pre.kvm-mmu-viz').first()).toBeHidden();
  const widgets = page.locator('pre.kvm-mmu-viz + kvm-mmu-viz');
  await expect(widgets).toHaveCount(2);
  // rmap-tail-count-30 at its end: 29 SPTEs, in 3 descriptors (14 + 14 + 1).
  await expectChain(widgets.nth(0), 'Step 245 / 245', 3);
  // 16 adds and a remove under spte_count: the second descriptor holds the 15th and 16th.
  await expectChain(widgets.nth(1), AT_END, 2);
  await expectOpenLink(
    page,
    site,
    widgets.nth(1).getByRole('link', { name: 'Open in kvm-mmu-viz' }),
  );
  await expectFrame(page);
  await finish(page, site, errors, 'docs-mkdocs');
});

test('the Sphinx site draws both directives and its raw-HTML iframe', async ({ page }) => {
  const errors = watchErrors(page);
  const site = sites.sphinx;
  await page.goto(`${site.url}index.html`);
  const widgets = page.locator('kvm-mmu-viz');
  await expect(widgets).toHaveCount(2);
  await expectChain(widgets.nth(0), 'Step 120 / 254', 2);
  // 15 adds under tail_count: the 15th prepends a second descriptor; the full timeline bar.
  await expectChain(widgets.nth(1), AT_END, 2);
  await expect(widgets.nth(1).getByRole('button', { name: 'Next operation' })).toBeVisible();
  await expectOpenLink(
    page,
    site,
    widgets.nth(0).getByRole('link', { name: 'Open in kvm-mmu-viz' }),
  );
  await expectFrame(page);
  await finish(page, site, errors, 'docs-sphinx');
});

test('the Sphinx directive names the line of a bad option or bad JSON', () => {
  const project = join(out, 'sphinx-bad');
  mkdirSync(project);
  for (const f of ['conf.py', 'kvm_mmu_viz.py'])
    copyFileSync(join('docs/sphinx', f), join(project, f));
  writeFileSync(
    join(project, 'index.rst'),
    [
      'Bad',
      '===',
      '',
      '.. kvm-mmu-viz::',
      '   :preset: guest-fork',
      '   :views: chain,chian',
      '',
      '.. kvm-mmu-viz::',
      '',
      '   {',
      '     "format": "kvm-mmu-scenario/1",',
      '     "ops": [{ "op": "add" "head": 0 }]',
      '   }',
      '',
      '.. kvm-mmu-viz::',
      '   :step: 3',
      '',
    ].join('\n'),
  );
  const r = spawnSync('sphinx-build', ['-q', '-b', 'html', project, join(project, 'out')], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  const messages = r.stderr;
  expect(messages).toContain('index.rst:4: ERROR');
  expect(messages).toContain(
    '"chian" is not a view: one or more of chain, tree, caches, stats, eras',
  );
  expect(messages).toContain(
    "index.rst:8: ERROR: kvm-mmu-viz: the scenario is not JSON: Expecting ',' delimiter (line 12",
  );
  expect(messages).toContain(
    'index.rst:15: ERROR: kvm-mmu-viz: give a :preset: or a scenario document as content',
  );
  expect(messages).not.toContain('Traceback');
});
