/**
 * npm run bench:app: the real app (the production build, model in its worker) in headless
 * Chromium, for the issue-4 figures:
 *   chain-10k     first draw of one rmap of 10,000 descriptors, and scroll fps through it;
 *   split-16g     the 8,208-page tree after a 16 GiB split: time from load to a drawn tree;
 *   seek-20k      the largest scenario file a document may be (LIMITS.ops ops) loaded: the
 *                 longest main-thread task meanwhile, and ten jumps on the scrubber;
 *   trace-1g      a 1 GB kernel trace (bigTrace.ts) opened: load time, the longest main-thread
 *                 task, the worker's peak memory (JS heap, and with typed arrays), and ten seeks
 *                 (issue 14: under 1 GB, 100 ms). Million-op timelines come from traces now: a
 *                 document is held to LIMITS.ops.
 * Name some to run only those (`npm run bench:app -- trace-1g`). Figures print and go to
 * bench/app-results.json (merged into what is there when only some ran); targets are reported, not enforced. Run it
 * under the shared lock: `flock /tmp/browser.lock npm run bench:app`.
 */
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { preview } from 'vite';
import { bigTrace } from './bigTrace';
import { launch, VIEWPORT, watch } from './browser';
import { workerMemory } from './workerMemory';
import { LIMITS } from '../../src/scenario/limits';

const round = (x: number) => Math.round(x * 10) / 10;

/** Records long tasks from the start of the page on. */
const LONG_TASKS = `window.__name = (f) => f; window.__long = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); }).observe({ type: 'longtask', buffered: true });`;

async function loaded(page: Page, timeout = 120_000): Promise<number> {
  const t0 = Date.now();
  await page.waitForFunction(
    () =>
      /^Step ([1-9]\d*) \/ \1$/.test(
        document.querySelector('[data-testid="step-pos"]')?.textContent ?? '',
      ),
    null,
    { timeout },
  );
  return Date.now() - t0;
}

async function scrollFps(page: Page, selector: string): Promise<number> {
  return page.evaluate(async (sel) => {
    const el = document.querySelector(sel)!;
    let frames = 0;
    const t0 = performance.now();
    await new Promise<void>((done) => {
      const tick = () => {
        frames++;
        el.scrollTop += 400;
        if (performance.now() - t0 < 2000) requestAnimationFrame(tick);
        else done();
      };
      requestAnimationFrame(tick);
    });
    return (frames * 1000) / (performance.now() - t0);
  }, selector);
}

/** Ten jumps on the scrubber, each timed until its step is shown: median and worst. */
async function seekTimes(
  page: Page,
  total: number,
): Promise<{ median: number; max: number; all: number[] }> {
  const times: number[] = [];
  for (let i = 1; i <= 10; i++) {
    const p = Math.floor((total * ((i * 7919) % 10)) / 10) + i;
    const t = await page.evaluate(async (pos) => {
      const input = document.querySelector(
        'input[aria-label="Timeline position"]',
      ) as HTMLInputElement;
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      const t1 = performance.now();
      setter.call(input, String(pos));
      input.dispatchEvent(new Event('input', { bubbles: true }));
      const want = `Step ${pos} /`;
      await new Promise<void>((done) => {
        const poll = () =>
          document.querySelector('[data-testid="step-pos"]')?.textContent?.startsWith(want)
            ? done()
            : requestAnimationFrame(poll);
        poll();
      });
      return performance.now() - t1;
    }, p);
    times.push(t);
  }
  const all = times.map(round);
  times.sort((a, b) => a - b);
  return { median: round(times[5]!), max: round(times[9]!), all };
}

/** `npm run bench:app -- trace-1g split-16g`: only those (all when none are named). */
const only = process.argv.slice(2);
const wanted = (name: string) => only.length === 0 || only.includes(name);

