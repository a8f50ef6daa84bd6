/**
 * The tree as a nested list of buttons beside the drawing: what a keyboard or a screen reader
 * uses to reach a page (select it, bring it into view) and to fold or unfold a subtree. A page
 * with many children lists them as one line ("512 × L1"): the drawing shows those, the list
 * would only be a long scroll.
 */
import type { TreeSnapshot } from '../../worker/viewTypes';
import { hex } from '../../scenario/spteName';
import type { PageBox, TreeLayout } from './treeLayout';

const LIST_MAX = 16;
const ROOTS_MAX = 64;

interface Props {
  tree: TreeSnapshot;
  layout: TreeLayout;
  selectedPage: number | undefined;
  focusPage: number | undefined;
  onPick: (page: number) => void;
  onToggle: (page: number) => void;
}

export function TreeOutline(props: Props) {
  const { layout } = props;
  const kids = new Map<number, PageBox[]>();
  const roots: PageBox[] = [];
  for (const b of layout.pages) {
    if (b.parent < 0 || !layout.byId.has(b.parent)) roots.push(b);
    else {
      const list = kids.get(b.parent);
      if (list) list.push(b);
      else kids.set(b.parent, [b]);
    }
  }
  const more = roots.length - ROOTS_MAX;
  return (
    <nav className="tree-outline" aria-label="Shadow page outline">
      <ul>
        {roots.slice(0, ROOTS_MAX).map((b) => (
          <Item key={b.id} box={b} kids={kids} {...props} />
        ))}
        {more > 0 && <li className="summary">{`+${more} more roots`}</li>}
      </ul>
    </nav>
  );
}

function Item(props: Props & { box: PageBox; kids: Map<number, PageBox[]> }) {
  const { tree, box, kids, selectedPage, focusPage, onPick, onToggle } = props;
  const page = tree.pages[box.n]!;
  const children = kids.get(box.id) ?? [];
  const levels = [...new Set(children.map((c) => tree.pages[c.n]!.level))];
  const cls = [
    'item',
    selectedPage === box.id ? 'selected' : '',
    focusPage === box.id ? 'focus' : '',
  ].join(' ');
  return (
    <li>
      <div className={cls}>
        {box.children > 0 ? (
          <button
            type="button"
            className="fold"
            aria-expanded={!box.collapsed}
            aria-label={`${box.collapsed ? 'Unfold' : 'Fold'} page ${page.id}`}
            onClick={() => onToggle(box.id)}
          >
            {box.collapsed ? '▸' : '▾'}
          </button>
        ) : (
          <span className="fold" aria-hidden="true" />
        )}
        <button
          type="button"
          className="pick"
          aria-current={selectedPage === box.id ? 'true' : undefined}
          onClick={() => onPick(box.id)}
        >
          <span className="lvl">L{page.level}</span> {hex(page.gfn)}
          <span className="sp"> sp {page.id}</span>
          {page.mark && <span className={`mark ${page.mark}`}> {page.mark}</span>}
        </button>
      </div>
      {box.collapsed && <div className="summary">{`${box.hidden} folded`}</div>}
      {children.length > LIST_MAX ? (
        <div className="summary">
          {`${children.length} × L${levels.join('/L')} [${children[0]!.parentIndex}–${children[children.length - 1]!.parentIndex}]`}
        </div>
      ) : (
        children.length > 0 && (
          <ul>
            {children.map((c) => (
              <Item key={c.id} {...props} box={c} />
            ))}
          </ul>
        )
      )}
    </li>
  );
}
