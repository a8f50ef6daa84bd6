/**
 * `npm run export` for docs pipelines without a browser: every view exported as plain SVG is
 * drawn by rsvg-convert (librsvg, what PDF/LaTeX and kernel-figure pipelines use) and by
 * Chromium, and the two pictures agree. A picture that needed foreignObject or CSS variables
 * would come out blank or unstyled from rsvg-convert and differ here.
 */
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'kvm-mmu-viz-export-cli-'));

/** A pixel differs when one channel is off by more than this (antialiasing stays under it). */
const CHANNEL = 64;
/** At most this share of the pixels may differ: text rasterizes a little differently. */
const MAX_DIFFERENT = 0.02;

function exportView(args: string[], out: string): void {
  execFileSync('node_modules/.bin/tsx', ['src/cli/export.ts', ...args, '--out', out], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

interface Compared {
  width: number;
  height: number;
  /** Share of pixels that differ by more than CHANNEL in a channel. */
  different: number;
  /** The most common colour's share of the rsvg-convert picture (1: all one colour). */
  topColour: number;
  /** Mean luminance (0–255) of the rsvg-convert picture. */
  luminance: number;
}

/** Both PNGs decoded by the browser (an <img> onto a canvas) and compared pixel by pixel. */
async function compare(page: Page, a: Buffer, b: Buffer): Promise<Compared> {
  await page.goto('about:blank');
  return page.evaluate(
    async ({ a, b, channel }) => {
      const pixels = async (b64: string) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.naturalWidth;
        c.height = img.naturalHeight;
        const g = c.getContext('2d')!;
        g.drawImage(img, 0, 0);
        return g.getImageData(0, 0, c.width, c.height);
      };
      const [p, q] = [await pixels(a), await pixels(b)];
      if (p.width !== q.width || p.height !== q.height)
        throw new Error(`sizes differ: ${p.width}×${p.height} and ${q.width}×${q.height}`);
      let different = 0;
      let luminance = 0;
      const colours = new Map<number, number>();
      for (let i = 0; i < p.data.length; i += 4) {
        const [r, g, bl] = [p.data[i]!, p.data[i + 1]!, p.data[i + 2]!];
        if (
          Math.abs(r - q.data[i]!) > channel ||
          Math.abs(g - q.data[i + 1]!) > channel ||
          Math.abs(bl - q.data[i + 2]!) > channel
        )
          different++;
        luminance += 0.2126 * r + 0.7152 * g + 0.0722 * bl;
        const key = (r << 16) | (g << 8) | bl;
        colours.set(key, (colours.get(key) ?? 0) + 1);
      }
      const n = p.width * p.height;
      return {
        width: p.width,
        height: p.height,
        different: different / n,
        topColour: Math.max(...colours.values()) / n,
        luminance: luminance / n,
      };
    },
    { a: a.toString('base64'), b: b.toString('base64'), channel: CHANNEL },
  );
}

/** Chromium's own drawing of the SVG file, at its own size. */
async function chromiumPng(page: Page, svgFile: string): Promise<Buffer> {
  const svg = readFileSync(svgFile, 'utf8');
  const [w, h] = [/\bwidth="(\d+)"/, /\bheight="(\d+)"/].map((re) => Number(re.exec(svg)![1]));
  await page.setViewportSize({ width: w!, height: h! });
  await page.goto(`file://${svgFile}`);
  return page.screenshot({ clip: { x: 0, y: 0, width: w!, height: h! } });
}

const CASES: { preset: string; step: number }[] = [
  { preset: 'rmap-tail-count-30', step: 245 },
  { preset: 'nested-split-1g', step: 30 },
];
const VIEWS = ['chain', 'tree', 'caches'] as const;

for (const { preset, step } of CASES) {
  for (const view of VIEWS) {
    for (const theme of view === 'chain' || preset === 'nested-split-1g'
      ? (['light', 'dark'] as const)
      : (['light'] as const)) {
      test(`${view} of ${preset} at step ${step} (${theme}): rsvg-convert draws what Chromium draws`, async ({
        page,
      }) => {
        const base = join(dir, `${preset}-${view}-${theme}`);
        const args = ['--preset', preset, '--step', String(step), '--view', view];
        exportView([...args, '--theme', theme], `${base}.svg`);
        exportView([...args, '--theme', theme, '--format', 'png'], `${base}.png`);
        const svg = readFileSync(`${base}.svg`, 'utf8');
        expect(svg).not.toContain('foreignObject');
        expect(svg).not.toMatch(/var\(--|--[\w-]+\s*:/);

        const rsvg = readFileSync(`${base}.png`);
        const chromium = await chromiumPng(page, `${base}.svg`);
        const r = await compare(page, rsvg, chromium);
        test.info().annotations.push({
          type: 'pixels',
          description: `${r.width}×${r.height}: ${(100 * r.different).toFixed(2)} % differ, top colour ${(100 * r.topColour).toFixed(1)} %, luminance ${r.luminance.toFixed(0)}`,
        });
        console.log(`${view} ${preset} ${theme}: ${test.info().annotations.at(-1)!.description}`);
        expect(r.topColour, 'not blank').toBeLessThan(0.99);
        expect(r.different).toBeLessThan(MAX_DIFFERENT);
        if (theme === 'dark') expect(r.luminance).toBeLessThan(80);
        else expect(r.luminance).toBeGreaterThan(180);
      });
    }
  }
}
