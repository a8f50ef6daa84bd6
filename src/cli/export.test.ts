/**
 * `npm run export`: a chain and a tree at a step, as SVG files that parse as XML and hold the
 * drawing (the app's own components, rendered under Node), pinned to the light theme; and the
 * command's errors.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { MmuSession } from '../worker/mmuSession';
import { runExport } from './exportCli';
import { exportSvg, type ExportCss } from './exportSvg';

const read = (p: string) => readFileSync(new URL(p, import.meta.url), 'utf8');
const css: ExportCss = {
  chain: ['../app.css', '../layout.css', '../views/ChainView.css'].map(read).join('\n'),
  tree: read('../views/tree/TreeSvg.css'),
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
    expect(all(doc, 'foreignObject')).toHaveLength(1);
    // The drawing inside the HTML is SVG again, in its own namespace so that it is drawn.
    const drawings = all(doc, 'svg').filter((e) => e !== root);
    expect(drawings).toHaveLength(1);
    expect(drawings[0]!.namespaceURI).toBe(SVG_NS);
    const groups = all(doc, 'g');
    expect(withAttr(groups, 'data-testid', 'desc')).toHaveLength(3);
    expect(withAttr(groups, 'data-testid', 'head')[0]!.getAttribute('data-kind')).toBe('many');
    expect(all(doc, 'rect').length).toBeGreaterThan(40);
    expect(svg).toContain('29 entries');
    expect(svg).toContain('touched by this step');
    const style = all(doc, 'style')[0]!.textContent ?? '';
    expect(style).toContain('.kmv-root');
    expect(style).toContain('#0a5cc2'); // the light accent, written out
    expect(style).not.toMatch(/var\(--|prefers-color-scheme|data-theme|:root|#111417/);
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
    const code = await runExport(argv, { out: (s) => (out += s), err: (l) => err.push(l) });
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
    expect((await run('--preset', 'guest-fork', '--view', 'stats')).err).toContain('chain or tree');
    expect((await run('--preset', 'guest-fork', '--step', '-3')).code).toBe(2);
  });
});
