/**
 * The current operation's micro-steps, grouped by kernel function as they nest, with the shown
 * one marked; a click goes there. Long ops list a window around the current step.
 */
import { useEffect, useRef } from 'react';
import { useVizApi, useVizStore } from '../store/useVizStore';
import { MARK_LABEL, stepMark } from './stepMarks';
import './Trace.css';

const SHOWN = 120;

export function StepList() {
  const step = useVizStore((s) => s.snapshot?.step);
  const position = useVizStore((s) => s.position);
  const api = useVizApi();
  const { goTo } = api.getState();
  const current = useRef<HTMLLIElement>(null);

  // The list scrolls itself to the current step; scrollIntoView would scroll the page too.
  useEffect(() => {
    const li = current.current;
    const list = li?.parentElement;
    if (!li || !list) return;
    const top = li.offsetTop;
    const bottom = top + li.offsetHeight;
    if (top < list.scrollTop) list.scrollTop = top;
    else if (bottom > list.scrollTop + list.clientHeight)
      list.scrollTop = bottom - list.clientHeight;
  }, [position]);

  if (!step || step.steps.length === 0)
    return <p className="muted step-list-empty">No operation yet.</p>;
  const at = step.steps.findIndex((s) => s.position === position);
  const from = Math.max(0, Math.min(at - SHOWN / 2, step.steps.length - SHOWN));
  const shown = step.steps.slice(from, from + SHOWN);
  return (
    <ol className="step-list" aria-label="Micro-steps of this operation">
      {shown.map((s) => {
        // A trace replay's inferred steps and checks of the kernel's numbers wear a badge.
        const { mark, text } = stepMark(s.caption);
        return (
          <li
            key={s.position}
            ref={s.position === position ? current : undefined}
            className={`depth-${s.depth}${s.position === position ? ' current' : ''}${mark ? ` mark-${mark}` : ''}`}
            aria-current={s.position === position ? 'step' : undefined}
          >
            <button type="button" onClick={() => goTo(s.position)}>
              <span className="n">{s.position}</span>{' '}
              {mark && <span className={`step-badge mark-${mark}`}>{MARK_LABEL[mark]}</span>}
              {mark ? ' ' : ''}
              <span className="step-text">{text}</span>
            </button>
          </li>
        );
      })}
    </ol>
  );
}
