/**
 * One line of every event as Linux 6.12 prints it. Lines quoted from test/traces/linux-6.12
 * (file:line) are verbatim; the four events those runs never hit are written by their print fmt.
 * What differs from 6.1: fast_page_fault's 64-bit error_code (bits 32+ as hex), and bit 63 in
 * empty and frozen SPTEs (SHADOW_NONPRESENT_VALUE).
 */
import { describe, expect, it } from 'vitest';
import { EVENT_FORMATS } from './mmutraceFormats';
import { fieldsOf } from './testkit';

const ROLE = {
  mmuValidGen: 0,
  gfn: 0,
  level: 1,
  has4ByteGpte: false,
  quadrant: 0,
  direct: true,
  access: 7,
  invalid: false,
  eferNx: true,
  adDisabled: false,
  rootCount: 0,
  unsync: false,
};

const CASES: [string, Record<string, unknown>][] = [
  // tdp-shadowmmu-thp-la57:15: a 5-level NPT root
  [
    '             vmm-270     [000] ...1.     6.686565: kvm_mmu_get_page: sp gen 0 gfn 0 l5 8-byte q0 direct wux nxe ad root 0 sync new',
    { event: 'kvm_mmu_get_page', ...ROLE, level: 5, created: true },
  ],
  // nested-shadowmmu-thp:24962: the invalid (obsolete) root, zapped at teardown
  [
    '             vmm-1179    [000] ...1.    28.399217: kvm_mmu_prepare_zap_page: sp gen 0 gfn 0 l4 8-byte q0 direct wux invalid nxe ad root 0 sync',
    { event: 'kvm_mmu_prepare_zap_page', ...ROLE, level: 4, invalid: true },
  ],
  // shadow-alias:11088 and :11102
  [
    '             vmm-269     [000] ...2.     7.420018: kvm_mmu_unsync_page: sp gen 0 gfn 20 l1 8-byte q0 w-x nxe ad root 0 sync',
    { event: 'kvm_mmu_unsync_page', ...ROLE, gfn: 0x20, direct: false, access: 3 },
  ],
  [
    '             vmm-269     [000] ...1.     7.423978: kvm_mmu_sync_page: sp gen 0 gfn 20 l1 8-byte q0 w-x nxe ad root 0 unsync',
    { event: 'kvm_mmu_sync_page', ...ROLE, gfn: 0x20, direct: false, access: 3, unsync: true },
  ],
  [
    '             vmm-1179    [000] ...1.    28.387796: kvm_mmu_zap_all_fast: kvm-mmu-valid-gen 0 used_pages c',
    { event: 'kvm_mmu_zap_all_fast', mmuValidGen: 0, mmuUsedPages: 12 },
  ],
  [
    '             vmm-269     [000] d..1.     7.426472: kvm_exit: vcpu 0 reason invlpg rip 0x10dc info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000',
    {
      event: 'kvm_exit',
      vcpuId: 0,
      reason: 'invlpg',
      guestRipHi: 0,
      guestRipLo: 0x10dc,
      info1Hi: 0,
      info1Lo: 0,
      info2Hi: 0,
      info2Lo: 0,
      intrInfo: 0,
      errorCode: 0,
    },
  ],
  // tdp-shadowmmu-thp:65-66: bit 32 (PFERR_GUEST_FINAL) reaches fast_page_fault as hex
  [
    '             vmm-529     [000] .....    13.868453: kvm_page_fault: vcpu 0 rip 0x12d7 address 0x0000000001000000 error_code 0x100000007',
    {
      event: 'kvm_page_fault',
      vcpuId: 0,
      guestRipHi: 0,
      guestRipLo: 0x12d7,
      faultAddressHi: 0,
      faultAddressLo: 0x1000000,
      errorCode: 0x100000007,
    },
  ],
  [
    '             vmm-529     [000] d....    13.868462: fast_page_fault: vcpu 0 gva 1000000 error_code P|W|U|0x100000000 sptep 00000000a60738de old 0xc800ee5 new c800ee5 spurious 0 fixed 0',
    {
      event: 'fast_page_fault',
      vcpuId: 0,
      cr2OrGpaHi: 0,
      cr2OrGpaLo: 0x1000000,
      errorCode: 0x100000007,
      sptepHi: 0,
      sptepLo: 0xa60738de,
      oldSpteHi: 0,
      oldSpteLo: 0xc800ee5,
      newSpteHi: 0,
      newSpteLo: 0xc800ee5,
      spurious: false,
      fixed: false,
    },
  ],
  // tdp-tdpmmu-thp:2627: dirty logging, the W bit set again without taking mmu_lock
  [
    '             vmm-659     [000] .....    16.742530: fast_page_fault: vcpu 0 gva 10000 error_code P|W|U|0x200000000 sptep 000000006642229d old 0xce10e65 new ce10e67 spurious 0 fixed 1',
    {
      event: 'fast_page_fault',
      vcpuId: 0,
      cr2OrGpaHi: 0,
      cr2OrGpaLo: 0x10000,
      errorCode: 0x200000007,
      sptepHi: 0,
      sptepLo: 0x6642229d,
      oldSpteHi: 0,
      oldSpteLo: 0xce10e65,
      newSpteHi: 0,
      newSpteLo: 0xce10e67,
      spurious: false,
      fixed: true,
    },
  ],
  // nested-shadowmmu-thp:69 and shadow-alias:11618
  [
    '             vmm-1179    [000] .....    27.957573: kvm_mmu_pagetable_walk: addr 1499 pferr 14 U|F',
    { event: 'kvm_mmu_pagetable_walk', addrHi: 0, addrLo: 0x1499, pferr: 0x14 },
  ],
  [
    '             vmm-269     [000] .....     7.437877: kvm_mmu_pagetable_walk: addr 40064000 pferr 0 ',
    { event: 'kvm_mmu_pagetable_walk', addrHi: 0, addrLo: 0x40064000, pferr: 0 },
  ],
  [
    '             vmm-1179    [000] .....    27.948523: kvm_mmu_paging_element: pte 11023 level 4',
    { event: 'kvm_mmu_paging_element', pteHi: 0, pteLo: 0x11023, level: 4 },
  ],
  [
    '             vmm-1179    [000] .....    27.956122: kvm_mmu_set_accessed_bit: gpa 17000',
    { event: 'kvm_mmu_set_accessed_bit', gpa: 0x17000 },
  ],
  [
    '             vmm-1179    [000] .....    27.956270: kvm_mmu_set_dirty_bit: gpa 19000',
    { event: 'kvm_mmu_set_dirty_bit', gpa: 0x19000 },
  ],
  [
    '             vmm-1179    [000] ...1.    27.946071: kvm_mmu_spte_requested: gfn 10 pfn ce10 level 2',
    { event: 'kvm_mmu_spte_requested', gfn: 0x10, pfnHi: 0, pfnLo: 0xce10, level: 2 },
  ],
  [
    '             vmm-1179    [000] ...1.    27.957420: kvm_mmu_set_spte: gfn 17 spte ce17a05 (r-xu) level 1 at 2ac30b8',
    {
      event: 'kvm_mmu_set_spte',
      gfn: 0x17,
      spteHi: 0,
      spteLo: 0xce17a05,
      r: true,
      w: false,
      x: true,
      u: true,
      level: 1,
      at: 0x2ac30b8,
    },
  ],
  // tdp-tdpmmu-thp:20 and :14972: empty is 8000000000000000, frozen is 80000000000005a0
  [
    '             vmm-659     [000] .N.1.    16.668160: kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 4 old_spte 8000000000000000 new_spte 2b21827',
    {
      event: 'kvm_tdp_mmu_spte_changed',
      asId: 0,
      gfn: 0,
      level: 4,
      oldSpteHi: 0x80000000,
      oldSpteLo: 0,
      newSpteHi: 0,
      newSpteLo: 0x2b21827,
    },
  ],
  [
    '             vmm-659     [000] .N.1.    16.934993: kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 1 old_spte ce00e65 new_spte 80000000000005a0',
    {
      event: 'kvm_tdp_mmu_spte_changed',
      asId: 0,
      gfn: 0,
      level: 1,
      oldSpteHi: 0,
      oldSpteLo: 0xce00e65,
      newSpteHi: 0x80000000,
      newSpteLo: 0x5a0,
    },
  ],
  [
    '             vmm-659     [000] ...1.    16.736261: kvm_mmu_split_huge_page: gfn 1000 spte cc00ee7 level 2 errno 0',
    {
      event: 'kvm_mmu_split_huge_page',
      gfn: 0x1000,
      spteHi: 0,
      spteLo: 0xcc00ee7,
      level: 2,
      errno: 0,
    },
  ],
  // Not in the 6.12 runs: written by the print fmt.
  [
    '             vmm-269     [000] .....     7.500001: kvm_mmu_walker_error: pferr 3 P|W',
    { event: 'kvm_mmu_walker_error', pferr: 3 },
  ],
  [
    '             vmm-269     [000] ...1.     7.500002: mark_mmio_spte: sptep:00000000e1f0a3c2 gfn fee00 access 7 gen 1c',
    {
      event: 'mark_mmio_spte',
      sptepHi: 0,
      sptepLo: 0xe1f0a3c2,
      gfn: 0xfee00,
      access: 7,
      gen: 0x1c,
    },
  ],
  [
    '             vmm-269     [000] .....     7.500003: check_mmio_spte: spte 80600000fee00366 kvm_gen 1d spte-gen 1c valid 0',
    {
      event: 'check_mmio_spte',
      spteHi: 0x80600000,
      spteLo: 0xfee00366,
      kvmGen: 0x1d,
      spteGen: 0x1c,
      valid: false,
    },
  ],
  [
    '             vmm-269     [000] .....     7.500004: handle_mmio_page_fault: addr:fee00030 gfn fee00 access 7',
    { event: 'handle_mmio_page_fault', addrHi: 0, addrLo: 0xfee00030, gfn: 0xfee00, access: 7 },
  ],
];

describe('Linux 6.12 lines', () => {
  it.each(CASES)('%s', (line, expected) => {
    expect(fieldsOf(line)).toEqual(expected);
  });

  it('covers every event of the table', () => {
    const seen = new Set(CASES.map(([, e]) => e.event));
    expect([...seen].sort()).toEqual(Object.keys(EVENT_FORMATS).sort());
  });
});
