/**
 * The part of an event line before its fields, as tracefs (kernel/trace/trace_output.c) and
 * trace-cmd report print it:
 *   "             vmm-225     [000] ...1.     4.646844: kvm_mmu_set_spte: gfn 1 ..."
 *   "           <...>-3979  [007]   217.975284: sched_stat_runtime:   comm=..."
 * TASK-PID (the task name may hold spaces and dashes), an optional "(TGID)" column
 * (options/record-tgid), [CPU], the irq/preempt flags (absent in trace-cmd's default output),
 * TIMESTAMP, then "EVENT:" and, in trace-cmd, padding. Read by index, no regex: this runs once
 * per line of traces with millions of them.
 */

/** Powers of ten for the timestamp's fraction (microseconds; nanoseconds with trace-cmd -t). */
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export class LineHeader {
  cpu = 0;
  pid = 0;
  ts = 0;
  nameStart = 0;
  nameEnd = 0;
  /** The first character after "EVENT:" and one blank. */
  bodyStart = 0;
  /** When scan() fails: where, and what should have been there. */
  failPos = 0;
  failExpect = '';

  private fail(pos: number, expect: string): false {
    this.failPos = pos;
    this.failExpect = expect;
    return false;
  }

  scan(s: string, start: number, end: number): boolean {
    // The CPU column is the first "[digits]" whose left side ends in "-PID" (and maybe "(TGID)").
    let open = s.indexOf('[', start);
    let close = -1;
    for (; open >= 0 && open < end; open = s.indexOf('[', open + 1)) {
      close = open + 1;
      let cpu = 0;
      for (let c = s.charCodeAt(close); close < end && isDigit(c); c = s.charCodeAt(++close))
        cpu = cpu * 10 + (c - 48);
      if (
        close > open + 1 &&
        close < end &&
        s.charCodeAt(close) === 93 &&
        this.scanPid(s, start, open)
      ) {
        this.cpu = cpu;
        break;
      }
    }
    if (open < 0 || open >= end)
      return this.fail(start, '"TASK-PID [CPU] TIMESTAMP: EVENT: FIELDS"');
    let pos = close + 1;
    while (pos < end && s.charCodeAt(pos) === 32) pos++;
    // The flags column ("d..1.", "...1"): never starts with a digit, a timestamp always does.
    if (pos < end && !isDigit(s.charCodeAt(pos))) {
      while (pos < end && s.charCodeAt(pos) !== 32) pos++;
      while (pos < end && s.charCodeAt(pos) === 32) pos++;
    }
    const tsStart = pos;
    let whole = 0;
    for (let c = s.charCodeAt(pos); pos < end && isDigit(c); c = s.charCodeAt(++pos))
      whole = whole * 10 + (c - 48);
    if (pos === tsStart) return this.fail(tsStart, 'a timestamp after the CPU column');
    let ts = whole;
    if (pos < end && s.charCodeAt(pos) === 46) {
      const f0 = ++pos;
      let frac = 0;
      for (let c = s.charCodeAt(pos); pos < end && isDigit(c); c = s.charCodeAt(++pos))
        frac = frac * 10 + (c - 48);
      const nd = pos - f0;
      if (nd === 0 || nd >= POW10.length)
        return this.fail(tsStart, 'a timestamp after the CPU column');
      ts += frac / POW10[nd]!;
    }
    if (pos + 1 >= end || s.charCodeAt(pos) !== 58 || s.charCodeAt(pos + 1) !== 32)
      return this.fail(pos, '": " after the timestamp');
    this.ts = ts;
    pos += 2;
    // The event name runs to ':'. Not only word characters: a trace_printk line shows its
    // function there ("foo.isra.0:"), and such a line is skipped like any other event. Blanks are
    // checked by the caller for names it does not know (a known name has none).
    const nameStart = pos;
    pos = s.indexOf(':', pos);
    if (pos < 0 || pos >= end || pos === nameStart)
      return this.fail(nameStart, 'an event name followed by ":"');
    this.nameStart = nameStart;
    this.nameEnd = pos;
    pos++;
    if (pos < end && s.charCodeAt(pos) === 32) pos++;
    this.bodyStart = pos;
    return true;
  }

  /** "-PID" (then blanks, or "(TGID)" and blanks) ends right before `open`. */
  private scanPid(s: string, start: number, open: number): boolean {
    let i = open - 1;
    if (i < start || s.charCodeAt(i) !== 32) return false;
    while (i > start && s.charCodeAt(i) === 32) i--;
    if (s.charCodeAt(i) === 41) {
      // "(  1977)" or "(-------)"
      while (i > start && s.charCodeAt(i) !== 40) i--;
      i--;
      while (i > start && s.charCodeAt(i) === 32) i--;
    }
    let pid = 0;
    let scale = 1;
    const last = i;
    for (; i > start && isDigit(s.charCodeAt(i)); i--) {
      pid += (s.charCodeAt(i) - 48) * scale;
      scale *= 10;
    }
    if (i === last || s.charCodeAt(i) !== 45) return false;
    this.pid = pid;
    return true;
  }
}
