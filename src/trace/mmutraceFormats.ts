/**
 * Every event the parser reads, as its kernel prints it: arch/x86/kvm/mmu/mmutrace.h (the
 * kvmmmu system) plus kvm_exit and kvm_page_fault from arch/x86/kvm/trace.h. One entry per event,
 * written as the `print fmt` of its format file; property names follow the format's fields
 * (camelCase), role bits follow union kvm_mmu_page_role as src/model/mmuPageRole.ts names them.
 *
 * One table serves 6.1, 6.12 and 6.18: where they differ the text still parses the same way.
 * fast_page_fault's error_code is a u32 in 6.1 and a u64 from 6.12 (bits 32+ then print as hex,
 * "P|W|U|0x100000000"); 6.18 names three more PFERR bits (PK, SS, SGX) that older kernels print
 * as hex; 6.1 prints spurious/fixed for ret == 5 / 4, 6.12 for 6 / 5 — the text says 0 or 1 either
 * way. test/traces/formats/ holds each kernel's format files, and the tests rebuild every print
 * fmt from this table and compare.
 */
import {
  access,
  bang,
  bit,
  dec,
  fmt,
  hex,
  hex53,
  hex64,
  oneOf,
  opt,
  pferrFlags,
  ptr,
  sdec,
  spteAccess,
  until,
  type EventFormat,
  type FieldsOf,
  type Simplify,
} from './formatPieces';

/** The PFERR_* bits __print_flags names (kvm_mmu_trace_pferr_flags), in 6.18's order. */
export const PFERR_FLAGS: readonly (readonly [string, number])[] = [
  ['P', 1 << 0],
  ['W', 1 << 1],
  ['U', 1 << 2],
  ['PK', 1 << 5],
  ['SS', 1 << 6],
  ['SGX', 1 << 15],
  ['RSVD', 1 << 3],
  ['F', 1 << 4],
];

/**
 * KVM_MMU_PAGE_PRINTK: "sp gen %u gfn %llx l%u %u-byte q%u%s %s%s %snxe %sad root %u %s%c". The
 * closing %c prints a NUL that ends the string, so nothing follows it in the text.
 */
const KVM_MMU_PAGE = fmt`sp gen ${dec('mmuValidGen')} gfn ${hex53('gfn')} l${dec('level')} ${oneOf(
  'has4ByteGpte',
  '%u-byte',
  { '4-byte': true, '8-byte': false },
)} q${dec('quadrant')}${opt('direct', ' direct')} ${access('access')}${opt(
  'invalid',
  ' invalid',
)} ${bang('eferNx', 'nxe', true)} ${bang('adDisabled', 'ad', false)} root ${dec('rootCount')} ${oneOf(
  'unsync',
  '%s',
  { sync: false, unsync: true },
)}`;

