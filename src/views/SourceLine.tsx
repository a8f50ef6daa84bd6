/**
 * The trace line the shown operation comes from, under the step's caption: "line 13,317" and
 * the line as the kernel wrote it (its head muted, the event in bold), cut to one line with the
 * whole of it on hover.
 */
import { splitTraceLine } from './traceLine';
import './Trace.css';

export function SourceLine({ source }: { source: { line: number; text: string } }) {
  const parts = splitTraceLine(source.text);
  const whole = source.text.trim();
  return (
    <p className="tl-source" data-testid="source-line" title={`line ${source.line}: ${whole}`}>
      <span className="tl-source-n">line {source.line}</span>
      <code className="tl-source-text">
        {parts ? (
          <>
            <span className="tl-source-head">{parts.head} </span>
            <strong className="tl-source-event">{parts.event}:</strong> {parts.fields}
          </>
        ) : (
          whole
        )}
      </code>
    </p>
  );
}
