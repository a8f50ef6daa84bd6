/**
 * The scenario as JSON text: edit it, "Apply scenario", and read what is wrong by line. Line
 * numbers run in a gutter beside the text; a line with a problem gets a red number and a band
 * behind its text, and each listed problem moves the caret to its line. Finding the lines is
 * the caller's job (src/scenario/textErrors.ts), done in onApply.
 */
import { useId, useRef, useState } from 'react';
import type { CSSProperties, KeyboardEvent } from 'react';
import { countLines, offsetOfLine } from '../scenario/textErrors';
import './ScenarioEditor.css';

export interface EditorError {
  line: number | null;
  message: string;
}

export interface ScenarioEditorProps {
  text: string;
  /** Problems already known for `text` (a file that did not load), shown until the next apply. */
  initialErrors?: EditorError[];
  /** Applies the text; resolves to its problems (empty: applied). */
  onApply(text: string): Promise<EditorError[]>;
}

/** Text metrics the gutter, the bands and the textarea share: one source, set as CSS variables. */
const LINE_H = 18;
const PAD_Y = 6;

export function ScenarioEditor({ text, initialErrors = [], onApply }: ScenarioEditorProps) {
  const id = useId();
  const [base, setBase] = useState(text);
  const [draft, setDraft] = useState(text);
  const [errors, setErrors] = useState<EditorError[]>(initialErrors);
  /** The text the shown errors were found in; once the draft moves on they may be off by lines. */
  const [judged, setJudged] = useState<string | null>(initialErrors.length ? text : null);
  const [busy, setBusy] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const bands = useRef<HTMLDivElement>(null);

  // A new scenario from outside (a preset picked, a file loaded) replaces the draft.
  if (text !== base) {
    setBase(text);
    setDraft(text);
    setErrors(initialErrors);
    setJudged(initialErrors.length ? text : null);
  }

  const lines = countLines(draft);
  const bad = new Set(errors.map((e) => e.line).filter((l): l is number => l !== null));
  const stale = judged !== null && judged !== draft;

  const apply = async () => {
    setBusy(true);
    const submitted = draft;
    try {
      setErrors(await onApply(submitted));
    } catch (err) {
      setErrors([{ line: null, message: err instanceof Error ? err.message : String(err) }]);
    } finally {
      setJudged(submitted);
      setBusy(false);
    }
  };

  const syncScroll = () => {
    const t = area.current;
    if (!t) return;
    if (gutter.current) gutter.current.style.transform = `translateY(${-t.scrollTop}px)`;
    if (bands.current)
      bands.current.style.transform = `translate(${-t.scrollLeft}px, ${-t.scrollTop}px)`;
  };

  const goToLine = (line: number) => {
    const t = area.current;
    if (!t) return;
    const start = offsetOfLine(draft, line);
    const end = draft.indexOf('\n', start);
    t.focus();
    t.setSelectionRange(start, end < 0 ? draft.length : end);
    t.scrollTop = Math.max(0, (line - 1) * LINE_H - t.clientHeight / 3);
    syncScroll();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (!busy) void apply();
    }
  };

  const style = { '--lh': `${LINE_H}px`, '--pad-y': `${PAD_Y}px` } as CSSProperties;
  const listId = `${id}-errors`;
  return (
    <section className="scenario-editor" aria-labelledby={`${id}-h`}>
      <div className="editor-bar">
        <h2 id={`${id}-h`}>
          <label htmlFor={`${id}-text`}>Scenario JSON</label>
        </h2>
        <span className="editor-state">{draft !== base ? 'edited, not applied' : 'as loaded'}</span>
      </div>
      <div className="editor-frame" style={style}>
        <div className="gutter" aria-hidden="true">
          <div className="gutter-lines" ref={gutter}>
            {Array.from({ length: lines }, (_, i) => (
              <div key={i} className={bad.has(i + 1) ? 'ln bad' : 'ln'}>
                {i + 1}
              </div>
            ))}
          </div>
        </div>
        <div className="text-wrap">
          <div className="bands" ref={bands} aria-hidden="true">
            {[...bad].map((l) => (
              <div key={l} className="band" style={{ top: PAD_Y + (l - 1) * LINE_H }} />
            ))}
          </div>
          <textarea
            id={`${id}-text`}
            ref={area}
            value={draft}
            wrap="off"
            spellCheck={false}
            autoComplete="off"
            autoCapitalize="off"
            aria-invalid={errors.length > 0 ? true : undefined}
            aria-describedby={errors.length > 0 ? listId : undefined}
            aria-keyshortcuts="Control+Enter"
            onChange={(e) => setDraft(e.target.value)}
            onScroll={syncScroll}
            onKeyDown={onKeyDown}
          />
        </div>
      </div>
      <div className="editor-actions">
        <button type="button" className="apply" disabled={busy} onClick={() => void apply()}>
          Apply scenario
        </button>
        <button
          type="button"
          disabled={busy || draft === base}
          onClick={() => {
            setDraft(base);
            setErrors([]);
            setJudged(null);
          }}
        >
          Revert
        </button>
        <span className="editor-hint">Ctrl+Enter applies</span>
        <span role="status" className="editor-status">
          {busy
            ? 'Applying…'
            : judged === null
              ? ''
              : errors.length === 0
                ? 'Applied.'
                : `${errors.length} ${errors.length === 1 ? 'problem' : 'problems'}${stale ? ' (before your last edits)' : ''}`}
        </span>
      </div>
      {errors.length > 0 && (
        <ul className={`editor-errors${stale ? ' stale' : ''}`} id={listId}>
          {errors.map((e, i) => (
            <li key={i}>
              {e.line !== null ? (
                <button type="button" className="err-line" onClick={() => goToLine(e.line!)}>
                  line {e.line}
                </button>
              ) : (
                <span className="err-line none">no line</span>
              )}
              <span className="err-msg">{e.message}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
