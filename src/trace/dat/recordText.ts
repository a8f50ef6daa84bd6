/**
 * A record as one line of text, for a step view to show (a trace.dat has no lines of its own):
 *   TASK-PID [CPU] SECONDS: NAME: field=value field=value ...
 * with every field of the file's format but the common_* ones, in the format's order: 8-byte
 * values in hex ("0x..."), others in decimal (signed ones as signed), strings (char arrays,
 * __data_loc strings) as text, on one line. TASK is saved_cmdlines' name of the PID, "<...>" when it has none
 * (as trace-cmd report prints it); SECONDS has all nine digits the file keeps.
 */
import type { EventFormat, FormatField } from './formats';

const utf8 = new TextDecoder();

function stringAt(bytes: Uint8Array, start: number, end: number): string {
  let e = start;
  while (e < end && bytes[e] !== 0) e++;
  // One line: trace_marker's closing newline dropped, any other shown as \n.
  return utf8.decode(bytes.subarray(start, e)).replace(/\n$/, '').replace(/\n/g, '\\n');
}

function value(
  f: FormatField,
  dv: DataView,
  bytes: Uint8Array,
  base: number,
  length: number,
  le: boolean,
): string {
  const o = base + f.offset;
  const end = base + length;
  if (f.type.startsWith('__data_loc') || f.type.startsWith('__rel_loc')) {
    if (o + 4 > end) return '?';
    const loc = dv.getUint32(o, le);
    const at = (f.type.startsWith('__rel_loc') ? o + 4 : base) + (loc & 0xffff);
    return stringAt(bytes, Math.min(at, end), Math.min(at + (loc >>> 16), end));
  }
  if (f.type.endsWith('[]') || f.size === 0 || f.size > 8) {
    if (f.type.startsWith('char'))
      return stringAt(bytes, o, f.size === 0 ? end : Math.min(o + f.size, end));
    return `[${f.size} bytes]`;
  }
  if (o + f.size > end) return '?';
  switch (f.size) {
    case 1:
      return String(f.signed ? dv.getInt8(o) : dv.getUint8(o));
    case 2:
      return String(f.signed ? dv.getInt16(o, le) : dv.getUint16(o, le));
    case 4:
      return String(f.signed ? dv.getInt32(o, le) : dv.getUint32(o, le));
    case 8: {
      const v = le ? dv.getBigUint64(o, true) : dv.getBigUint64(o, false);
      return '0x' + v.toString(16);
    }
    default:
      return '?';
  }
}

export function recordText(
  format: EventFormat,
  task: string,
  pid: number,
  cpu: number,
  tsHi: number,
  tsLo: number,
  dv: DataView,
  bytes: Uint8Array,
  base: number,
  length: number,
  le: boolean,
): string {
  const ns = (BigInt(tsHi) << 32n) | BigInt(tsLo);
  const secs = `${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`;
  const fields = format
    .fields()
    .filter((f) => !f.name.startsWith('common_'))
    .map((f) => `${f.name}=${value(f, dv, bytes, base, length, le)}`);
  return `${task}-${pid} [${String(cpu).padStart(3, '0')}] ${secs}: ${format.name}: ${fields.join(' ')}`;
}
