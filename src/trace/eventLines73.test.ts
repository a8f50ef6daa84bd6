/**
 * One line of every event as Linux 7.3 prints it. Lines quoted from test/traces/linux-7.3
 * (file:line) are verbatim; the events those runs never hit are written by the print fmt of
 * test/traces/formats/linux-7.3. What differs from 6.12 (shared README, "Where the kernels print
 * differently"): the role's 4-letter access ("rwux": read, write, user, exec; ACC_READ_MASK),
 * kvm_mmu_spte_requested's trailing access, kvm_exit's trailing requests, the PFERR names PK, SS
 * and SGX, and kvm_mmu_set_spte's u letter without the -1 case.
 */
import { describe, expect, it } from 'vitest';
import { parseTraceText } from './parseTraceText';
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
  accessRead: true,
  invalid: false,
  eferNx: true,
  adDisabled: false,
  rootCount: 0,
  unsync: false,
};

const EXIT = {
  event: 'kvm_exit',
  vcpuId: 0,
  guestRipHi: 0,
  info1Hi: 0,
  info2Hi: 0,
  intrInfo: 0,
  errorCode: 0,
  requestsHi: 0,
  requestsLo: 0,
};

const CASES: [string, Record<string, unknown>][] = [
  // shadow-alias:18: the shadow root, rwux = ACC_READ | WRITE | USER | EXEC
  [
    '             vmm-240     [000] ...1.     4.692119: kvm_mmu_get_page: sp gen 0 gfn 10 l4 8-byte q0 rwux nxe ad root 0 sync new',
    { event: 'kvm_mmu_get_page', ...ROLE, gfn: 0x10, level: 4, direct: false, created: true },
  ],
  // shadow-alias:31: a direct page of a read-only 2 MiB guest mapping: r--x, not writable
  [
    '             vmm-240     [000] ...1.     4.701045: kvm_mmu_get_page: sp gen 0 gfn 0 l1 8-byte q0 direct r--x nxe ad root 0 sync new',
    { event: 'kvm_mmu_get_page', ...ROLE, access: 1, created: true },
  ],
  // shadow-alias:11096 and :11112: rw-x has no user bit
  [
    '             vmm-240     [000] ...2.     4.746866: kvm_mmu_unsync_page: sp gen 0 gfn 20 l1 8-byte q0 rw-x nxe ad root 0 sync',
    { event: 'kvm_mmu_unsync_page', ...ROLE, gfn: 0x20, direct: false, access: 3 },
  ],
  [
    '             vmm-240     [000] ...1.     4.749591: kvm_mmu_sync_page: sp gen 0 gfn 20 l1 8-byte q0 rw-x nxe ad root 0 unsync',
    { event: 'kvm_mmu_sync_page', ...ROLE, gfn: 0x20, direct: false, access: 3, unsync: true },
  ],
  // shadow-alias:13343: the root at teardown, still held by the vCPU
  [
    '             vmm-240     [000] ...1.     4.768975: kvm_mmu_prepare_zap_page: sp gen 0 gfn 10 l4 8-byte q0 rwux nxe ad root 1 sync',
    {
      event: 'kvm_mmu_prepare_zap_page',
      ...ROLE,
      gfn: 0x10,
      level: 4,
      direct: false,
      rootCount: 1,
    },
  ],
  [
    '             vmm-240     [000] ...1.     4.768899: kvm_mmu_zap_all_fast: kvm-mmu-valid-gen 0 used_pages 8',
    { event: 'kvm_mmu_zap_all_fast', mmuValidGen: 0, mmuUsedPages: 8 },
  ],
  // shadow-alias:19 and :72: requests (vcpu->requests) at the end
  [
    '             vmm-240     [000] d..1.     4.693153: kvm_exit: vcpu 0 reason PF excp rip 0x1000 info1 0x0000000000000010 info2 0x0000000000001000 intr_info 0x00000000 error_code 0x00000000 requests 0x0000000000000000',
    { ...EXIT, reason: 'PF excp', guestRipLo: 0x1000, info1Lo: 0x10, info2Lo: 0x1000 },
  ],
  [
    '             vmm-240     [000] d..1.     4.703399: kvm_exit: vcpu 0 reason io rip 0x107d info1 0x0000000000100010 info2 0x000000000000107f intr_info 0x00000000 error_code 0x00000000 requests 0x0000000000000000',
    { ...EXIT, reason: 'io', guestRipLo: 0x107d, info1Lo: 0x100010, info2Lo: 0x107f },
  ],
  // tdp-tdpmmu-thp:20
  [
    '             vmm-654     [000] .....    13.372293: kvm_page_fault: vcpu 0 rip 0x1000 address 0x0000000000010000 error_code 0x200000006',
    {
      event: 'kvm_page_fault',
      vcpuId: 0,
      guestRipHi: 0,
      guestRipLo: 0x1000,
      faultAddressHi: 0,
      faultAddressLo: 0x10000,
      errorCode: 0x200000006,
    },
  ],
  // tdp-tdpmmu-thp:2635: dirty logging, W set again without mmu_lock
  [
    '             vmm-654     [000] .....    13.392507: fast_page_fault: vcpu 0 gva 10000 error_code P|W|U|0x200000000 sptep 000000009e3f307d old 0xde10e65 new de10e67 spurious 0 fixed 1',
    {
      event: 'fast_page_fault',
      vcpuId: 0,
      cr2OrGpaHi: 0,
      cr2OrGpaLo: 0x10000,
      errorCode: 0x200000007,
      sptepHi: 0,
      sptepLo: 0x9e3f307d,
      oldSpteHi: 0,
      oldSpteLo: 0xde10e65,
      newSpteHi: 0,
      newSpteLo: 0xde10e67,
      spurious: false,
      fixed: true,
    },
  ],
  // shadow-alias:35, :22, :25, :39
  [
    '             vmm-240     [000] .....     4.702083: kvm_mmu_pagetable_walk: addr 13000 pferr 2 W',
    { event: 'kvm_mmu_pagetable_walk', addrHi: 0, addrLo: 0x13000, pferr: 2 },
  ],
  [
    '             vmm-240     [000] .....     4.694102: kvm_mmu_paging_element: pte 11003 level 4',
    { event: 'kvm_mmu_paging_element', pteHi: 0, pteLo: 0x11003, level: 4 },
  ],
  [
    '             vmm-240     [000] .....     4.694385: kvm_mmu_set_accessed_bit: gpa 10000',
    { event: 'kvm_mmu_set_accessed_bit', gpa: 0x10000 },
  ],
  [
    '             vmm-240     [000] .....     4.702147: kvm_mmu_set_dirty_bit: gpa 12000',
    { event: 'kvm_mmu_set_dirty_bit', gpa: 0x12000 },
  ],
  // shadow-alias:30 and tdp-tdpmmu-thp:30: access as the kernel numbers it (9 = READ | EXEC)
  [
    '             vmm-240     [000] ...1.     4.700901: kvm_mmu_spte_requested: gfn 1 pfn aabaf level 1 access 9',
    { event: 'kvm_mmu_spte_requested', gfn: 1, pfnHi: 0, pfnLo: 0xaabaf, level: 1, access: 9 },
  ],
  [
    '             vmm-654     [000] ...1.    13.377415: kvm_mmu_spte_requested: gfn 1000 pfn dc00 level 2 access f',
    { event: 'kvm_mmu_spte_requested', gfn: 0x1000, pfnHi: 0, pfnLo: 0xdc00, level: 2, access: 15 },
  ],
  // shadow-alias:32 (shadow paging) and tdp-tdpmmu-thp:27 (NPT): four letters either way
  [
    '             vmm-240     [000] ...1.     4.701343: kvm_mmu_set_spte: gfn 1 spte aabafa21 (r-x-) level 1 at c2be008',
    {
      event: 'kvm_mmu_set_spte',
      gfn: 1,
      spteHi: 0,
      spteLo: 0xaabafa21,
      r: true,
      w: false,
      x: true,
      u: false,
      level: 1,
      at: 0xc2be008,
    },
  ],
  [
    '             vmm-654     [000] ...1.    13.374230: kvm_mmu_set_spte: gfn 0 spte de00ee7 (rwxu) level 2 at c3df000',
    {
      event: 'kvm_mmu_set_spte',
      gfn: 0,
      spteHi: 0,
      spteLo: 0xde00ee7,
      r: true,
      w: true,
      x: true,
      u: true,
      level: 2,
      at: 0xc3df000,
    },
  ],
  // tdp-tdpmmu-thp:23, and :15497: dirty logging off puts a 2 MiB SPTE (ee5, write-protected)
  // in place of the table c3e8827 (kvm_tdp_mmu_recover_huge_pages)
  [
    '             vmm-654     [000] ...1.    13.373694: kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 4 old_spte 8000000000000000 new_spte c3de827',
    {
      event: 'kvm_tdp_mmu_spte_changed',
      asId: 0,
      gfn: 0,
      level: 4,
      oldSpteHi: 0x80000000,
      oldSpteLo: 0,
      newSpteHi: 0,
      newSpteLo: 0xc3de827,
    },
  ],
  [
    '             vmm-654     [000] .N.1.    13.498116: kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 2 old_spte c3e8827 new_spte de00ee5',
    {
      event: 'kvm_tdp_mmu_spte_changed',
      asId: 0,
      gfn: 0,
      level: 2,
      oldSpteHi: 0,
      oldSpteLo: 0xc3e8827,
      newSpteHi: 0,
      newSpteLo: 0xde00ee5,
    },
  ],
  // tdp-tdpmmu-thp:57
  [
    '             vmm-654     [000] .N.1.    13.389017: kvm_mmu_split_huge_page: gfn 0 spte de00ee7 level 2 errno 0',
    { event: 'kvm_mmu_split_huge_page', gfn: 0, spteHi: 0, spteLo: 0xde00ee7, level: 2, errno: 0 },
  ],
  // Not in the 7.3 runs: written by the print fmt. PK is bit 5, SS bit 6, SGX bit 15.
  [
    '             vmm-240     [000] .....     4.800001: kvm_mmu_walker_error: pferr 8061 P|PK|SS|SGX',
    { event: 'kvm_mmu_walker_error', pferr: 0x8061 },
  ],
  [
    '             vmm-240     [000] ...1.     4.800002: mark_mmio_spte: sptep:00000000e1f0a3c2 gfn fee00 access f gen 1c',
    {
      event: 'mark_mmio_spte',
      sptepHi: 0,
      sptepLo: 0xe1f0a3c2,
      gfn: 0xfee00,
      access: 15,
      gen: 0x1c,
    },
  ],
  [
    '             vmm-240     [000] .....     4.800003: check_mmio_spte: spte 80600000fee00366 kvm_gen 1d spte-gen 1c valid 0',
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
    '             vmm-240     [000] .....     4.800004: handle_mmio_page_fault: addr:fee00030 gfn fee00 access f',
    { event: 'handle_mmio_page_fault', addrHi: 0, addrLo: 0xfee00030, gfn: 0xfee00, access: 15 },
  ],
];

