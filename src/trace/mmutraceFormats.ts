/**
 * Every event the parser reads, as its kernel prints it: arch/x86/kvm/mmu/mmutrace.h (the
 * kvmmmu system) plus kvm_exit and kvm_page_fault from arch/x86/kvm/trace.h. One entry per event,
 * written as the `print fmt` of its format file; property names follow the format's fields
 * (camelCase), role bits follow union kvm_mmu_page_role as src/model/mmuPageRole.ts names them.
 *
 * One table serves 6.1, 6.12, 6.18 and 7.3; where they differ, it says from which release:
 * - fields added at the end of a line are `since` groups (kvm_exit's requests from 6.14,
 *   kvm_mmu_spte_requested's access from 7.3): an older kernel's line ends before them, and the
 *   record then has no such properties;
 * - fast_page_fault's error_code is a u32 in 6.1 and a u64 from 6.12 (bits 32+ then print as hex,
 *   "P|W|U|0x100000000"); PK, SS and SGX have names from 6.18 (PFERR_SINCE), hex before;
 * - the role's access is 3 letters before 7.2 and 4 from 7.2 (ROLE_ACCESS_STR), and
 *   kvm_mmu_set_spte's u letter changed in 7.3 (ARGUMENT_CHANGES): same print fmt string, other
 *   arguments;
 * - 6.1 prints spurious/fixed for ret == 5 / 4, 6.12 for 6 / 5: the text says 0 or 1 either way.
 * test/traces/formats/ holds each kernel's format files, and the tests rebuild every print fmt
 * from this table for each kernel and compare.
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
  since,
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
 * Names older kernels print as hex: 843af0f2e461 ("KVM: x86/mmu: Pretty print PK, SS, and SGX
 * flags in MMU tracepoints", 6.18). The parser reads both forms.
 */
export const PFERR_SINCE: Readonly<Record<string, string>> = {
  PK: '6.18',
  SS: '6.18',
  SGX: '6.18',
};

/**
 * KVM_MMU_PAGE_PRINTK's access_str[], indexed by role.access, from the release that first prints
 * it. 7.2 widened role.access to 4 bits with ACC_READ_MASK (a8827c196146, "KVM: x86/mmu:
 * introduce ACC_READ_MASK", the MBEC/GMET series), renumbering ACC_EXEC_MASK to 8. The scanner
 * reads the letters, not the index, so both give the model's 3-bit `access`.
 */
export const ROLE_ACCESS_STR: readonly { since: string; str: readonly string[] }[] = [
  { since: '', str: ['---', '--x', 'w--', 'w-x', '-u-', '-ux', 'wu-', 'wux'] },
  {
    since: '7.2',
    // Eight a line, as the index's bits go (bit 3, exec, splits them).
    // prettier-ignore
    str: [
      '----', 'r---', '-w--', 'rw--', '--u-', 'r-u-', '-wu-', 'rwu-',
      '---x', 'r--x', '-w-x', 'rw-x', '--ux', 'r-ux', '-wux', 'rwux',
    ],
  },
];

/** Where the text changed while the print fmt string did not: the first release of the new form. */
export const ARGUMENT_CHANGES = {
  /**
   * kvm_mmu_set_spte's u letter: up to 6.18 `REC->u == -1 ? "" : ...`, no letter without a user
   * bit (EPT); 7.3 prints `REC->u ? "u" : "-"`, so EPT SPTEs show "u". First seen in 7.3's format
   * files (6.18 has the old form); commit not found.
   */
  setSpteUWithoutMinusOne: '7.3',
} as const;

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
  // pfn is 64-bit: an MMIO fault maps KVM_PFN_NOSLOT (bit 63) when MMIO caching is on. access
  // is the kernel's own ACC_* number (7.3: READ 1, WRITE 2, USER 4, EXEC 8), kept as printed;
  // first seen in 7.3 (6.18 has no such field), commit not found.
  kvm_mmu_spte_requested: fmt`gfn ${hex53('gfn')} pfn ${hex64('pfn')} level ${dec(
    'level',
    '%d',
  )}${since('7.3', fmt` access ${hex('access')}`)}`,
  kvm_tdp_mmu_spte_changed: fmt`as id ${dec('asId', '%d')} gfn ${hex53('gfn')} level ${dec(
    'level',
    '%d',
  )} old_spte ${hex64('oldSpte')} new_spte ${hex64('newSpte')}`,
  kvm_mmu_split_huge_page: fmt`gfn ${hex53('gfn')} spte ${hex64('spte')} level ${dec(
    'level',
    '%d',
  )} errno ${sdec('errno')}`,
  // The reason is __print_symbolic text ("npf", "PF excp", "EXCEPTION_NMI FAILED_VMENTRY", or
  // 0x%lx for an unknown code): anything up to " rip 0x". requests (vcpu->requests) from 6.14:
  // 0e77b324110c, "KVM: x86: Add information about pending requests to kvm_exit tracepoint".
  kvm_exit: fmt`vcpu ${dec('vcpuId')} reason ${until('reason', '%s%s%s', ' rip 0x')} rip 0x${hex64(
    'guestRip',
    '%lx',
  )} info1 0x${hex64('info1', '%016llx')} info2 0x${hex64('info2', '%016llx')} intr_info 0x${hex(
    'intrInfo',
    '%08x',
  )} error_code 0x${hex('errorCode', '%08x')}${since(
    '6.14',
    fmt` requests 0x${hex64('requests', '%016llx')}`,
  )}`,
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
  /**
   * Properties the line did not print, whose values here are placeholders (NaN, false): set only
   * for trace-cmd report's kvm plugin lines (pluginLines.ts), which leave out mmu_valid_gen,
   * ad_disabled and, on the zap and sync events, the gfn.
   */
  unprinted?: readonly string[];
}

export type TraceEventOf<N extends TraceEventName> = Simplify<
  TraceEventHead<N> & FieldsOf<(typeof EVENT_FORMATS)[N]>
>;

/** One parsed event; `event` tells which. */
export type TraceEvent = { [N in TraceEventName]: TraceEventOf<N> }[TraceEventName];
