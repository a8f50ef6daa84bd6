/**
 * The tree as SVG: the view's drawing for small trees, and the export. Pure (no effects, refs or
 * measuring): `renderToStaticMarkup(<TreeSvg tree layout styleText />)` works in Node, with
 * the text of TreeSvg.css passed in so the file carries its own colours.
 */
import type { TreeSnapshot, Focus } from '../../worker/viewTypes';
import {
  bundleD,
  bundleLabel,
  bundleLabelAt,
  edgeD,
  highlightEdges,
  inferredBlocks,
} from './edgePaths';
import { PITCH, type TreeLayout } from './treeLayout';
import { SvgPage } from './SvgPage';

export interface TreeSceneProps {
  tree: TreeSnapshot;
  layout: TreeLayout;
  focus?: Focus;
  selected?: { page: number; index?: number } | null;
  /** Unique per document: names the cell-gap pattern. */
  idPrefix?: string;
  onEntry?: (page: number, index: number) => void;
  onToggle?: (page: number) => void;
}

const NO_FOCUS: Focus = {};

/** Everything inside the zoomed group: edges under the cards, highlights over them. */
export function TreeScene(props: TreeSceneProps) {
  const { tree, layout, focus = NO_FOCUS, selected = null, idPrefix = 'tree' } = props;
  const patternId = `${idPrefix}-cell-gaps`;
  const lit = highlightEdges(layout, focus, selected);
  const dashedBlocks = inferredBlocks(layout);
  return (
    <g className="tree-scene">
      <defs>
        <pattern id={patternId} width={PITCH} height={PITCH} patternUnits="userSpaceOnUse">
          <path className="gap-line" d={`M${PITCH - 0.5} 0V${PITCH}M0 ${PITCH - 0.5}H${PITCH}`} />
        </pattern>
      </defs>
      <g className="edges" aria-hidden="true">
        {layout.edges.map((e) =>
          e.kind === 'block' ? null : (
            <path
              key={`${e.parent}:${e.index}`}
              className={`edge ${e.kind}${e.inferred ? ' inferred' : ''}`}
              d={edgeD(e)}
              data-edge={`${e.parent}:${e.index}:${e.child}`}
            />
          ),
        )}
        {layout.blocks.map((b, i) => (
          <g
            key={`b${b.parent}:${b.first}`}
            className={dashedBlocks.has(i) ? 'bundle inferred' : 'bundle'}
          >
            <path d={bundleD(b, layout)} />
            <text x={bundleLabelAt(b)[0]} y={bundleLabelAt(b)[1]}>
              {bundleLabel(b)}
            </text>
          </g>
        ))}
      </g>
      <g className="pages">
        {layout.pages.map((box) => (
          <SvgPage
            key={box.id}
            box={box}
            page={tree.pages[box.n]!}
            entries={tree.entries}
            focusIndex={focus.page === box.id ? (focus.index ?? -1) : null}
            selectedIndex={selected?.page === box.id ? (selected.index ?? -1) : null}
            patternId={patternId}
            {...(props.onEntry && { onEntry: props.onEntry })}
            {...(props.onToggle && { onToggle: props.onToggle })}
          />
        ))}
      </g>
      <g className="edges-lit" aria-hidden="true">
        {lit.selected.map((e) => (
          <path key={`s${e.parent}:${e.index}`} className="edge lit-selected" d={edgeD(e)} />
        ))}
        {lit.focus.map((e) => (
          <path key={`f${e.parent}:${e.index}`} className="edge lit-focus" d={edgeD(e)} />
        ))}
      </g>
    </g>
  );
}

export interface TreeSvgProps extends TreeSceneProps {
  /** The CSS to embed (TreeSvg.css): an exported file has no app stylesheet around it. */
  styleText?: string;
  /** What a screen reader hears, e.g. treeSummary(tree, layout). */
  label?: string;
}

/** A standalone <svg> the size of the whole layout. */
export function TreeSvg(props: TreeSvgProps) {
  const { layout, styleText, label } = props;
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      className="tree-svg"
      role="img"
      aria-label={label ?? `${layout.pages.length} shadow pages`}
      width={Math.ceil(layout.width)}
      height={Math.ceil(layout.height)}
      viewBox={`0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}`}
    >
      {styleText && <style>{styleText}</style>}
      <rect className="tree-bg" width="100%" height="100%" />
      <TreeScene {...props} />
    </svg>
  );
}

/** "8,210 shadow pages, 4 levels, 1 root; 8,208 new" for aria-labels and the status line. */
export function treeSummary(tree: TreeSnapshot, layout: TreeLayout): string {
  const fmt = (n: number) => n.toLocaleString('en-US');
  const marks = (['new', 'reused', 'zapped'] as const)
    .map((m) => [m, tree.pages.filter((p) => p.mark === m).length] as const)
    .filter(([, n]) => n > 0)
    .map(([m, n]) => `${fmt(n)} ${m}`);
  const drawn = layout.pages.length;
  const folded = drawn < tree.pages.length ? `, ${fmt(tree.pages.length - drawn)} folded` : '';
  return (
    `${fmt(tree.pages.length)} shadow page${tree.pages.length === 1 ? '' : 's'}, ` +
    `${layout.levels} level${layout.levels === 1 ? '' : 's'}, ` +
    `${fmt(tree.roots.length)} root${tree.roots.length === 1 ? '' : 's'}${folded}` +
    (marks.length ? `; ${marks.join(', ')}` : '')
  );
}
