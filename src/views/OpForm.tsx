/**
 * The operation composer for this slice: kernel variant, rmap head, an SPTE named sN, and the
 * three list operations. Refusals (the kernel would BUG()) come back as messages, shown here.
 */
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { parseSpte } from '../scenario/spteName';
import { useVizStore } from '../store/useVizStore';

export function OpForm() {
  const variants = useVizStore((s) => s.variants);
  const variant = useVizStore((s) => s.variant);
  const head = useVizStore((s) => s.head);
  const heads = useVizStore((s) => s.heads);
  const error = useVizStore((s) => s.error);
  const history = useVizStore((s) => s.history);
  const ready = useVizStore((s) => s.ready);
  const [text, setText] = useState('');
  // Labels point at their controls rather than wrapping them, so a select's accessible name is
  // just its label, not the label plus the option it currently shows.
  const id = useId();

  const { setVariant, selectHead, add, addRange, remove, count, reset, showError } =
    useVizStore.getState();

  /** The SPTE field as N, or null after showing why it is not one. */
  const spte = (): number | null => {
    const r = parseSpte(text);
    if ('error' in r) {
      showError(r.error);
      return null;
    }
    return r.n;
  };

  const onAdd = (e: FormEvent) => {
    e.preventDefault();
    const n = spte();
    if (n === null) return;
    void add(n);
    setText(String(n + 1)); // the next name, so repeated Enter grows the list
  };

  const onAdd10 = () => {
    const n = spte();
    if (n === null) return;
    void addRange(n, 10);
    setText(String(n + 10));
  };

  const onRemove = () => {
    const n = spte();
    if (n !== null) void remove(n);
  };

  return (
    <div className="op-bar">
      <form className="op-form" aria-label="rmap operation" onSubmit={onAdd}>
        <div className="field-label">
          <label htmlFor={`${id}-variant`}>Kernel variant</label>
          <select
            id={`${id}-variant`}
            value={variant?.name ?? ''}
            disabled={!ready}
            onChange={(e) => {
              const picked = variants.find((v) => v.name === e.target.value);
              if (picked) void setVariant(picked.name);
            }}
          >
            {variants.map((v) => (
              <option key={v.name} value={v.name}>
                {`${v.name} · ${v.kernels}`}
              </option>
            ))}
          </select>
        </div>
        <div className="field-label">
          <label htmlFor={`${id}-head`}>rmap head</label>
          <select
            id={`${id}-head`}
            value={head}
            disabled={!ready}
            onChange={(e) => void selectHead(Number(e.target.value))}
          >
            {heads.map((h) => (
              <option key={h.head} value={h.head}>
                {`head ${h.head} · ${h.entries === 0 ? 'empty' : `${h.entries} ${h.entries === 1 ? 'SPTE' : 'SPTEs'}`}`}
              </option>
            ))}
          </select>
        </div>
        <div className="field-label">
          <label htmlFor={`${id}-spte`}>SPTE</label>
          <input
            id={`${id}-spte`}
            className="spte-input"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="N or sN"
            inputMode="numeric"
            autoComplete="off"
            spellCheck={false}
            size={7}
          />
        </div>
        <div className="buttons">
          <button type="submit" disabled={!ready}>
            Add
          </button>
          <button type="button" disabled={!ready} onClick={onAdd10} title="pte_list_add sN … sN+9">
            Add 10
          </button>
          <button type="button" disabled={!ready} onClick={onRemove}>
            Remove
          </button>
          <button type="button" disabled={!ready} onClick={() => void count()}>
            Count
          </button>
          <button type="button" className="quiet" disabled={!ready} onClick={() => void reset()}>
            Reset
          </button>
        </div>
      </form>
      <div className="status-line">
        <div role="alert" className="alert">
          {error}
        </div>
        <div className="hint">
          {`Switching the kernel replays the ${history} op${history === 1 ? '' : 's'} so far on it. Reset empties every head.`}
        </div>
      </div>
    </div>
  );
}
