/** A whole trace held in one string, collected into arrays: for small inputs and tests. */
import type { TraceEvent } from './mmutraceFormats';
import { TraceParser, type TraceGap, type TraceMarker, type TraceSummary } from './traceParser';

export interface ParsedTrace {
  events: TraceEvent[];
  markers: TraceMarker[];
  gaps: TraceGap[];
  summary: TraceSummary;
}

export function parseTraceText(text: string): ParsedTrace {
  const events: TraceEvent[] = [];
  const markers: TraceMarker[] = [];
  const gaps: TraceGap[] = [];
  const parser = new TraceParser({
    onEvent: (e) => events.push(e),
    onMarker: (m) => markers.push(m),
    onGap: (g) => gaps.push(g),
  });
  parser.push(text);
  return { events, markers, gaps, summary: parser.end() };
}
