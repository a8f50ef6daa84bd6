/**
 * The options a trace.dat carries (trace-cmd.dat.v7(5) "OPTIONS SECTION"; version 6 has them
 * too, fewer): each an id, a u32 size and its data. Read here: UNAME (5), TRACECLOCK (4),
 * VERSION (9), BUFFER (3: an instance's data; in version 7 also its clock, page size and CPUs),
 * BUFFER_TEXT
 * (22: a latency trace), and version 7's section offsets (16-21). The rest (DATE, CPUSTAT,
 * TRACEID, TIME_SHIFT, GUEST, TSC2NSEC, ...) is skipped: timestamps are given as the ring buffer
 * holds them, as tracefs prints them, with no offset or TSC conversion applied.
 */
import { BinReader, latin1Text } from './binReader';
import { clockOf, type DatCpu } from './datMeta';

export const OPT_DONE = 0;
export const OPT_BUFFER = 3;
const OPT_TRACECLOCK = 4;
const OPT_UNAME = 5;
const OPT_VERSION = 9;
export const OPT_HEADER_INFO = 16;
export const OPT_FTRACE_EVENTS = 17;
export const OPT_EVENT_FORMATS = 18;
export const OPT_CMDLINES = 21;
const OPT_BUFFER_TEXT = 22;

export interface DatBuffer {
  name: string;
  /** Version 7: the BUFFER FLYRECORD section. Version 6: the instance's own flyrecord data. */
  offset: number;
  clock: string | null;
  /** Version 7: the instance's ring-buffer page (sub-buffer) size; 0 when not given. */
  pageSize: number;
  cpus: DatCpu[];
  latency: boolean;
}

export interface Options {
  uname: string | null;
  clock: string | null;
  traceCmd: string | null;
  buffers: DatBuffer[];
  /** Version 7: section id -> file offset. */
  sections: Map<number, number>;
}

export function emptyOptions(): Options {
  return { uname: null, clock: null, traceCmd: null, buffers: [], sections: new Map() };
}

function text(data: Uint8Array): string {
  const nul = data.indexOf(0);
  return latin1Text(nul < 0 ? data : data.subarray(0, nul)).trim();
}

/** One option into `o`; `sectioned`: version 7, whose BUFFER option has clock and CPUs. */
export function readOption(o: Options, id: number, data: BinReader, sectioned: boolean): void {
  switch (id) {
    case OPT_UNAME:
      o.uname = text(data.bytes);
      return;
    case OPT_TRACECLOCK:
      o.clock = clockOf(text(data.bytes));
      return;
    case OPT_VERSION:
      o.traceCmd = text(data.bytes);
      return;
    case OPT_BUFFER:
    case OPT_BUFFER_TEXT: {
      const offset = data.u64('buffer offset');
      const name = data.cstring('buffer name');
      const b: DatBuffer = {
        name,
        offset,
        clock: null,
        pageSize: 0,
        cpus: [],
        latency: id === OPT_BUFFER_TEXT,
      };
      if (sectioned) {
        b.clock = data.cstring('buffer clock');
        if (id === OPT_BUFFER) {
          // The page size precedes the CPUs (trace-input.c handle_buffer_option; not in the
          // document).
          b.pageSize = data.u32('buffer page size');
          const n = data.u32('buffer CPU count');
          if (n * 20 > data.left) data.fail(`${n} CPUs cannot fit in the option`);
          for (let i = 0; i < n; i++)
            b.cpus.push({
              cpu: data.u32('CPU id'),
              offset: data.u64('CPU data offset'),
              size: data.u64('CPU data size'),
            });
        }
      }
      o.buffers.push(b);
      return;
    }
    default:
      if (sectioned && id >= OPT_HEADER_INFO && id <= OPT_CMDLINES && data.left >= 8)
        o.sections.set(id, data.u64('section offset'));
  }
}
