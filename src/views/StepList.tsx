/**
 * Every micro-step of the last operation, as a trace a developer can scan and jump into:
 * grouped under the kernel function each step happens in, like a call trace. The current one
 * is marked aria-current and kept in view by scrolling the list, not the page.
 */
import { useEffect, useRef } from 'react';
import { opLabel, useVizStore } from '../store/useVizStore';

export function StepList() {
  const last = useVizStore((s) => s.last);
  const step = useVizStore((s) => s.step);
  const { stepTo } = useVizStore.getState();
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    const list = listRef.current;
    const item = list?.querySelector<HTMLElement>('[aria-current="step"]');
    if (!list || !item) return;
    const top = item.offsetTop;
    if (top < list.scrollTop + 24) list.scrollTop = Math.max(0, top - 24);
    else if (top + item.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = top + item.offsetHeight - list.clientHeight;
    }
  }, [step, last]);

  if (!last) return null;
  const items = [
    <li key="before" aria-current={step === -1 ? 'step' : undefined}>
      <button type="button" className="step-item" onClick={() => void stepTo(-1)}>
        <span className="k">0</span>
        <span>{`before ${opLabel(last.op)}`}</span>
      </button>
    </li>,
  ];
  last.steps.forEach(({ step: s, caption }, i) => {
    if (i === 0 || last.steps[i - 1]!.step.fn !== s.fn) {
      items.push(
        <li key={`fn${i}`} className="fn" aria-hidden="true">
          {s.fn}
        </li>,
      );
    }
    items.push(
      <li key={i} aria-current={step === i ? 'step' : undefined}>
        <button
          type="button"
          className="step-item"
          onClick={() => void stepTo(i)}
          aria-label={caption}
        >
          <span className="k">{i + 1}</span>
          <span>{caption.slice(s.fn.length + 2)}</span>
        </button>
      </li>,
    );
  });
  return (
    <ol className="step-list" ref={listRef} aria-label="Micro-steps of the last operation">
      {items}
    </ol>
  );
}
