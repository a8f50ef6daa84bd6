/**
 * A trace line in its three parts, for showing it: the head tracefs (or `trace-cmd report`)
 * puts before every event (task-pid, CPU, flags, timestamp), the event's name, and its fields.
 * Only for display: the worker's parser is the one that reads lines.
 */
export interface TraceLineParts {
  head: string;
  event: string;
  fields: string;
}

// "  vmm-225  [000] ...1.   4.646844: kvm_mmu_set_spte: gfn 1 spte bfdf8a21 ..." (flags optional)
const LINE = /^\s*(\S.*?\[\d+\].*?\d+\.\d+:)\s+(\w+):\s*(.*)$/;

/** The parts, or null for a line in another shape (it is shown whole). */
export function splitTraceLine(text: string): TraceLineParts | null {
  const m = LINE.exec(text);
  return m ? { head: m[1]!.replace(/\s+/g, ' '), event: m[2]!, fields: m[3]!.trimEnd() } : null;
}
