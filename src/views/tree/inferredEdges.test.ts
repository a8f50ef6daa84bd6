/**
 * Links a trace replay inferred (TreeEdge.inferred) are drawn dash-dot: their own class in the
 * SVG, their own stroke in the canvas (via inferredBlocks for bundles), and a legend entry.
 */
import { readFileSync } from 'node:fs';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { inferredBlocks } from './edgePaths';
import { fewFixture, splitFixture } from './treeFixtures';
import { layoutTree } from './treeLayout';
import { TreeLegend } from './TreeLegend';
import { TreeSvg } from './TreeSvg';

const css = readFileSync(new URL('./TreeSvg.css', import.meta.url), 'utf8');

describe('inferred links', () => {
  it('are their own class in the SVG, and TreeSvg.css dashes them', () => {
    const tree = fewFixture();
    tree.edges = tree.edges.map((e) => (e.child === 4 ? { ...e, inferred: true } : e));
    const layout = layoutTree(tree, new Set());
    const svg = renderToStaticMarkup(createElement(TreeSvg, { tree, layout }));
    expect(svg.match(/class="edge tree inferred"/g)?.length).toBe(1);
    expect(svg).toContain('class="edge tree inferred" d="');
    expect(svg).toMatch(/data-edge="2:12:4"/);
    expect(svg.match(/class="edge tree"/g)?.length).toBe(4);
    expect(css).toMatch(/\.edge\.inferred[\s\S]*?stroke-dasharray/);
  });

  it('mark the block their bundle draws', () => {
    const tree = splitFixture(2);
    expect(inferredBlocks(layoutTree(tree, new Set())).size).toBe(0);
    // One link into the second L2's block of 512 children.
    const target = tree.edges.find((e) => e.parent === 3 && e.index === 7)!;
    tree.edges = tree.edges.map((e) => (e === target ? { ...e, inferred: true } : e));
    const layout = layoutTree(tree, new Set());
    const marked = [...inferredBlocks(layout)].map((i) => layout.blocks[i]!.parent);
    expect(marked).toEqual([3]);
    const svg = renderToStaticMarkup(createElement(TreeSvg, { tree, layout }));
    expect(svg.match(/class="bundle inferred"/g)?.length).toBe(1);
  });

  it('get a legend entry only when there are some', () => {
    expect(renderToStaticMarkup(createElement(TreeLegend))).not.toContain('inferred link');
    expect(renderToStaticMarkup(createElement(TreeLegend, { inferred: true }))).toContain(
      'inferred link',
    );
  });
});
