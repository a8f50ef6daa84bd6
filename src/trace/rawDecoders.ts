/**
 * Each event of EVENT_FORMATS from its record's raw fields, as its print fmt turns them into
 * text: the same properties, in the same order and with the same values the text parser gives
 * (scanFields.ts reading mmutraceFormats.ts), so a record and its printed line are one event.
 *
 * Fields are named as the kernel's format files name them (test/traces/formats/) and read by
 * position in `fields`, so that a trace.dat decodes a record straight from its bytes (dat/) and a
 * report's `name=value` list through rawEvent.ts, both through this one table. `sizes` are the
 * byte sizes each field has had from 6.1 to 7.3; a format that gives another is refused by the
 * .dat reader, naming the field.
 *
 * Every event is one object literal with its properties written out (not spread from the head:
 * a spread costs a third of a record's decoding), so each event type has one shape.
 *
 * What the print fmt computes from several fields is computed here the same way: kvm_mmu_set_spte's
 * w is spte bit 1, check_mmio_spte's valid is kvm_gen == spte_gen, fast_page_fault's spurious and
 * fixed are ret == RET_PF_SPURIOUS / RET_PF_FIXED (RawContext), kvm_exit's reason is the symbolic
 * name (exitReasons.ts), and the page events split role.word (kernelRole.ts).
 */
import type { ExitReasonTables } from './exitReasons';
import { exitReasonText } from './exitReasons';
import {
  accessRead,
  modelAccess,
  ROLE_DIRECT,
  ROLE_HAS_4_BYTE_GPTE,
  ROLE_LEVEL_MASK,
  ROLE_QUADRANT_SHIFT,
  type RoleLayout,
} from './kernelRole';
import type { TraceEventName, TraceEventOf } from './mmutraceFormats';
import { u64Hex } from './u64';

/** A record's fields, by their position in the decoder's `fields`. */
export interface RawView {
  /** The value as an exact number (negative for a signed field), NaN when it is 2^53 or more. */
  num(i: number): number;
  /** Bits 32-63 as a uint32. */
  hi(i: number): number;
  /** Bits 0-31 as a uint32. */
  lo(i: number): number;
  /** Whether the record has the field (a `since` field an older kernel lacks). */
  has(i: number): boolean;
}

export interface FieldNeed {
  readonly name: string;
  /** The sizes in bytes the field has had. */
  readonly sizes: readonly number[];
  /** Added by a later release (kvm_exit's requests, 6.14): an older record lacks it. */
  readonly optional: boolean;
}

/** Where and when, as TraceEventHead has it. */
export interface RawHead {
  line: number;
  ts: number;
  cpu: number;
  pid: number;
}

/** What a release's print fmts compute differently from the same fields. */
export interface RawContext {
  readonly role: RoleLayout;
  /** fast_page_fault prints `spurious %d fixed %d` of ret == these (6.1: 5 and 4; 6.12: 6 and 5). */
  readonly retSpurious: number;
  readonly retFixed: number;
  /** kvm_mmu_set_spte prints no u letter for u == -1 (up to 6.18; 7.3 prints "u"). */
  readonly setSpteNoUForMinusOne: boolean;
  readonly exitReasons: ExitReasonTables;
}

export interface RawDecoder<N extends TraceEventName = TraceEventName> {
  readonly fields: readonly FieldNeed[];
  /** The event, or why the fields cannot be it. */
  decode(v: RawView, h: RawHead, c: RawContext): TraceEventOf<N> | string;
}

const need = (name: string, ...sizes: number[]): FieldNeed => ({ name, sizes, optional: false });
const later = (name: string, ...sizes: number[]): FieldNeed => ({ name, sizes, optional: true });
/** A pointer or unsigned long: 4 bytes on a 32-bit kernel. */
const PTR = [4, 8];

/** A field the text prints as %llx of a value below 2^53 (gfn, gpa, at): a message past it. */
function tooBig(event: string, field: string, v: RawView, i: number): string {
  return `${event}: ${field} 0x${u64Hex(v.hi(i), v.lo(i))} is 2^53 or more, which the reader does not hold in a number`;
}

const PAGE_FIELDS = [
  need('mmu_valid_gen', 1),
  need('gfn', 8),
  need('role', 4),
  need('root_count', 4),
  need('unsync', 1),
];

