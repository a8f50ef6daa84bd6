/**
 * Which rmap heads the chain view shows: the ones the current micro-step touches, the
 * free-standing heads of an rmap-only scenario, or the rmaps of a gfn at every level.
 */
import { useState } from 'react';
import { useVizApi, useVizStore } from '../store/useVizStore';

export function ChainToolbar() {
  const chain = useVizStore((s) => s.chain);
  const api = useVizApi();
  const { setChain } = api.getState();
  const [gfnText, setGfnText] = useState('');
  const [error, setError] = useState<string | null>(null);

  const showGfn = () => {
    const t = gfnText.trim();
    const gfn = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t, 16) : /^\d+$/.test(t) ? Number(t) : NaN;
    if (!Number.isSafeInteger(gfn)) return setError('a gfn: 0x400 or 1024');
    setError(null);
    setChain({ kind: 'gfn', gfn });
  };

  return (
    <div className="chain-toolbar" role="group" aria-label="Which rmap heads to show">
      <button
        type="button"
        aria-pressed={chain.kind === 'focus'}
        onClick={() => setChain({ kind: 'focus' })}
      >
        Follow the step
      </button>
      <button
        type="button"
        aria-pressed={chain.kind === 'scratch'}
        onClick={() => setChain({ kind: 'scratch' })}
      >
        Free-standing heads
      </button>
      <form
        className="gfn-form"
        onSubmit={(e) => {
          e.preventDefault();
          showGfn();
        }}
      >
        <label>
          rmaps of gfn{' '}
          <input
            value={gfnText}
            onChange={(e) => setGfnText(e.target.value)}
            placeholder={chain.kind === 'gfn' ? `0x${chain.gfn.toString(16)}` : '0x400'}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'gfn-error' : undefined}
            size={10}
          />
        </label>
        <button type="submit">Show</button>
        {error && (
          <span id="gfn-error" className="field-error">
            {error}
          </span>
        )}
      </form>
    </div>
  );
}
