/**
 * What the colours and marks mean, in the chain view's legend style; "inferred link" when a
 * trace replay placed links the trace does not show.
 */
export function TreeLegend({ inferred = false }: { inferred?: boolean }) {
  return (
    <p className="tree-legend" aria-hidden="true">
      <span>
        <span className="key k-empty" /> not present
      </span>
      <span>
        <span className="key k-leaf" /> 4K leaf
      </span>
      <span>
        <span className="key k-huge" /> huge leaf
      </span>
      <span>
        <span className="key k-link" /> link to a child table
      </span>
      <span>
        <span className="key-text mark-new">new</span>
        <span className="key-text mark-reused">reused</span>
        <span className="key-text mark-zapped">zapped</span> in this op
      </span>
      <span>
        <span className="key ring-focus" /> touched by this step
      </span>
      <span>
        <span className="key ring-selected" /> selected
      </span>
      {inferred && (
        <span className="legend-inferred">
          <svg className="key-line" width="26" height="8" viewBox="0 0 26 8">
            <path d="M0 4H26" />
          </svg>{' '}
          inferred link
        </span>
      )}
    </p>
  );
}
