/**
 * A view at one step as a standalone SVG file, drawn by the app's own components under
 * react-dom/server (no DOM, no browser): TreeSvg for the tree; for the chain, ChainView's HTML
 * (a head label, the drawing, the legend per rmap head) inside a foreignObject, as the app's
 * "Export SVG" does for a pane. The styles go in as a <style>, pinned to the light theme.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { scopeForShadow } from '../embed/shadowCss';
import { ChainView } from '../views/ChainView';
import { layoutTree } from '../views/tree/treeLayout';
import { TreeSvg, treeSummary } from '../views/tree/TreeSvg';
import type { Snapshot } from '../worker/viewTypes';
import { lightCss } from './lightCss';

export type ExportView = 'chain' | 'tree';

/** The stylesheets each view needs, as text (the caller reads them: this module does no I/O). */
export interface ExportCss {
  /** app.css, layout.css and ChainView.css, in that order. */
  chain: string;
  /** TreeSvg.css. */
  tree: string;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const XHTML_NS = 'http://www.w3.org/1999/xhtml';

/** Padding around the chain, in px. */
const PAD = 12;

/** What the exported chain adds: a white panel, and nothing that scrolls. */
const CHAIN_EXTRA = `
.kmv-export { background: var(--panel); padding: ${PAD}px; }
.kmv-export .chain-view { overflow: visible; }
`;

export function exportSvg(
  snapshot: Snapshot,
  view: ExportView,
  css: ExportCss,
  width = 960,
): string {
  return view === 'tree' ? treeSvg(snapshot, css.tree) : chainSvg(snapshot, css.chain, width);
}

function treeSvg(snapshot: Snapshot, css: string): string {
  const tree = snapshot.tree;
  const layout = layoutTree(tree, new Set());
  const markup = renderToStaticMarkup(
    createElement(TreeSvg, {
      tree,
      layout,
      focus: snapshot.step.focus,
      label: treeSummary(tree, layout),
      // Filled in below: React would escape the CSS, and XML wants it in a CDATA section.
      styleText: STYLE_MARK,
    }),
  );
  return xmlDeclaration() + markup.replace(STYLE_MARK, cdata(lightCss(css)));
}

const STYLE_MARK = '/*kvm-mmu-viz-style*/';

function chainSvg(snapshot: Snapshot, css: string, width: number): string {
  const inner = width - 2 * PAD;
  const html = renderToStaticMarkup(
    createElement(ChainView, { chain: snapshot.chain, width: inner }),
  )
    // Inside XHTML, an <svg> needs its namespace to be drawn as SVG.
    .replace(/<svg(?![^>]*\bxmlns=)/g, `<svg xmlns="${SVG_NS}"`);
  const height = Math.ceil(chainHeight(html, snapshot, inner) + 2 * PAD);
  const style = lightCss(scopeForShadow(css + CHAIN_EXTRA));
  return (
    xmlDeclaration() +
    `<svg xmlns="${SVG_NS}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"` +
    ` role="img" aria-label="${escapeAttr(describeChain(snapshot))}">` +
    `<style>${cdata(style)}</style>` +
    `<foreignObject x="0" y="0" width="${width}" height="${height}">` +
    `<div xmlns="${XHTML_NS}" class="kmv-root kmv-export">${html}</div>` +
    `</foreignObject></svg>\n`
  );
}

/**
 * The HTML's height, which an SVG must state up front: each head's drawing says its own
 * (height="…"), and the text around it is a line each, from the sizes in app.css/layout.css/
 * ChainView.css (label 12.5px × 1.3 + margins 8; legend 6 + 11.5px × 1.45, wrapping below
 * ~640px; 10px between heads; the selection note 12.5px × 1.45 + 8).
 */
function chainHeight(html: string, snapshot: Snapshot, width: number): number {
  const drawings = [...html.matchAll(/<svg[^>]*\bheight="([\d.]+)"/g)].map((m) => Number(m[1]));
  const legendLines = width < 640 ? 2 : 1;
  const perHead = 16.25 + 8 + 6 + 16.7 * legendLines + 10;
  const note = snapshot.chain.selectionNote ? 18.2 + 8 : 0;
  const empty = snapshot.chain.heads.length === 0 ? 20.3 : 0;
  return drawings.reduce((h, d) => h + d + perHead, 0) + note + empty;
}

function describeChain(snapshot: Snapshot): string {
  const heads = snapshot.chain.heads.map((h) => `${h.label} (${h.entries})`).join(', ');
  return `rmap chain at step ${snapshot.step.position}: ${heads || 'no head'}`;
}

function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function xmlDeclaration(): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n';
}
