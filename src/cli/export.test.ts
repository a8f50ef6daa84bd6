/**
 * `npm run export`: a chain, a tree and the caches at a step, as plain SVG files (no
 * foreignObject, no CSS variables) that parse as XML and hold the drawing (the app's own
 * components, rendered under Node), in the light or the dark palette; and the command's errors.
 * e2e/export-cli.spec.ts draws them with rsvg-convert and Chromium and compares the pictures.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { MmuSession } from '../worker/mmuSession';
import { runExport } from './exportCli';
import { EXPORT_VIEWS, exportSvg, type ExportCss } from './exportSvg';
import { paletteOf } from './exportTheme';

const read = (p: string) => readFileSync(new URL(p, import.meta.url), 'utf8');
const palette = paletteOf(read('../app.css'));
const css: ExportCss = {
  chain: palette + '\n' + read('../views/ChainView.css'),
  tree: read('../views/tree/TreeSvg.css'),
  caches: palette,
};
const SVG_NS = 'http://www.w3.org/2000/svg';

function parseXml(text: string) {
  const errors: string[] = [];
  const doc = new DOMParser({
    onError: (level, msg) => void errors.push(`${level}: ${msg}`),
  }).parseFromString(text, 'image/svg+xml');
  expect(errors.filter((e) => !e.startsWith('warn'))).toEqual([]);
  return doc;
}

const all = (root: { getElementsByTagName(n: string): ArrayLike<XmlElement> }, tag: string) =>
  Array.from(root.getElementsByTagName(tag));
const withAttr = (els: XmlElement[], name: string, value: string) =>
  els.filter((e) => e.getAttribute(name) === value);

async function snapshotOf(preset: string, step: number, tree: boolean) {
  const session = new MmuSession();
  const r = await session.load({ preset });
  expect(r.ok).toBe(true);
  return session.snapshot(step, { chain: { kind: 'focus' }, tree });
}

describe('export', () => {
  it('draws a chain as SVG: the head, three descriptors, the legend, light colours', async () => {
    const snapshot = await snapshotOf('rmap-tail-count-30', 245, false);
    const svg = exportSvg(snapshot, 'chain', css, 900);
    const doc = parseXml(svg);
    const root = doc.documentElement!;
    expect(root.tagName).toBe('svg');
    expect(root.namespaceURI).toBe(SVG_NS);
    expect(root.getAttribute('width')).toBe('900');
    expect(Number(root.getAttribute('height'))).toBeGreaterThan(300);
    expect(all(doc, 'foreignObject')).toHaveLength(0);
    expect(all(doc, 'svg')).toHaveLength(1);
    const groups = all(doc, 'g');
    expect(withAttr(groups, 'data-testid', 'desc')).toHaveLength(3);
    expect(withAttr(groups, 'data-testid', 'head')[0]!.getAttribute('data-kind')).toBe('many');
    expect(all(doc, 'rect').length).toBeGreaterThan(40);
    // The head's label and the legend, HTML in the app, are SVG text here.
    const texts = all(doc, 'text').map((t) => t.textContent ?? '');
    expect(texts).toContain('head 0\u00a0· 29 entries');
    expect(texts).toContain('touched by this step');
    const style = all(doc, 'style')[0]!.textContent ?? '';
    expect(style).toContain('#0a5cc2'); // the light accent, written out
    expect(style).toMatch(/font-family: monospace;/);
    expect(style).not.toMatch(/var\(--|--[\w-]+\s*:|prefers-color-scheme|data-theme|#111417/);
    expect(style).not.toMatch(/Menlo|Consolas|system-ui/); // generic families only
  });

  it('draws the caches as SVG: a gauge per cache, grouped per vCPU and VM', async () => {
    const snapshot = await snapshotOf('nested-split-1g', 30, false);
    const doc = parseXml(exportSvg(snapshot, 'caches', css, 800));
    const root = doc.documentElement!;
    expect(root.getAttribute('width')).toBe('800');
    expect(root.getAttribute('viewBox')).toMatch(/^0 0 800 \d+$/);
    const rows = all(doc, 'g').filter((g) => g.getAttribute('class') === 'cache-row');
    expect(rows.map((r) => r.getAttribute('data-cache'))).toEqual(
      snapshot.caches.map((c) => c.name),
    );
    const texts = all(doc, 'text').map((t) => t.textContent ?? '');
    expect(texts).toContain('MMU memory caches');
    expect(texts).toContain('VM · eager page splitting');
    expect(all(doc, 'foreignObject')).toHaveLength(0);
  });

  it('exports the dark palette with --theme dark, in every view', async () => {
    const snapshot = await snapshotOf('nested-split-1g', 30, true);
    for (const view of EXPORT_VIEWS) {
      const light = exportSvg(snapshot, view, css, 960, 'light');
      const dark = exportSvg(snapshot, view, css, 960, 'dark');
      const style = all(parseXml(dark), 'style')[0]!.textContent ?? '';
      // The background: app.css's dark --panel, or TreeSvg.css's dark --tree-bg.
      expect(style, view).toMatch(view === 'tree' ? /#111417/ : /#181c20/);
      expect(style, view).not.toMatch(/#ffffff|#f4f5f3|var\(--/);
      expect(dark.replace(/<style>[\s\S]*<\/style>/, '')).toBe(
        light.replace(/<style>[\s\S]*<\/style>/, ''),
      );
    }
  });

  it('draws an empty tree as a note, not a 0×0 picture', async () => {
    const snapshot = await snapshotOf('rmap-tail-count-30', 245, true);
    const root = parseXml(exportSvg(snapshot, 'tree', css)).documentElement!;
    expect(Number(root.getAttribute('width'))).toBeGreaterThan(0);
    expect(root.textContent).toContain('No shadow pages here.');
  });

  it('draws a tree as SVG: every page a card, the focus marked', async () => {
    const snapshot = await snapshotOf('nested-split-1g', 30, true);
    const svg = exportSvg(snapshot, 'tree', css);
    const doc = parseXml(svg);
    const root = doc.documentElement!;
    expect(root.getAttribute('class')).toBe('tree-svg');
    const pages = withAttr(all(doc, 'g'), 'data-testid', 'tree-page');
    expect(pages).toHaveLength(snapshot.tree.pages.length);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(root.getAttribute('aria-label')).toMatch(/^\d+ shadow pages, \d+ levels/);
    const style = all(doc, 'style')[0]!.textContent ?? '';
    expect(style).toContain('#2f9683'); // the light 4K-leaf colour
    expect(style).not.toMatch(/var\(--|prefers-color-scheme/);
  });
});

describe('export command', () => {
  const run = async (...argv: string[]) => {
    const err: string[] = [];
    let out = '';
    const code = await runExport(argv, {
      out: (s) => (out += typeof s === 'string' ? s : `<${s.length} bytes>`),
      err: (l) => err.push(l),
    });
    return { code, err: err.join('\n'), out };
  };
  const dir = mkdtempSync(join(tmpdir(), 'kvm-mmu-viz-export-'));

  it('writes the file it is asked for', async () => {
    const file = join(dir, 'chain.svg');
    const r = await run('--preset', 'rmap-spte-count-30', '--step', '120', '--out', file);
    expect(r.code).toBe(0);
    expect(r.err).toContain('at step 120 of 254');
    expect(readFileSync(file, 'utf8')).toMatch(/^<\?xml[^>]*>\n<svg /);
  });

  it('says what is wrong and exits non-zero', async () => {
    const missing = await run(join(dir, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/cannot read .*nope\.json: no such file/);

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "format": "kvm-mmu-scenario/1", "ops": [ { "op": "fly" } ] }');
    const invalid = await run(bad);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toContain('is not a scenario that loads:');

    const past = await run('--preset', 'rmap-spte-count-30', '--step', '9999');
    expect(past.code).toBe(1);
    expect(past.err).toContain(
      '--step 9999 is past the end: preset rmap-spte-count-30 has steps 0 to 254',
    );

    expect((await run('--preset', 'no-such')).code).toBe(2);
    expect((await run('--preset', 'guest-fork', '--view', 'stats')).err).toContain(
      '--view stats: one of chain, tree, caches',
    );
    expect((await run('--preset', 'guest-fork', '--step', '-3')).code).toBe(2);
  });

  it('refuses hostile arguments with one line (and the usage), exit 2', async () => {
    for (const argv of [
      ['--preset', 'guest-fork', '--view', '../../etc/passwd'],
      ['--preset', 'guest-fork', '--step', '1e3'],
      ['--preset', 'guest-fork', '--step', '0x10'],
      ['--preset', 'guest-fork', '--format', 'pdf'],
      ['--preset', 'guest-fork', '--theme', 'solarized'],
      ['--preset', 'guest-fork', '--width', '10'],
      ['--preset', 'guest-fork', '--bogus'],
      ['--preset', '__proto__'],
    ]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      const lines = r.err.split('\n');
      expect(lines, argv.join(' ')).toHaveLength(2);
      expect(lines[0]).toMatch(/^export: /);
      expect(lines[1]).toMatch(/^usage: npm run export/);
    }
  });

  it('says how to get rsvg-convert when --format png cannot find it', async () => {
    const saved = process.env.RSVG_CONVERT;
    process.env.RSVG_CONVERT = join(dir, 'no-rsvg-convert');
    try {
      const file = join(dir, 'chain.png');
      const r = await run('--preset', 'rmap-spte-count-30', '--format', 'png', '--out', file);
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        'export: --format png needs rsvg-convert, which is not installed ' +
          '(Debian: apt-get install librsvg2-bin)',
      );
    } finally {
      if (saved === undefined) delete process.env.RSVG_CONVERT;
      else process.env.RSVG_CONVERT = saved;
    }
  });
});
