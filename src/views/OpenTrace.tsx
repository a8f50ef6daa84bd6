/**
 * "Open trace…" in the header: a real file input (the keyboard reaches it, tests set its files),
 * drawn as a button by its label. The trace replays in the worker; a scenario's .json picked
 * here opens as a scenario.
 */
import { useId } from 'react';
import type { ChangeEvent } from 'react';
import { useVizApi, useVizStore } from '../store/useVizStore';
import { openFile, TRACE_ACCEPT } from './openFile';
import './Trace.css';

export function OpenTrace() {
  const id = useId();
  const api = useVizApi();
  const loading = useVizStore((s) => s.loading !== null);

  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    const input = e.currentTarget;
    const file = input.files?.[0];
    // Picking the same file again (a fixed trace) must fire change again.
    input.value = '';
    if (file) void openFile(api, file);
  };

  return (
    <span className="open-trace">
      <input
        id={id}
        type="file"
        accept={TRACE_ACCEPT}
        disabled={loading}
        onChange={onChange}
        aria-describedby={`${id}-hint`}
      />
      <label htmlFor={id} className="open-trace-button">
        Open trace…
      </label>
      <span id={`${id}-hint`} hidden>
        A kernel trace with the kvmmmu events: tracefs or trace-cmd report text, plain or gzip. Or
        drop it on the page.
      </span>
    </span>
  );
}
