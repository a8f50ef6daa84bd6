/**
 * The top line: what is loaded (a preset with its caption, or a file), the kernel's rmap era,
 * compare mode, and sharing: "Copy link", "Export SVG", "Export PNG".
 */
import { useState } from 'react';
import type { CompareChange } from '../worker/mmuSession';
import { useVizApi, useVizStore } from '../store/useVizStore';
import { currentUrlState, MAX_LINKED_OPS } from '../store/useUrlSync';
import { formatHash } from '../scenario/urlState';
import { exportView } from './exportView';
import { KernelPicker } from './KernelPicker';
import { openScenarioText } from './openFile';
import { OpenTrace } from './OpenTrace';
import { ScenarioPicker } from './ScenarioPicker';
import { TraceVerdict } from './TracePanel';

/** The comparisons the reviews argued about. */
export const COMPARISONS: { label: string; options: CompareChange }[] = [
  ...(['2.6.37', '5.14', '6.1', '6.4', '6.12', '6.13', 'current'] as const).map((kernel) => ({
    label: `kernel v${kernel}`,
    options: { kernel },
  })),
  { label: 'rmap: spte_count (v5.15–v6.3)', options: { rmap: 'spte_count' } },
  { label: 'rmap: tail_count (v6.4+)', options: { rmap: 'tail_count' } },
  { label: 'split_desc_cache: 1026 (June 2022 series)', options: { splitDescCapacity: '2xmin' } },
  { label: 'split_desc_cache: 553 (b9b71f43683a)', options: { splitDescCapacity: 'min+40' } },
  { label: 'direct pages with gfns (before v2.6.36)', options: { gfnsForDirectPages: true } },
  { label: 'direct pages without gfns (v2.6.36+)', options: { gfnsForDirectPages: false } },
];

export function AppHeader() {
  const presets = useVizStore((s) => s.presets);
  const source = useVizStore((s) => s.source);
  const info = useVizStore((s) => s.info);
  const compare = useVizStore((s) => s.compare);
  const view = useVizStore((s) => s.view);
  const api = useVizApi();
  const { load, startCompare, stopCompare } = api.getState();
  const [note, setNote] = useState<string | null>(null);
  const current = source && 'preset' in source ? source.preset : null;
  const preset = presets.find((p) => p.name === current);
  const [open, setOpen] = useState(false);

  const copyLink = async () => {
    const state = await currentUrlState(api);
    const url = location.href.split('#')[0] + formatHash(state);
    const partial = !state.preset && !state.doc;
    try {
      await navigator.clipboard.writeText(url);
      const why = api.getState().info?.trace
        ? 'a trace opened from a file is not put in a link (the shared traces are presets that are)'
        : `over ${MAX_LINKED_OPS} operations`;
      setNote(
        partial
          ? `Link copied: ${why}, so it holds the step and view but not the scenario`
          : 'Link copied',
      );
    } catch {
      setNote(url);
    }
  };

  return (
    <header className="top">
      <h1>kvm-mmu-viz</h1>
      <details className="scenarios" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>
          Scenario: <strong>{preset?.title ?? info?.name ?? '…'}</strong>
        </summary>
        <div className="scenarios-body">
          <ScenarioPicker
            presets={presets}
            current={current}
            onPick={(name) => {
              setOpen(false);
              void load({ preset: name }, name);
            }}
            onLoadFile={(t, n) => {
              setOpen(false);
              // A file that does not load opens in the editor with its problems by line.
              void openScenarioText(api, t, n);
            }}
          />
        </div>
      </details>
      <OpenTrace />
      <KernelPicker />
      <div className="top-actions">
        <label className="compare-pick">
          Compare with
          <select
            value={compare ? JSON.stringify(compare.options) : ''}
            onChange={(e) =>
              e.target.value
                ? void startCompare(JSON.parse(e.target.value) as CompareChange)
                : stopCompare()
            }
            disabled={!info}
          >
            <option value="">nothing</option>
            {COMPARISONS.map((c) => (
              <option key={c.label} value={JSON.stringify(c.options)}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void copyLink()}>
          Copy link
        </button>
        <button type="button" onClick={() => void exportView(view, 'svg')}>
          Export SVG
        </button>
        <button type="button" onClick={() => void exportView(view, 'png')}>
          Export PNG
        </button>
        {note && (
          <span className="note" role="status">
            {note}
          </span>
        )}
      </div>
      {preset && <p className="caption-line">{preset.caption}</p>}
      {info && (
        <p className="sub">
          <strong>{info.name}</strong> · rmap <code>{info.options.rmap}</code> ·{' '}
          {info.options.tdp
            ? info.options.tdpMmu
              ? 'TDP MMU'
              : 'TDP, shadow MMU'
            : 'shadow paging'}{' '}
          · {info.ops} operations <TraceVerdict />
        </p>
      )}
    </header>
  );
}
