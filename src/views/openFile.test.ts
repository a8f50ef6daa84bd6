import { describe, expect, it, vi } from 'vitest';
import type { VizStore } from '../store/useVizStore';
import { failedTrace, isScenarioFile, openFile } from './openFile';

/** Just what openFile uses of the store: load, showEditor, problems. */
function fakeStore(ok: boolean, problems: { path: string; message: string; line?: number }[] = []) {
  const state = {
    load: vi.fn(async () => ok),
    showEditor: vi.fn(),
    problems,
  };
  return { state, store: { getState: () => state } as unknown as VizStore };
}

describe('opening a file', () => {
  it('tells a scenario from a trace by its name or type', () => {
    expect(isScenarioFile({ name: 'mine.json', type: '' })).toBe(true);
    expect(isScenarioFile({ name: 'x', type: 'application/json' })).toBe(true);
    expect(isScenarioFile({ name: 'trace.txt.gz', type: 'application/gzip' })).toBe(false);
    expect(isScenarioFile({ name: 'trace.dat', type: '' })).toBe(false);
  });

  it('hands a trace to the worker as a Blob, and keeps its problems out of the editor', async () => {
    const { state, store } = fakeStore(false, [{ path: 'line 3', message: 'line 3: bad' }]);
    const file = new File(['x'], 'trace.txt');
    expect(await openFile(store, file)).toBe(false);
    expect(state.load).toHaveBeenCalledWith({ trace: file, name: 'trace.txt' }, 'trace.txt');
    expect(state.showEditor).not.toHaveBeenCalled();
  });

  it('opens a scenario that does not load in the editor, by line', async () => {
    const { state, store } = fakeStore(false, [
      { path: '(syntax)', message: 'unterminated string', line: 6 },
    ]);
    const text = '{ "format": "kvm-mmu-scenario/1", "ops": [ "';
    expect(await openFile(store, new File([text], 'cut.json'))).toBe(false);
    expect(state.load).toHaveBeenCalledWith({ text, name: 'cut.json' }, 'cut.json');
    expect(state.showEditor).toHaveBeenCalledWith(
      text,
      [{ line: 6, message: 'JSON: unterminated string' }],
      'cut.json',
    );
  });

  it('finds the trace of a failed load', () => {
    const trace = new Blob(['x']);
    expect(failedTrace({ trace, name: 't' })).toEqual({ trace, name: 't' });
    expect(failedTrace({ preset: 'guest-fork' })).toBeNull();
    expect(failedTrace(null)).toBeNull();
  });
});
