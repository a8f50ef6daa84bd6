/** Shared by the trace tests: one line in, its event's name and fields out. */
import { parseTraceText } from './parseTraceText';

/** The event's name and fields, without where and when; throws unless the line is one event. */
export function fieldsOf(line: string): Record<string, unknown> {
  const { events, summary } = parseTraceText(line + '\n');
  if (events.length !== 1 || Object.keys(summary.skipped).length > 0)
    throw new Error(`not one known event: ${line}`);
  const rec: Record<string, unknown> = { ...events[0] };
  for (const k of ['line', 'ts', 'cpu', 'pid']) delete rec[k];
  return rec;
}