type PageEvent =
  'kvm_mmu_get_page' | 'kvm_mmu_sync_page' | 'kvm_mmu_unsync_page' | 'kvm_mmu_prepare_zap_page';

/** KVM_MMU_PAGE_PRINTK: the page's fields and its role word, split as the release lays it out. */
function pageEvent<N extends PageEvent>(event: N, created: boolean): RawDecoder<N> {
  return {
    fields: created ? [...PAGE_FIELDS, need('created', 1)] : PAGE_FIELDS,
    decode(v, h, c) {
      const gfn = v.num(1);
      if (gfn !== gfn) return tooBig(event, 'gfn', v, 1);
      const word = v.lo(2);
      const r: Record<string, unknown> = {
        event,
        line: h.line,
        ts: h.ts,
        cpu: h.cpu,
        pid: h.pid,
        mmuValidGen: v.num(0),
        gfn,
        level: word & ROLE_LEVEL_MASK,
        has4ByteGpte: (word & ROLE_HAS_4_BYTE_GPTE) !== 0,
        quadrant: (word >>> ROLE_QUADRANT_SHIFT) & 3,
        direct: (word & ROLE_DIRECT) !== 0,
        access: modelAccess(word, c.role),
      };
      // The 4-letter access string (7.2+) says the read bit; the 3-letter one has none.
      if (c.role.access4) r.accessRead = accessRead(word, c.role);
      r.invalid = ((word >>> c.role.invalid) & 1) === 1;
      r.eferNx = ((word >>> c.role.eferNx) & 1) === 1;
      r.adDisabled = ((word >>> c.role.adDisabled) & 1) === 1;
      r.rootCount = v.num(3);
      r.unsync = v.num(4) !== 0;
      if (created) r.created = v.num(5) !== 0;
      return r as unknown as TraceEventOf<N>;
    },
  };
}

type Decoders = { readonly [N in TraceEventName]: RawDecoder<N> };

