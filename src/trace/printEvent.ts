/**
 * A TraceEvent printed back as its kernel prints it: the line's "EVENT: FIELDS" part, rebuilt from
 * the event table's pieces (mmutraceFormats.ts), the inverse of the field scanner. For events
 * that came as numbers (a trace.dat) where a reader wants the kernel's text: the import sniffs a
 * .dat's first MiB from it (sniffTrace reads text). Pointers (%p) print as the value the event
 * holds, which for a .dat is the pointer itself, not the text's hash.
 */
import type { KernelVersion } from '../model/kernelVersions';
import {
  ACCESS,
  BANG,
  BIT,
  DEC,
  FLAGS,
  HEX,
  HEX53,
  HEX64,
  LIT,
  ONE_OF,
  OPT,
  PTR,
  SDEC,
  SPTE_ACCESS,
  UNTIL,
  type Piece,
} from './formatPieces';
import { EVENT_FORMATS, PFERR_FLAGS, PFERR_SINCE, type TraceEvent } from './mmutraceFormats';
import { kernelAtLeast } from './rawEvent';
import { u64Hex } from './u64';

/** __print_flags over the PFERR_* names release `kernel` has: names joined by "|", then 0x%lx. */
function pferrText(v: number, kernel: KernelVersion): string {
  const parts: string[] = [];
  let left = v;
  for (const [name, bit] of PFERR_FLAGS) {
    const since = PFERR_SINCE[name];
    if (since !== undefined && !kernelAtLeast(kernel, since)) continue;
    if (Math.floor(left / bit) % 2 === 1) {
      parts.push(name);
      left -= bit;
    }
  }
  if (left !== 0) parts.push('0x' + left.toString(16));
  return parts.join('|');
}

function padded(hex: string, spec: string): string {
  const width = /^%0(\d+)/.exec(spec)?.[1];
  return width === undefined ? hex : hex.padStart(Number(width), '0');
}

function piece(p: Piece, r: Record<string, unknown>, kernel: KernelVersion): string {
  switch (p.k) {
    case LIT:
      return p.text;
    case HEX:
    case HEX53:
      return padded((r[p.name] as number).toString(16), p.spec);
    case HEX64: {
      const hex = u64Hex(r[p.nameHi] as number, r[p.nameLo] as number);
      if (p.alt) return hex === '0' ? '0' : '0x' + hex;
      return padded(hex, p.spec);
    }
    case PTR:
      return u64Hex(r[p.nameHi] as number, r[p.nameLo] as number).padStart(16, '0');
    case DEC:
    case SDEC:
      return String(r[p.name]);
    case BIT:
      return r[p.name] ? '1' : '0';
    case FLAGS:
      return pferrText(r[p.name] as number, kernel);
    case ACCESS: {
      const a = r[p.name] as number;
      const w = a & 2 ? 'w' : '-';
      const u = a & 4 ? 'u' : '-';
      const x = a & 1 ? 'x' : '-';
      const read = r[p.text] as boolean | undefined;
      return read === undefined ? w + u + x : (read ? 'r' : '-') + w + u + x;
    }
    case SPTE_ACCESS:
      return (
        (r.r ? 'r' : '-') +
        (r.w ? 'w' : '-') +
        (r.x ? 'x' : '-') +
        (r.u === null ? '' : r.u ? 'u' : '-')
      );
    case OPT:
      return r[p.name] ? p.text : '';
    case BANG:
      return ((p.invert ? !r[p.name] : r[p.name]) ? '!' : '') + p.text;
    case ONE_OF:
      return p.words[p.values.indexOf(r[p.name])] ?? '?';
    case UNTIL:
      return r[p.name] as string;
    default:
      return '';
  }
}

/** "kvm_mmu_get_page: sp gen 0 gfn 10 l4 8-byte q0 wux nxe ad root 0 sync new". */
export function kernelText(e: TraceEvent, kernel: KernelVersion): string {
  const r = e as unknown as Record<string, unknown>;
  const pieces = EVENT_FORMATS[e.event].pieces;
  let out = `${e.event}: `;
  let skip = false;
  pieces.forEach((p, i) => {
    // A group a later release added (kvm_exit's requests): printed when the event has it.
    if (p.opens) {
      const q = pieces.slice(i).find((x) => x.name !== '');
      skip = q !== undefined && r[q.k === HEX64 || q.k === PTR ? q.nameHi : q.name] === undefined;
    }
    if (!(skip && p.since !== '')) out += piece(p, r, kernel);
  });
  return out;
}
