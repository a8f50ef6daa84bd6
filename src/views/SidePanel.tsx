/**
 * Beside the views: the current operation's micro-steps, the composer for the next operation,
 * and the scenario as text.
 */
import { useVizApi, useVizStore } from '../store/useVizStore';
import { scenarioProblemsByLine } from '../scenario/textErrors';
import { OpComposer } from './OpComposer';
import { ScenarioEditor } from './ScenarioEditor';
import { StepList } from './StepList';
import { TracePanel } from './TracePanel';

export function SidePanel() {
  const editor = useVizStore((s) => s.editor);
  const step = useVizStore((s) => s.snapshot?.step);
  // A replayed trace is kernel events, not a scenario document: there is no JSON to edit.
  const isTrace = useVizStore((s) => s.info?.trace !== undefined);
  const api = useVizApi();
  const { append, load, editScenario, closeEditor } = api.getState();

  const onSubmit = async (op: unknown): Promise<string | null> => {
    const problems = await append(op);
    return problems.length
      ? problems.map((p) => (p.path === '(op)' ? p.message : `${p.path}: ${p.message}`)).join('; ')
      : null;
  };

  const onApply = async (text: string) => {
    const problems = scenarioProblemsByLine(text);
    if (problems.length)
      return problems.map((p) => ({
        line: p.line,
        message: p.path ? `${p.path}: ${p.message}` : p.message,
      }));
    const ok = await load(
      { text, name: editor?.name ?? 'edited scenario' },
      editor?.name ?? 'edited scenario',
    );
    if (!ok)
      return api
        .getState()
        .problems.map((p) => ({ line: null, message: `${p.path}: ${p.message}` }));
    closeEditor();
    return [];
  };

  return (
    <aside className="side-panel">
      <section className="op-panel" aria-label="This operation">
        <h2>{step && step.op >= 0 ? `op ${step.op + 1}: ${step.opLabel}` : 'Micro-steps'}</h2>
        {step?.opSummary && <p className="op-summary">{step.opSummary}</p>}
        {step && step.op >= 0 && <OpCost cost={step.cost} />}
        <StepList />
      </section>
      <TracePanel />
      <details className="composer-panel" open>
        <summary>Next operation</summary>
        <OpComposer onSubmit={onSubmit} />
      </details>
      {!isTrace && (
        <details
          className="editor-panel"
          open={editor !== null}
          onToggle={(e) =>
            e.currentTarget.open ? editor === null && void editScenario() : closeEditor()
          }
        >
          <summary>Scenario as JSON</summary>
          {editor && (
            <ScenarioEditor text={editor.text} initialErrors={editor.errors} onApply={onApply} />
          )}
        </details>
      )}
    </aside>
  );
}

const COST_LABELS: [string, string][] = [
  ['descsVisited', 'descriptors visited'],
  ['slotCompares', 'slot compares'],
  ['cacheLines', '64-byte lines'],
  ['descsAllocated', 'descriptors allocated'],
  ['descsFreed', 'descriptors freed'],
  ['pagesCreated', 'pages built'],
  ['pagesReused', 'pages reused'],
  ['pagesZapped', 'pages zapped'],
  ['leafSptesSet', 'leaf SPTEs set'],
  ['tlbFlushes', 'TLB flushes'],
  ['rangeFlushes', 'ranged flushes'],
  ['lockDrops', 'mmu_lock drops'],
];

/** The whole op's cost: the list code's own figures first, then what it did to the MMU. */
function OpCost({ cost }: { cost: Record<string, number> }) {
  const rows = COST_LABELS.filter(
    ([k]) => k in cost && (cost[k] !== 0 || k === 'descsVisited' || k === 'slotCompares'),
  );
  return (
    <dl className="cost" aria-label="Cost of this operation">
      {rows.map(([k, label]) => (
        <div key={k} className="cost-row">
          <dt>{label}</dt>
          <dd>{cost[k]!.toLocaleString('en')}</dd>
        </div>
      ))}
    </dl>
  );
}
