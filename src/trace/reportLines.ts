/**
 * The two ways `trace-cmd report` prints an event other than as the kernel's text: through its kvm
 * plugin (pluginLines.ts) and, with -N, as raw fields where libtraceevent cannot parse the print
 * fmt (rawFields.ts). Both give the role as a word, whose layout depends on the release; which
 * release that is comes from the trace's first MiB (roleLayoutKernel) unless it was given, so the
 * parser holds such lines' events until that MiB has been read (at most a MiB of text).
 */
import type { KernelVersion } from '../model/kernelVersions';
import type { EventFormat } from './formatPieces';
import type { TraceEvent, TraceEventName } from './mmutraceFormats';
import { PLUGIN_FORMATS, traceEventOfPlugin } from './pluginLines';
import { traceEventOfRaw } from './rawEvent';
import { FAILED_TO_PARSE, scanRawFields } from './rawFields';
import { roleLayoutKernel, SNIFF_BYTES } from './sniffTrace';
import type { FieldScanner } from './scanFields';
import { fieldsError, gotText, TraceParseError } from './traceErrors';

interface Head {
  line: number;
  ts: number;
  cpu: number;
  pid: number;
}

/** Turns a line read in a report's form into its event, once the release is known. */
export type Convert = (kernel: KernelVersion) => TraceEvent | null;

export class ReportLines {
  /** The release role words are read by; null until the first MiB has told it. */
  kernel: KernelVersion | null;
  /** Lines read from the kvm plugin's text and from -N's raw fields. */
  plugin = 0;
  raw = 0;
  private head: string[] = [];
  private headLength = 0;

  constructor(private readonly given?: KernelVersion) {
    this.kernel = given ?? null;
  }

  /** Keeps the first MiB; true when this chunk completed it and the release is now known. */
  feed(chunk: string): boolean {
    if (this.kernel !== null) return false;
    this.head.push(chunk);
    this.headLength += chunk.length;
    if (this.headLength < SNIFF_BYTES) return false;
    this.decide();
    return true;
  }

  /** At the end of a trace shorter than a MiB. */
  decide(): void {
    if (this.kernel !== null) return;
    this.kernel = roleLayoutKernel(this.head.join('').slice(0, SNIFF_BYTES), this.given);
    this.head = [];
  }

  static pluginFormat(name: string): EventFormat | undefined {
    return PLUGIN_FORMATS[name as TraceEventName];
  }

  /**
   * s[body, end) of a known event whose kernel text did not scan: its raw fields or its plugin
   * text, as a Convert; null when it is neither (the scanner then holds the plugin's failure).
   * Throws the raw fields' own error, which only a -N line can have.
   */
  read(
    name: TraceEventName,
    s: string,
    body: number,
    end: number,
    head: Head,
    scanner: FieldScanner,
  ): Convert | null {
    if (s.startsWith(FAILED_TO_PARSE, body)) {
      const raw = scanRawFields(s, body + FAILED_TO_PARSE.length, end);
      if ('error' in raw) {
        const { pos, expect } = raw.error;
        throw new TraceParseError(head.line, name, expect, '', gotText(s, pos, end));
      }
      this.raw++;
      const { fields } = raw;
      return (kernel) => eventOf(name, traceEventOfRaw(name, fields, head, kernel), head);
    }
    const f = PLUGIN_FORMATS[name];
    if (f === undefined) return null;
    const rec: Record<string, unknown> = {};
    if (!scanner.scan(s, body, end, f.pieces, rec)) return null;
    this.plugin++;
    return (kernel) => eventOf(name, traceEventOfPlugin(name, rec, head, kernel), head);
  }

  /**
   * The error of a line that is neither the kernel's text nor the plugin's: the plugin's where the
   * line looks like its text ("new sp gfn 10 4 q0", "2 q0", "reason EXIT_NPF rip ... info"), or
   * where it followed the plugin's form further than the kernel's; else null.
   */
  static pluginError(
    line: number,
    name: TraceEventName,
    s: string,
    body: number,
    end: number,
    scanner: FieldScanner,
    kernelFail: number,
  ): TraceParseError | null {
    const f = PLUGIN_FORMATS[name];
    if (f === undefined) return null;
    const text = s.slice(body, end);
    const looks =
      /^(?:(?:new|existing) sp gfn [0-9a-f]+ )?\d+ q\d/.test(text) ||
      (name === 'kvm_exit' && / info [0-9a-f]+ [0-9a-f]+$/.test(text));
    if (!looks && scanner.failPos <= kernelFail) return null;
    return fieldsError(
      line,
      name,
      s,
      body,
      end,
      f.pieces,
      scanner,
      "read as trace-cmd report's kvm plugin text",
    );
  }
}

/** A conversion's message becomes the line's error. */
function eventOf(name: string, e: TraceEvent | string | null, head: Head): TraceEvent | null {
  if (typeof e === 'string')
    throw TraceParseError.at(
      head.line,
      name,
      e.startsWith(`${name}: `) ? e.slice(name.length + 2) : e,
    );
  return e;
}
