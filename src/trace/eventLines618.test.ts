/**
 * One line of every event as Linux 6.18 prints it (test/traces/formats/linux-6.18), written by
 * the print fmt since no 6.18 run is stored. They reach the corners the real runs do not: a
 * 4-byte-gpte role with every optional word, a VMX exit reason of two words, guest virtual
 * addresses above 2^53, the PFERR names 6.18 adds (PK, SGX), %#llx of zero, EPT access bits
 * without a user letter, KVM_PFN_NOSLOT, a negative errno.
 */
import { describe, expect, it } from 'vitest';
import { EVENT_FORMATS } from './mmutraceFormats';
import { fieldsOf } from './testkit';

const H = '        qemu-kvm-3012    [003] d..1.  8123.000001: ';

const ROLE = {
  mmuValidGen: 1,
  gfn: 0x7f3c2,
  level: 1,
  has4ByteGpte: true,
  quadrant: 1,
  direct: false,
  access: 6,
  invalid: true,
  eferNx: false,
  adDisabled: true,
  rootCount: 2,
  unsync: true,
};
const ROLE_TEXT = 'sp gen 1 gfn 7f3c2 l1 4-byte q1 wu- invalid !nxe !ad root 2 unsync';

const CASES: [string, Record<string, unknown>][] = [
  [
    `kvm_mmu_get_page: ${ROLE_TEXT} existing`,
    { event: 'kvm_mmu_get_page', ...ROLE, created: false },
  ],
  [`kvm_mmu_sync_page: ${ROLE_TEXT}`, { event: 'kvm_mmu_sync_page', ...ROLE }],
  [`kvm_mmu_unsync_page: ${ROLE_TEXT}`, { event: 'kvm_mmu_unsync_page', ...ROLE }],
  [`kvm_mmu_prepare_zap_page: ${ROLE_TEXT}`, { event: 'kvm_mmu_prepare_zap_page', ...ROLE }],
  [
    'kvm_mmu_zap_all_fast: kvm-mmu-valid-gen 1 used_pages 1f4',
    { event: 'kvm_mmu_zap_all_fast', mmuValidGen: 1, mmuUsedPages: 500 },
  ],
  [
    'kvm_exit: vcpu 3 reason INVALID_STATE FAILED_VMENTRY rip 0xffffffff81c3a2b0 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x80000b0e error_code 0x00000002',
    {
      event: 'kvm_exit',
      vcpuId: 3,
      reason: 'INVALID_STATE FAILED_VMENTRY',
      guestRipHi: 0xffffffff,
      guestRipLo: 0x81c3a2b0,
      info1Hi: 0,
      info1Lo: 0,
      info2Hi: 0,
      info2Lo: 0,
      intrInfo: 0x80000b0e,
      errorCode: 2,
    },
  ],
  [
    'kvm_page_fault: vcpu 3 rip 0xffffffff81c3a2b0 address 0x00000001fee00000 error_code 0x181',
    {
      event: 'kvm_page_fault',
      vcpuId: 3,
      guestRipHi: 0xffffffff,
      guestRipLo: 0x81c3a2b0,
      faultAddressHi: 1,
      faultAddressLo: 0xfee00000,
      errorCode: 0x181,
    },
  ],
  [
    'fast_page_fault: vcpu 3 gva ffffffff81000000 error_code P|W|PK|0x100000000 sptep 0000000000000000 old 0 new 8000000000000000 spurious 1 fixed 0',
    {
      event: 'fast_page_fault',
      vcpuId: 3,
      cr2OrGpaHi: 0xffffffff,
      cr2OrGpaLo: 0x81000000,
      errorCode: 0x100000023,
      sptepHi: 0,
      sptepLo: 0,
      oldSpteHi: 0,
      oldSpteLo: 0,
      newSpteHi: 0x80000000,
      newSpteLo: 0,
      spurious: true,
      fixed: false,
    },
  ],
  [
    'kvm_mmu_pagetable_walk: addr ffffffff81000000 pferr 21 P|PK',
    { event: 'kvm_mmu_pagetable_walk', addrHi: 0xffffffff, addrLo: 0x81000000, pferr: 0x21 },
  ],
  ['kvm_mmu_walker_error: pferr 8009 P|SGX|RSVD', { event: 'kvm_mmu_walker_error', pferr: 0x8009 }],
  [
    'kvm_mmu_paging_element: pte 80000001234a5067 level 1',
    { event: 'kvm_mmu_paging_element', pteHi: 0x80000001, pteLo: 0x234a5067, level: 1 },
  ],
  [
    'kvm_mmu_set_accessed_bit: gpa 1234a5000',
    { event: 'kvm_mmu_set_accessed_bit', gpa: 0x1234a5000 },
  ],
  ['kvm_mmu_set_dirty_bit: gpa 1234a5008', { event: 'kvm_mmu_set_dirty_bit', gpa: 0x1234a5008 }],
  [
    'kvm_mmu_spte_requested: gfn fee00 pfn 8000000000000000 level 1',
    { event: 'kvm_mmu_spte_requested', gfn: 0xfee00, pfnHi: 0x80000000, pfnLo: 0, level: 1 },
  ],
  [
    'kvm_mmu_set_spte: gfn 1234a5 spte 6000001234a5ef7 (rwx) level 1 at 10f6a7528',
    {
      event: 'kvm_mmu_set_spte',
      gfn: 0x1234a5,
      spteHi: 0x6000001,
      spteLo: 0x234a5ef7,
      r: true,
      w: true,
      x: true,
      u: null,
      level: 1,
      at: 0x10f6a7528,
    },
  ],
  [
    'kvm_tdp_mmu_spte_changed: as id 1 gfn 100000 level 3 old_spte 8000000000000000 new_spte 600000040000ef7',
    {
      event: 'kvm_tdp_mmu_spte_changed',
      asId: 1,
      gfn: 0x100000,
      level: 3,
      oldSpteHi: 0x80000000,
      oldSpteLo: 0,
      newSpteHi: 0x6000000,
      newSpteLo: 0x40000ef7,
    },
  ],
  [
    'kvm_mmu_split_huge_page: gfn 40000 spte 600000080000ef7 level 3 errno -12',
    {
      event: 'kvm_mmu_split_huge_page',
      gfn: 0x40000,
      spteHi: 0x6000000,
      spteLo: 0x80000ef7,
      level: 3,
      errno: -12,
    },
  ],
  [
    'mark_mmio_spte: sptep:ffff88810a3b2ff8 gfn fee00 access 6 gen 3a',
    {
      event: 'mark_mmio_spte',
      sptepHi: 0xffff8881,
      sptepLo: 0x0a3b2ff8,
      gfn: 0xfee00,
      access: 6,
      gen: 0x3a,
    },
  ],
  [
    'check_mmio_spte: spte 8060000fee000366 kvm_gen 3a spte-gen 3a valid 1',
    {
      event: 'check_mmio_spte',
      spteHi: 0x8060000f,
      spteLo: 0xee000366,
      kvmGen: 0x3a,
      spteGen: 0x3a,
      valid: true,
    },
  ],
  [
    'handle_mmio_page_fault: addr:ffffc90000a01000 gfn fee00 access 6',
    {
      event: 'handle_mmio_page_fault',
      addrHi: 0xffffc900,
      addrLo: 0x00a01000,
      gfn: 0xfee00,
      access: 6,
    },
  ],
];

describe('Linux 6.18 lines', () => {
  it.each(CASES)('%s', (line, expected) => {
    expect(fieldsOf(H + line)).toEqual(expected);
  });

  it('covers every event of the table', () => {
    const seen = new Set(CASES.map(([, e]) => e.event));
    expect([...seen].sort()).toEqual(Object.keys(EVENT_FORMATS).sort());
  });
});