export const RAW_DECODERS: Decoders = {
  kvm_mmu_pagetable_walk: {
    fields: [need('addr', 8), need('pferr', 4)],
    decode: (v, h) => ({
      event: 'kvm_mmu_pagetable_walk',
      line: h.line,
      ts: h.ts,
      cpu: h.cpu,
      pid: h.pid,
      addrHi: v.hi(0),
      addrLo: v.lo(0),
      pferr: v.num(1),
    }),
  },
  kvm_mmu_paging_element: {
    fields: [need('pte', 8), need('level', 4)],
    decode: (v, h) => ({
      event: 'kvm_mmu_paging_element',
      line: h.line,
      ts: h.ts,
      cpu: h.cpu,
      pid: h.pid,
      pteHi: v.hi(0),
      pteLo: v.lo(0),
      level: v.num(1),
    }),
  },
  kvm_mmu_set_accessed_bit: gpaEvent('kvm_mmu_set_accessed_bit'),
  kvm_mmu_set_dirty_bit: gpaEvent('kvm_mmu_set_dirty_bit'),
  kvm_mmu_walker_error: {
    fields: [need('pferr', 4)],
    decode: (v, h) => ({
      event: 'kvm_mmu_walker_error',
      line: h.line,
      ts: h.ts,
      cpu: h.cpu,
      pid: h.pid,
      pferr: v.num(0),
    }),
  },
  kvm_mmu_get_page: pageEvent('kvm_mmu_get_page', true),
  kvm_mmu_sync_page: pageEvent('kvm_mmu_sync_page', false),
  kvm_mmu_unsync_page: pageEvent('kvm_mmu_unsync_page', false),
  kvm_mmu_prepare_zap_page: pageEvent('kvm_mmu_prepare_zap_page', false),
  mark_mmio_spte: {
    fields: [need('sptep', ...PTR), need('gfn', 8), need('access', 4), need('gen', 4)],
    decode(v, h) {
      const gfn = v.num(1);
      if (gfn !== gfn) return tooBig('mark_mmio_spte', 'gfn', v, 1);
      // The record has the pointer itself; the text prints its hash (%p).
      return {
        event: 'mark_mmio_spte',
        line: h.line,
        ts: h.ts,
        cpu: h.cpu,
        pid: h.pid,
        sptepHi: v.hi(0),
        sptepLo: v.lo(0),
        gfn,
        access: v.num(2),
        gen: v.num(3),
      };
    },
  },
  handle_mmio_page_fault: {
    fields: [need('addr', 8), need('gfn', 8), need('access', 4)],
    decode(v, h) {
      const gfn = v.num(1);
      if (gfn !== gfn) return tooBig('handle_mmio_page_fault', 'gfn', v, 1);
      return {
        event: 'handle_mmio_page_fault',
        line: h.line,
        ts: h.ts,
        cpu: h.cpu,
        pid: h.pid,
        addrHi: v.hi(0),
        addrLo: v.lo(0),
        gfn,
        access: v.num(2),
      };
    },
  },
  fast_page_fault: {
    fields: [
      need('vcpu_id', 4),
      need('cr2_or_gpa', 8),
      need('error_code', 4, 8), // u32 in 6.1, u64 from 6.12
      need('sptep', ...PTR),
      need('old_spte', 8),
      need('new_spte', 8),
      need('ret', 4),
    ],
    decode(v, h, c) {
      const errorCode = v.num(2);
      if (errorCode !== errorCode) return tooBig('fast_page_fault', 'error_code', v, 2);
      const ret = v.num(6);
      return {
        event: 'fast_page_fault',
        line: h.line,
        ts: h.ts,
        cpu: h.cpu,
        pid: h.pid,
        vcpuId: v.num(0),
        cr2OrGpaHi: v.hi(1),
        cr2OrGpaLo: v.lo(1),
        errorCode,
        sptepHi: v.hi(3),
        sptepLo: v.lo(3),
        oldSpteHi: v.hi(4),
        oldSpteLo: v.lo(4),
        newSpteHi: v.hi(5),
        newSpteLo: v.lo(5),
        spurious: ret === c.retSpurious,
        fixed: ret === c.retFixed,
      };
    },
  },
  kvm_mmu_zap_all_fast: {
    fields: [need('mmu_valid_gen', 1), need('mmu_used_pages', 4)],
    decode: (v, h) => ({
      event: 'kvm_mmu_zap_all_fast',
      line: h.line,
      ts: h.ts,
      cpu: h.cpu,
      pid: h.pid,
      mmuValidGen: v.num(0),
      mmuUsedPages: v.num(1),
    }),
  },
  check_mmio_spte: {
    fields: [need('kvm_gen', 4), need('spte_gen', 4), need('spte', 8)],
    decode: (v, h) => ({
      event: 'check_mmio_spte',
      line: h.line,
      ts: h.ts,
      cpu: h.cpu,
      pid: h.pid,
      spteHi: v.hi(2),
      spteLo: v.lo(2),
      kvmGen: v.num(0),
      spteGen: v.num(1),
      valid: v.num(0) === v.num(1),
    }),
  },
  kvm_mmu_set_spte: {
    fields: [
      need('gfn', 8),
      need('spte', 8),
      need('sptep', 8), // virt_to_phys(sptep): printed as `at`
      need('level', 1),
      need('r', 1),
      need('x', 1),
      need('u', 1),
    ],
    decode(v, h, c) {
      const gfn = v.num(0);
      if (gfn !== gfn) return tooBig('kvm_mmu_set_spte', 'gfn', v, 0);
      const at = v.num(2);
      if (at !== at) return tooBig('kvm_mmu_set_spte', 'sptep', v, 2);
      const spteLo = v.lo(1);
      const u = v.num(6);
      return {
        event: 'kvm_mmu_set_spte',
        line: h.line,
        ts: h.ts,
        cpu: h.cpu,
        pid: h.pid,
        gfn,
        spteHi: v.hi(1),
        spteLo,
        r: v.num(4) !== 0,
        w: (spteLo & 2) !== 0,
        x: v.num(5) !== 0,
        u: u === -1 && c.setSpteNoUForMinusOne ? null : u !== 0,
        level: v.num(3),
        at,
      };
    },
  },
  kvm_mmu_spte_requested: {
    fields: [need('gfn', 8), need('pfn', 8), need('level', 1), later('access', 1)],
    decode(v, h) {
      const gfn = v.num(0);
      if (gfn !== gfn) return tooBig('kvm_mmu_spte_requested', 'gfn', v, 0);
      const e: TraceEventOf<'kvm_mmu_spte_requested'> = {
        event: 'kvm_mmu_spte_requested',
        line: h.line,
        ts: h.ts,
        cpu: h.cpu,
        pid: h.pid,
        gfn,
        pfnHi: v.hi(1),
        pfnLo: v.lo(1),
        level: v.num(2),
      };
      if (v.has(3)) e.access = v.num(3);
      return e;
    },
  },
  kvm_tdp_mmu_spte_changed: {
    fields: [
      need('gfn', 8),
      need('old_spte', 8),
      need('new_spte', 8),
      need('level', 1),
      need('as_id', 1),
    ],
    decode(v, h) {
      const gfn = v.num(0);
      if (gfn !== gfn) return tooBig('kvm_tdp_mmu_spte_changed', 'gfn', v, 0);
      return {
        event: 'kvm_tdp_mmu_spte_changed',
        line: h.line,
        ts: h.ts,
        cpu: h.cpu,
        pid: h.pid,
        asId: v.num(4),
        gfn,
        level: v.num(3),
        oldSpteHi: v.hi(1),
        oldSpteLo: v.lo(1),
        newSpteHi: v.hi(2),
        newSpteLo: v.lo(2),
      };
    },
  },
  kvm_mmu_split_huge_page: {
    fields: [need('gfn', 8), need('spte', 8), need('level', 4), need('errno', 4)],
    decode(v, h) {
      const gfn = v.num(0);
      if (gfn !== gfn) return tooBig('kvm_mmu_split_huge_page', 'gfn', v, 0);
      return {
        event: 'kvm_mmu_split_huge_page',
        line: h.line,
        ts: h.ts,
        cpu: h.cpu,
        pid: h.pid,
        gfn,
        spteHi: v.hi(1),
        spteLo: v.lo(1),
        level: v.num(2),
        errno: v.num(3),
      };
    },
  },
  kvm_exit: {
    fields: [
      need('exit_reason', 4),
      need('guest_rip', ...PTR),
      need('isa', 4),
      need('info1', 8),
      need('info2', 8),
      need('intr_info', 4),
      need('error_code', 4),
      need('vcpu_id', 4),
      later('requests', 8), // 6.14+
    ],
    decode(v, h, c) {
      const e: TraceEventOf<'kvm_exit'> = {
        event: 'kvm_exit',
        line: h.line,
        ts: h.ts,
        cpu: h.cpu,
        pid: h.pid,
        vcpuId: v.num(7),
        reason: exitReasonText(v.lo(0), v.num(2), c.exitReasons),
        guestRipHi: v.hi(1),
        guestRipLo: v.lo(1),
        info1Hi: v.hi(3),
        info1Lo: v.lo(3),
        info2Hi: v.hi(4),
        info2Lo: v.lo(4),
        intrInfo: v.num(5),
        errorCode: v.num(6),
      };
      if (v.has(8)) {
        e.requestsHi = v.hi(8);
        e.requestsLo = v.lo(8);
      }
      return e;
    },
  },
  kvm_page_fault: {
    fields: [
      need('vcpu_id', 4),
      need('guest_rip', ...PTR),
      need('fault_address', 8),
      need('error_code', 8),
    ],
    decode(v, h) {
      const errorCode = v.num(3);
      if (errorCode !== errorCode) return tooBig('kvm_page_fault', 'error_code', v, 3);
      return {
        event: 'kvm_page_fault',
        line: h.line,
        ts: h.ts,
        cpu: h.cpu,
        pid: h.pid,
        vcpuId: v.num(0),
        guestRipHi: v.hi(1),
        guestRipLo: v.lo(1),
        faultAddressHi: v.hi(2),
        faultAddressLo: v.lo(2),
        errorCode,
      };
    },
  },
};

function gpaEvent<N extends 'kvm_mmu_set_accessed_bit' | 'kvm_mmu_set_dirty_bit'>(
  event: N,
): RawDecoder<N> {
  return {
    fields: [need('gpa', 8)],
    decode(v, h) {
      const gpa = v.num(0);
      if (gpa !== gpa) return tooBig(event, 'gpa', v, 0);
      return { event, line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, gpa } as TraceEventOf<N>;
    },
  };
}
