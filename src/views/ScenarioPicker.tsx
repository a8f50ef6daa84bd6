/**
 * Choose a scenario: the built-in presets, each with the two or three sentences that say what
 * the patch argued and where to look, or a scenario file of one's own (read here, parsed by
 * whoever gets onLoadFile, so its errors can be shown by line in the editor).
 */
import { useId, useState } from 'react';
import type { ChangeEvent } from 'react';
import './ScenarioPicker.css';

export interface PresetSummary {
  name: string;
  title: string;
  caption: string;
  /** A real kernel trace replayed, or a scenario (default). */
  kind?: 'scenario' | 'trace';
}

export interface ScenarioPickerProps {
  presets: PresetSummary[];
  /** The preset shown now (null: a loaded file or an edited scenario). */
  current: string | null;
  onPick(name: string): void;
  onLoadFile(text: string, fileName: string): void;
}

export function ScenarioPicker({ presets, current, onPick, onLoadFile }: ScenarioPickerProps) {
  const id = useId();
  const [readError, setReadError] = useState<string | null>(null);
  const traces = presets.filter((p) => p.kind === 'trace');

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const input = e.currentTarget;
    const file = input.files?.[0];
    if (!file) return;
    try {
      const text = await file.text();
      setReadError(null);
      onLoadFile(text, file.name);
    } catch (err) {
      setReadError(`${file.name}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      // Picking the same file again (after fixing it on disk) must fire change again.
      input.value = '';
    }
  };

  return (
    <section className="scenario-picker" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Scenarios</h2>
      <PresetList
        presets={presets.filter((p) => p.kind !== 'trace')}
        current={current}
        onPick={onPick}
        id={id}
      />
      {traces.length > 0 && (
        <>
          <h3 className="preset-group" id={`${id}-traces`}>
            Real kernel traces
          </h3>
          <p className="preset-group-note">
            Logs of the kvmmmu events of a real guest, replayed through the model: what the trace
            does not say is inferred, and marked so.
          </p>
          <PresetList
            presets={traces}
            current={current}
            onPick={onPick}
            id={id}
            labelledBy={`${id}-traces`}
          />
        </>
      )}
      <div className="scenario-file">
        <label htmlFor={`${id}-file`}>Load scenario file</label>
        <input
          id={`${id}-file`}
          type="file"
          accept=".json,application/json"
          onChange={(e) => void onFile(e)}
        />
        <span className="file-hint">a kvm-mmu-scenario/1 JSON document</span>
      </div>
      {readError && (
        <p role="alert" className="picker-alert">
          {readError}
        </p>
      )}
    </section>
  );
}

function PresetList({
  presets,
  current,
  onPick,
  id,
  labelledBy,
}: {
  presets: PresetSummary[];
  current: string | null;
  onPick(name: string): void;
  id: string;
  labelledBy?: string;
}) {
  return (
    <ul className="preset-list" aria-labelledby={labelledBy}>
      {presets.map((p) => {
        const on = p.name === current;
        return (
          <li key={p.name}>
            <button
              type="button"
              className={`preset${on ? ' current' : ''}`}
              aria-pressed={on}
              aria-labelledby={`${id}-${p.name}-t`}
              aria-describedby={`${id}-${p.name}-c`}
              onClick={() => onPick(p.name)}
            >
              <span className="preset-title" id={`${id}-${p.name}-t`}>
                {p.title}
              </span>
              <span className="preset-caption" id={`${id}-${p.name}-c`}>
                {p.caption}
              </span>
              <span className="preset-name mono">{p.name}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
