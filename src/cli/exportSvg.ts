/**
 * A view at one step as a standalone, plain SVG file: rects, lines, paths and text with one
 * <style> of plain colours, no foreignObject and no CSS variables, so that rsvg-convert, LaTeX's
 * and the kernel's documentation pipelines draw it as the browser does. The drawings are the
 * app's own, rendered under react-dom/server (no DOM): TreeSvg for the tree; for the chain and
 * the caches, src/views/export/ (the app's layout and SVG parts, with its HTML labels and legends
 * redrawn as SVG text).
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { CACHE_EXPORT_CSS, CacheExport } from '../views/export/CacheExport';
import { CHAIN_EXPORT_CSS, ChainExport, STYLE_MARK } from '../views/export/ChainExport';
import { layoutTree } from '../views/tree/treeLayout';
import { TreeSvg, treeSummary } from '../views/tree/TreeSvg';
import type { Snapshot } from '../worker/viewTypes';
import { themeCss, type ExportTheme } from './exportTheme';

const TREE_EXPORT_CSS = `.tree-empty-note { font: 13px var(--tree-mono); fill: var(--tree-muted); }`;

export const EXPORT_VIEWS = ['chain', 'tree', 'caches'] as const;
export type ExportView = (typeof EXPORT_VIEWS)[number];

/** The stylesheets each view needs, as text (the caller reads them: this module does no I/O). */
export interface ExportCss {
  /** app.css (its palette) and ChainView.css. */
  chain: string;
  /** TreeSvg.css. */
  tree: string;
  /** app.css (its palette). */
  caches: string;
}

export function exportSvg(
  snapshot: Snapshot,
  view: ExportView,
  css: ExportCss,
  width = 960,
  theme: ExportTheme = 'light',
): string {
  const [element, style] =
    view === 'tree'
      ? [treeElement(snapshot), css.tree + TREE_EXPORT_CSS]
      : view === 'caches'
        ? [
            createElement(CacheExport, {
              caches: snapshot.caches,
              focus: snapshot.step.focus,
              width,
            }),
            css.caches + CACHE_EXPORT_CSS,
          ]
        : [
            createElement(ChainExport, { chain: snapshot.chain, width }),
            css.chain + CHAIN_EXPORT_CSS,
          ];
  const markup = renderToStaticMarkup(element);
  // React would escape the CSS, and XML wants it in a CDATA section: put in after rendering.
  return xmlDeclaration() + markup.replace(STYLE_MARK, cdata(themeCss(style, theme))) + '\n';
}

function treeElement(snapshot: Snapshot) {
  const tree = snapshot.tree;
  const layout = layoutTree(tree, new Set());
  // No shadow page (an rmap-only scenario, or before the first fault): a 0×0 SVG is no picture.
  if (layout.pages.length === 0) return emptyTree();
  return createElement(TreeSvg, {
    tree,
    layout,
    focus: snapshot.step.focus,
    label: treeSummary(tree, layout),
    styleText: STYLE_MARK,
  });
}

function emptyTree() {
  const [w, h] = [320, 48];
  return createElement(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      className: 'tree-svg',
      role: 'img',
      'aria-label': '0 shadow pages',
      width: w,
      height: h,
      viewBox: `0 0 ${w} ${h}`,
    },
    createElement('style', null, STYLE_MARK),
    createElement('rect', { className: 'tree-bg', width: w, height: h }),
    createElement('text', { className: 'tree-empty-note', x: 12, y: 28 }, 'No shadow pages here.'),
  );
}

function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

function xmlDeclaration(): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n';
}