const H = '             vmm-240     [000] ...1.     4.900000: ';

/** The parse error a one-line trace stops with, after two good lines. */
function message(body: string): string {
  const good = H + 'kvm_mmu_paging_element: pte 11003 level 4\n';
  try {
    parseTraceText(good + good + H + body + '\n');
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

describe('Linux 7.3 lines', () => {
  it.each(CASES)('%s', (line, expected) => {
    expect(fieldsOf(line)).toEqual(expected);
  });

  it('covers every event of the table', () => {
    const seen = new Set(CASES.map(([, e]) => e.event));
    expect([...seen].sort()).toEqual(Object.keys(EVENT_FORMATS).sort());
  });

  it('reads every 4-letter access: read, write, user, exec', () => {
    const role = (a: string) =>
      fieldsOf(H + `kvm_mmu_sync_page: sp gen 0 gfn 20 l1 8-byte q0 ${a} nxe ad root 0 sync`);
    expect(role('----')).toMatchObject({ access: 0, accessRead: false });
    expect(role('-wux')).toMatchObject({ access: 7, accessRead: false });
    expect(role('r-u-')).toMatchObject({ access: 4, accessRead: true });
    expect(role('rw--')).toMatchObject({ access: 2, accessRead: true });
  });

  it('leaves out the fields an older kernel does not print', () => {
    const exit = fieldsOf(
      H +
        'kvm_exit: vcpu 0 reason io rip 0x107d info1 0x0000000000100010 info2 0x000000000000107f intr_info 0x00000000 error_code 0x00000000',
    );
    expect('requestsHi' in exit).toBe(false);
    const req = fieldsOf(H + 'kvm_mmu_spte_requested: gfn 1 pfn aabaf level 1');
    expect('access' in req).toBe(false);
    const role = fieldsOf(
      H + 'kvm_mmu_sync_page: sp gen 0 gfn 20 l1 8-byte q0 w-x nxe ad root 0 sync',
    );
    expect(role).toMatchObject({ access: 3 });
    expect('accessRead' in role).toBe(false);
  });

  it('says what a 7.3 line should hold where it does not, with its line number', () => {
    expect(
      message('kvm_mmu_get_page: sp gen 0 gfn 10 l4 8-byte q0 rwuq nxe ad root 0 sync new'),
    ).toBe(
      'line 3: kvm_mmu_get_page: expected an access string ("----" to "rwux") after "q0", got "rwuq"',
    );
    expect(
      message('kvm_mmu_get_page: sp gen 0 gfn 10 l4 8-byte q0 wuxx nxe ad root 0 sync new'),
    ).toBe(
      'line 3: kvm_mmu_get_page: expected an access string ("----" to "rwux") after "q0", got "wuxx"',
    );
    expect(
      message(
        'kvm_exit: vcpu 0 reason io rip 0x107d info1 0x0000000000100010 info2 0x000000000000107f intr_info 0x00000000 error_code 0x00000000 requests 0x',
      ),
    ).toBe('line 3: kvm_exit: expected hex digits after "requests 0x", got end of line');
    expect(
      message(
        'kvm_exit: vcpu 0 reason io rip 0x107d info1 0x0000000000100010 info2 0x000000000000107f intr_info 0x00000000 error_code 0x00000000 req 0x0',
      ),
    ).toBe(
      'line 3: kvm_exit: expected "requests 0x" or end of line after "error_code 0x00000000", got "req"',
    );
    expect(message('kvm_mmu_spte_requested: gfn 1 pfn aabaf level 1 access')).toBe(
      'line 3: kvm_mmu_spte_requested: expected hex digits after "level 1 access", got end of line',
    );
  });
});
