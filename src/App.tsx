/**
 * One page: compose an operation, see the head and its descriptor chain, step through what the
 * kernel did. Arrow keys step when focus is not in a form field (where they mean something else).
 */
import { useEffect } from 'react';
import { useVizStore } from './store/useVizStore';
import { ChainView } from './views/ChainView';
import { OpForm } from './views/OpForm';
import { StepControls } from './views/StepControls';
import { StepList } from './views/StepList';

export function App() {
  useEffect(() => {
    const { init } = useVizStore.getState();
    void init();
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t?.closest('input, select, textarea') || e.altKey || e.ctrlKey || e.metaKey) return;
      const { stepBy, stepTo, last } = useVizStore.getState();
      if (e.key === 'ArrowLeft') void stepBy(-1);
      else if (e.key === 'ArrowRight') void stepBy(1);
      else if (e.key === 'Home') void stepTo(-1);
      else if (e.key === 'End' && last) void stepTo(last.steps.length - 1);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="app">
      <header className="top">
        <h1>kvm-mmu-viz</h1>
        <p className="sub">
          rmap lists: <code>kvm_rmap_head</code> → <code>pte_list_desc</code> chain, as in{' '}
          <code>arch/x86/kvm/mmu/mmu.c</code>
        </p>
      </header>
      <OpForm />
      <main className="work">
        <section className="chain-panel" aria-label="rmap head and descriptor chain">
          <ChainView />
        </section>
        <aside className="step-panel">
          <StepControls />
          <StepList />
        </aside>
      </main>
    </div>
  );
}