export const EVENT_FORMATS = {
  kvm_mmu_pagetable_walk: fmt`addr ${hex64('addr')} pferr ${hex('pferr')} ${pferrFlags('pferr')}`,
  kvm_mmu_paging_element: fmt`pte ${hex64('pte')} level ${dec('level')}`,
  kvm_mmu_set_accessed_bit: fmt`gpa ${hex53('gpa')}`,
  kvm_mmu_set_dirty_bit: fmt`gpa ${hex53('gpa')}`,
  kvm_mmu_walker_error: fmt`pferr ${hex('pferr')} ${pferrFlags('pferr')}`,
  kvm_mmu_get_page: fmt`${KVM_MMU_PAGE} ${oneOf('created', '%s', { new: true, existing: false })}`,
  kvm_mmu_sync_page: KVM_MMU_PAGE,
  kvm_mmu_unsync_page: KVM_MMU_PAGE,
  kvm_mmu_prepare_zap_page: KVM_MMU_PAGE,
  // sptep is a hashed %p here, unlike kvm_mmu_set_spte's physical `at`.
  mark_mmio_spte: fmt`sptep:${ptr('sptep')} gfn ${hex53('gfn')} access ${hex('access')} gen ${hex('gen')}`,
  handle_mmio_page_fault: fmt`addr:${hex64('addr')} gfn ${hex53('gfn')} access ${hex('access')}`,
  // cr2_or_gpa prints as "gva"; error_code has no number of its own, only the flag names.
  fast_page_fault: fmt`vcpu ${dec('vcpuId', '%d')} gva ${hex64('cr2OrGpa')} error_code ${pferrFlags(
    'errorCode',
  )} sptep ${ptr('sptep')} old ${hex64('oldSpte', '%#llx')} new ${hex64('newSpte')} spurious ${bit(
    'spurious',
  )} fixed ${bit('fixed')}`,
  // used_pages is n_used_mmu_pages, printed in hex.
  kvm_mmu_zap_all_fast: fmt`kvm-mmu-valid-gen ${dec('mmuValidGen')} used_pages ${hex('mmuUsedPages')}`,
  check_mmio_spte: fmt`spte ${hex64('spte')} kvm_gen ${hex('kvmGen')} spte-gen ${hex('spteGen')} valid ${bit('valid')}`,
  // `at` is virt_to_phys(sptep): the shadow page's frame and the entry's index, below 2^52.
  kvm_mmu_set_spte: fmt`gfn ${hex53('gfn')} spte ${hex64('spte')} (${spteAccess()}) level ${dec(
    'level',
    '%d',
  )} at ${hex53('at')}`,
  // pfn is 64-bit: an MMIO fault maps KVM_PFN_NOSLOT (bit 63) when MMIO caching is on.
  kvm_mmu_spte_requested: fmt`gfn ${hex53('gfn')} pfn ${hex64('pfn')} level ${dec('level', '%d')}`,
  kvm_tdp_mmu_spte_changed: fmt`as id ${dec('asId', '%d')} gfn ${hex53('gfn')} level ${dec(
    'level',
    '%d',
  )} old_spte ${hex64('oldSpte')} new_spte ${hex64('newSpte')}`,
  kvm_mmu_split_huge_page: fmt`gfn ${hex53('gfn')} spte ${hex64('spte')} level ${dec(
    'level',
    '%d',
  )} errno ${sdec('errno')}`,
  // The reason is __print_symbolic text ("npf", "PF excp", "EXCEPTION_NMI FAILED_VMENTRY", or
  // 0x%lx for an unknown code): anything up to " rip 0x".
  kvm_exit: fmt`vcpu ${dec('vcpuId')} reason ${until('reason', '%s%s%s', ' rip 0x')} rip 0x${hex64(
    'guestRip',
    '%lx',
  )} info1 0x${hex64('info1', '%016llx')} info2 0x${hex64('info2', '%016llx')} intr_info 0x${hex(
    'intrInfo',
    '%08x',
  )} error_code 0x${hex('errorCode', '%08x')}`,
  // error_code holds PFERR bits up to 49 (PFERR_PRIVATE_ACCESS): below 2^53.
  kvm_page_fault: fmt`vcpu ${dec('vcpuId')} rip 0x${hex64('guestRip', '%lx')} address 0x${hex64(
    'faultAddress',
    '%016llx',
  )} error_code 0x${hex53('errorCode')}`,
} satisfies Record<string, EventFormat>;

export type TraceEventName = keyof typeof EVENT_FORMATS;

/** Where and when: every event record starts with these. */
export interface TraceEventHead<N extends TraceEventName = TraceEventName> {
  event: N;
  /** 1-based line of the trace text. */
  line: number;
  /** Seconds, as the trace clock printed it. */
  ts: number;
  cpu: number;
  pid: number;
}

export type TraceEventOf<N extends TraceEventName> = Simplify<
  TraceEventHead<N> & FieldsOf<(typeof EVENT_FORMATS)[N]>
>;

/** One parsed event; `event` tells which. */
export type TraceEvent = { [N in TraceEventName]: TraceEventOf<N> }[TraceEventName];
