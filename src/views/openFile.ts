/**
 * Opening a file the user picked or dropped: a `kvm-mmu-scenario/1` JSON document, or a kernel
 * trace (tracefs or `trace-cmd report` text, plain or gzip). The worker reads and checks both,
 * off the main thread; what does not load leaves the loaded timeline alone. A scenario's
 * problems open the editor by line (the text is the user's to fix); a trace's stay in the load
 * status, which offers the part before the bad line (a 13,000-line log is not edited in a
 * textarea).
 */
import type { ScenarioProblem } from '../scenario/schema';
import type { VizStore } from '../store/useVizStore';
import type { TraceSource } from '../worker/mmuSession';

/** Names the pickers accept for a trace (a `.dat` is trace-cmd's binary: the worker says so). */
export const TRACE_ACCEPT = '.txt,.gz,.log,.dat,text/plain,application/gzip';

/** JSON is a scenario; anything else is taken as a trace and the worker says what it is not. */
export function isScenarioFile(file: { name: string; type: string }): boolean {
  return /\.json$/i.test(file.name) || file.type === 'application/json';
}

/** Loads a scenario's text; on problems, opens the editor on it with the problems by line. */
export async function openScenarioText(
  store: VizStore,
  text: string,
  fileName: string,
): Promise<boolean> {
  const { load, showEditor } = store.getState();
  if (await load({ text, name: fileName }, fileName)) return true;
  const problems = store.getState().problems;
  const message = (p: ScenarioProblem) =>
    p.path === '(syntax)' ? `JSON: ${p.message}` : `${p.path}: ${p.message}`;
  showEditor(
    text,
    problems.map((p) => ({ line: p.line ?? null, message: message(p) })),
    fileName,
  );
  return false;
}

/** Replays a trace file (a File is a Blob: it crosses to the worker by structured clone). */
export function openTrace(store: VizStore, source: TraceSource): Promise<boolean> {
  const label =
    source.stopBeforeLine !== undefined
      ? `${source.name} (before line ${source.stopBeforeLine.toLocaleString('en')})`
      : source.name;
  return store.getState().load(source, label);
}

/** A picked or dropped file, by kind. */
export async function openFile(store: VizStore, file: File): Promise<boolean> {
  if (isScenarioFile(file)) return openScenarioText(store, await file.text(), file.name);
  return openTrace(store, { trace: file, name: file.name });
}

/** The trace of a failed load, when it was one: "Open the part before line N" reopens it. */
export function failedTrace(source: unknown): TraceSource | null {
  return source !== null && typeof source === 'object' && 'trace' in source
    ? (source as TraceSource)
    : null;
}