async function main() {
  execSync('npx vite build --logLevel warn', { stdio: 'inherit' });
  const server = await preview({ preview: { host: '127.0.0.1', port: 4191 }, logLevel: 'warn' });
  const base = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:4191/';
  const browser = await launch();
  const out: Record<string, unknown> = {
    date: new Date().toISOString(),
    chromium: browser.version(),
  };
  try {
    // chain-10k
    if (wanted('chain-10k')) {
      const page = await browser.newPage({ viewport: VIEWPORT });
      // tsx's keepNames makes evaluated functions call a Node-only `__name` helper.
      await page.addInitScript('window.__name = (f) => f');
      const errors = watch(page);
      const t0 = Date.now();
      await page.goto(`${base}#preset=chain-10k&view=chain`);
      await page.locator('.chain-scroll svg').waitFor({ timeout: 120_000 });
      const firstDrawMs = Date.now() - t0;
      const fps = await scrollFps(page, '.chain-scroll');
      // The view's own first draw, data already loaded: away to another tab and back.
      await page.getByRole('tab', { name: 'Caches' }).click();
      await page.locator('.chain-scroll').waitFor({ state: 'detached' });
      const t1 = Date.now();
      await page.getByRole('tab', { name: 'Chain' }).click();
      await page.locator('.chain-scroll svg [data-testid="desc"]').first().waitFor();
      const drawMs = Date.now() - t1;
      const rows = Number(await page.locator('.chain-scroll').getAttribute('data-rows'));
      out.chain10k = {
        loadAndFirstDrawMs: firstDrawMs,
        viewDrawMs: drawMs,
        scrollFps: round(fps),
        rows,
      };
      console.log(
        `chain-10k (${rows} descriptors): load + first draw ${firstDrawMs} ms, view draw ${drawMs} ms, scroll ${round(fps)} fps`,
      );
      if (errors.length) throw new Error(errors.join('; '));
      await page.close();
    }
    // split-16g
    if (wanted('split-16g')) {
      const page = await browser.newPage({ viewport: VIEWPORT });
      const t0 = Date.now();
      await page.goto(`${base}#preset=split-16g&view=tree`);
      await page.waitForFunction(
        () =>
          Number(
            document.querySelector('[data-testid="tree-view"]')?.getAttribute('data-pages') ?? 0,
          ) > 8000,
        null,
        { timeout: 180_000 },
      );
      const ms = Date.now() - t0;
      await page.getByRole('tab', { name: 'Caches' }).click();
      await page.getByTestId('tree-view').waitFor({ state: 'detached' });
      const t1 = Date.now();
      await page.getByRole('tab', { name: 'Tree' }).click();
      await page.waitForFunction(
        () => Number(document.querySelector('canvas')?.getAttribute('data-paints') ?? 0) > 0,
        null,
        { timeout: 60_000 },
      );
      const drawMs = Date.now() - t1;
      const pages = Number(await page.getByTestId('tree-view').getAttribute('data-pages'));
      out.split16g = { loadAndFirstDrawMs: ms, viewDrawMs: drawMs, pages };
      console.log(
        `split-16g (${pages} pages): load + first tree draw ${ms} ms, view draw ${drawMs} ms (snapshot from the worker included)`,
      );
      await page.close();
    }
    // seek-20k through the file chooser
    for (const [name, n] of [['seek20k', LIMITS.ops]] as const) {
      if (!wanted('seek-20k')) continue;
      const page = await browser.newPage({ viewport: VIEWPORT });
      await page.addInitScript(LONG_TASKS);
      await page.goto(base);
      await loaded(page);
      await page.getByText('Scenario:').click();
      // The file is made inside the page first (Playwright's own setInputFiles decodes a large file
      // on the main thread, which would count against the app), then handed to the input.
      await page.evaluate(
        ({ n }) => {
          const parts: string[] = [];
          for (let i = 0; i < n; i++)
            parts.push(
              i % 2 === 0
                ? `{"op":"add","head":0,"spte":${i / 2 + 1}}`
                : `{"op":"remove","head":0,"spte":${(i - 1) / 2 + 1}}`,
            );
          const text = `{"format":"kvm-mmu-scenario/1","name":"${n} ops","ops":[${parts.join(',')}]}`;
          (window as unknown as { __file: File }).__file = new File([text], `${n}.json`, {
            type: 'application/json',
          });
        },
        { n },
      );
      await page.evaluate('window.__long.length = 0');
      const t0 = Date.now();
      await page.evaluate(() => {
        const input = document.querySelector('input[type="file"]') as HTMLInputElement;
        const dt = new DataTransfer();
        dt.items.add((window as unknown as { __file: File }).__file);
        input.files = dt.files;
        input.dispatchEvent(new Event('change', { bubbles: true }));
      });
      await page.waitForFunction(
        (k) => document.querySelector('.top .sub')?.textContent?.includes(`${k} operations`),
        n,
        { timeout: 300_000 },
      );
      const loadMs = Date.now() - t0;
      const long = (await page.evaluate('window.__long')) as number[];
      const r: Record<string, number> = {
        loadMs,
        longestMainThreadTaskMs: round(Math.max(0, ...long)),
        longTasks: long.length,
      };
      {
        const total = Number((await page.getByTestId('step-pos').textContent())!.split('/')[1]);
        const seeks = await seekTimes(page, total);
        r.seekMedianMs = seeks.median;
        r.seekMaxMs = seeks.max;
      }
      out[name] = r;
      console.log(`${name}: ${JSON.stringify(r)}`);
      await page.close();
    }
    // trace-1g
    if (wanted('trace-1g')) {
      const trace = await bigTrace();
      const page = await browser.newPage({ viewport: VIEWPORT });
      await page.addInitScript(LONG_TASKS);
      const memory = await workerMemory(page);
      await page.goto(`${base}#preset=rmap-tail-count-30`);
      await loaded(page);
      const before = await memory.now();
      const sampling = memory.sample(250);
      await page.evaluate('window.__long.length = 0');
      const t0 = Date.now();
      // A path: Chromium reads the file from disk, as a File the user picked.
      await page.getByLabel('Open trace…', { exact: true }).setInputFiles(trace.path);
      await page.waitForFunction(
        (name) => document.querySelector('.top .sub')?.textContent?.includes(name),
        'kvm-mmu-viz-bench-1g.txt',
        { timeout: 600_000 },
      );
      await loaded(page, 60_000);
      const loadMs = Date.now() - t0;
      const long = (await page.evaluate('window.__long')) as number[];
      const peak = await sampling.stop();
      const after = await memory.now();
      const total = Number((await page.getByTestId('step-pos').textContent())!.split('/')[1]);
      const seeks = await seekTimes(page, total);
      const r = {
        fileMB: Math.round(trace.bytes / 2 ** 20),
        copies: trace.copies,
        steps: total,
        loadMs,
        longestMainThreadTaskMs: round(Math.max(0, ...long)),
        workerPeakHeapMB: peak.peakUsedMB,
        workerPeakWithBuffersMB: peak.peakWithBuffersMB,
        workerAfterMB: after
          ? Math.round((after.usedSize + after.backingStorageSize) / 2 ** 20)
          : null,
        workerBeforeMB: before
          ? Math.round((before.usedSize + before.backingStorageSize) / 2 ** 20)
          : null,
        seekMedianMs: seeks.median,
        seekMaxMs: seeks.max,
        seeksMs: seeks.all,
      };
      out.trace1g = r;
      console.log(`trace-1g: ${JSON.stringify(r)} (targets: worker < 1024 MB, seek < 100 ms)`);
      await page.close();
    }
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
  const file = 'bench/app-results.json';
  const kept =
    only.length && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as object) : {};
  writeFileSync(file, JSON.stringify({ ...kept, ...out }, null, 2) + '\n');
  console.log('bench:app: wrote bench/app-results.json');
}

main().catch((e: unknown) => {
  console.error('bench:app failed:', e);
  process.exit(1);
});
