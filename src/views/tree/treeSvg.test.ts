/**
 * The export path issue 5 will take: TreeSvg rendered to a string in Node, with TreeSvg.css
 * embedded, no DOM anywhere.
 */
import { readFileSync } from 'node:fs';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { fewFixture, splitFixture } from './treeFixtures';
import { layoutTree } from './treeLayout';
import { TreeSvg, treeSummary } from './TreeSvg';

const css = readFileSync(new URL('./TreeSvg.css', import.meta.url), 'utf8');

describe('TreeSvg', () => {
  it('renders a self-contained SVG headlessly', () => {
    const tree = fewFixture();
    const layout = layoutTree(tree, new Set());
    const svg = renderToStaticMarkup(
      createElement(TreeSvg, {
        tree,
        layout,
        styleText: css,
        label: treeSummary(tree, layout),
        focus: { page: 2, index: 8 },
        selected: { page: 4, index: 3 },
      }),
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('aria-label="6 shadow pages, 4 levels, 1 root; 1 new"');
    expect(svg.match(/data-testid="tree-page"/g)?.length).toBe(6);
    expect(svg).toContain('data-page="5" data-level="1" data-mark="new"');
    expect(svg).toContain('--tree-leaf');
    expect(svg).toContain('class="tree-page focus"');
    expect(svg).toContain('class="cell-selected"');
    expect(svg.match(/class="edge (tree|lit-focus|lit-selected)"/g)?.length).toBe(5 + 2 + 1);
    expect(svg).not.toMatch(/NaN|undefined/);
    // Without handlers it is a picture: no buttons, no hit areas.
    expect(svg).not.toContain('role="button"');
    expect(svg).not.toContain('class="grid-hit"');
  });

  it('draws 512 children of a split page as a block with a bundle', () => {
    const tree = splitFixture(1);
    const svg = renderToStaticMarkup(
      createElement(TreeSvg, { tree, layout: layoutTree(tree, new Set()) }),
    );
    expect(svg.match(/data-testid="tree-page"/g)?.length).toBe(515);
    expect(svg).toContain('entries 0–511: 512 pages');
    // Block members get no edge of their own: 2 tree edges, 1 bundle.
    expect(svg.match(/class="edge tree"/g)?.length).toBe(2);
    expect(svg.match(/class="bundle"/g)?.length).toBe(1);
  });
});

describe('treeSummary', () => {
  it('counts pages, levels, roots, folds and marks', () => {
    const tree = splitFixture(1);
    expect(treeSummary(tree, layoutTree(tree, new Set([2])))).toBe(
      '515 shadow pages, 4 levels, 1 root, 512 folded; 513 new',
    );
  });
});
