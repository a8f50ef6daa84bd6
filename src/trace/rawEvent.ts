/**
 * Raw field values -> TraceEvent: the events a reader gets as numbers rather than text (a
 * trace.dat's records, trace-cmd report -N's `[FAILED TO PARSE] gfn=16 role=14084 ...`) become
 * the very objects the text parser makes of the printed line. The table is rawDecoders.ts; the
 * release decides what the print fmt computes differently (rawContextOf).
 *
 * A release between two modelled versions comes as the lower one (KernelVersion): 7.2 as 6.15,
 * whose role word is the 3-bit-access layout, though 7.2's is the 4-bit one. The .dat reader
 * reads those differences from the file's own print fmts instead (dat/formatContext.ts).
 */
import type { KernelVersion } from '../model/kernelVersions';
import { builtInExitReasons } from './exitReasons';
import { atLeast } from './formatPieces';
import { ROLE_FROM_7_2, ROLE_UP_TO_7_1 } from './kernelRole';
import {
  ARGUMENT_CHANGES,
  EVENT_FORMATS,
  ROLE_ACCESS_STR,
  type TraceEvent,
  type TraceEventName,
} from './mmutraceFormats';
import { RAW_DECODERS, type RawContext, type RawView } from './rawDecoders';

export type RawValue = number | bigint; // number when it fits in 53 bits
export type RawFields = Readonly<Record<string, RawValue>>;

/** Release `kernel` is `release` or later ("current" is later than all). */
export function kernelAtLeast(kernel: KernelVersion, release: string): boolean {
  return kernel === 'current' || atLeast(kernel, release);
}

/**
 * RET_PF_WRITE_PROTECTED, added before RET_PF_INVALID (an August 2024 series, merged for 6.12),
 * moved RET_PF_FIXED and RET_PF_SPURIOUS up by one: 6.1's format files test ret == 5 and 4,
 * 6.12's ret == 6 and 5.
 */
const RET_PF_SHIFTED = '6.12';

const contexts = new Map<KernelVersion, RawContext>();

/** How release `kernel`'s print fmts turn the fields into text. */
export function rawContextOf(kernel: KernelVersion): RawContext {
  let c = contexts.get(kernel);
  if (c === undefined) {
    const shifted = kernelAtLeast(kernel, RET_PF_SHIFTED);
    c = {
      role: kernelAtLeast(kernel, ROLE_ACCESS_STR[1]!.since) ? ROLE_FROM_7_2 : ROLE_UP_TO_7_1,
      retSpurious: shifted ? 6 : 5,
      retFixed: shifted ? 5 : 4,
      setSpteNoUForMinusOne: !kernelAtLeast(kernel, ARGUMENT_CHANGES.setSpteUWithoutMinusOne),
      exitReasons: builtInExitReasons(kernelAtLeast(kernel, '7.3')),
    };
    contexts.set(kernel, c);
  }
  return c;
}

const TWO_32 = 2 ** 32;
const TWO_53 = 2 ** 53;

/** RawFields seen through RawView: fields by the decoder's positions, values split on demand. */
class FieldsView implements RawView {
  raw: RawFields = {};
  names: readonly string[] = [];

  private value(i: number): RawValue | undefined {
    return this.raw[this.names[i]!];
  }
  num(i: number): number {
    const v = this.value(i) ?? 0;
    if (typeof v === 'number') return Math.abs(v) < TWO_53 ? v : NaN;
    return v > -BigInt(TWO_53) && v < BigInt(TWO_53) ? Number(v) : NaN;
  }
  hi(i: number): number {
    const v = this.value(i) ?? 0;
    if (typeof v === 'number') return Math.floor(v / TWO_32) >>> 0;
    return Number(BigInt.asUintN(64, v) >> 32n);
  }
  lo(i: number): number {
    const v = this.value(i) ?? 0;
    if (typeof v === 'number') return v >>> 0;
    return Number(BigInt.asUintN(32, v));
  }
  has(i: number): boolean {
    return this.value(i) !== undefined;
  }
}

const view = new FieldsView();
const NAMES = new Map<string, readonly string[]>(
  Object.entries(RAW_DECODERS).map(([n, d]) => [n, d.fields.map((f) => f.name)]),
);

/** The event as the text parser would give it, or a message saying why not (null: not an event we read). */
export function traceEventOfRaw(
  name: string,
  raw: RawFields,
  head: { line: number; ts: number; cpu: number; pid: number },
  kernel: KernelVersion,
): TraceEvent | string | null {
  if (!Object.hasOwn(EVENT_FORMATS, name)) return null;
  const d = RAW_DECODERS[name as TraceEventName];
  for (const f of d.fields)
    if (!f.optional && raw[f.name] === undefined) return `${name}: no field ${f.name}`;
  view.raw = raw;
  view.names = NAMES.get(name)!;
  return d.decode(view, head, rawContextOf(kernel)) as TraceEvent | string;
}
