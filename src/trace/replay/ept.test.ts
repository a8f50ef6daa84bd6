/**
 * Intel hosts (EPT): no shared trace comes from one, so these lines are built from the kernel's
 * own print formats (test/traces/formats/linux-6.12) with SPTE values as make_spte() and
 * make_nonleaf_spte() build them under kvm_mmu_set_ept_masks() (arch/x86/kvm/mmu/spte.c, 6.10+:
 * suppress-#VE bit 63 in shadow_present_mask): R/W/X bits 0-2, memory type WB (6 << 3) and IPAT
 * (bit 6) from vmx_get_mt_mask, PS bit 7, A/D bits 8/9, MMU-present bit 11, host-/MMU-writable
 * bits 57/58, and SPTE_TDP_AD_DISABLED (bit 52) with ept_ad=0.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { optionsForKernel } from '../../model/kernelVersions';
import { applyMmuOp, MmuWorld } from '../../model/mmuOps';
import type { KvmMmuPage } from '../../model/mmuPage';
import { spteBitsText } from '../../model/spte';
import { spteFlags } from '../../model/sptes';
import { buildWorld } from '../../scenario/runScenario';
import type { Scenario } from '../../scenario/schema';
import { importTraceFile } from '../nodeImport';
import { TraceParser } from '../traceParser';
import { importSpteLayout, sniffTrace, TraceImport } from '../traceImport';
import { spteIsLarge, spteIsPresent, sptePfn, type Spte64 } from './kernelEvents';
import { installTraceReplay, traceStateOf } from './replayKernelEvent';
import { flagsOfSpte, spteIsAccessTracked, spteLayoutOf, type SpteLayout } from './spteBits';

const HEAD = '             vmm-673     [000] ...1.    20.780314: ';

/** A 64-bit SPTE from its hex text, as the kernel prints it. */
function spte(hex: string): Spte64 {
  const v = BigInt('0x' + hex);
  return { hi: Number(v >> 32n), lo: Number(v & 0xffffffffn) };
}
const bits = (hex: string, level: number, layout?: SpteLayout) =>
  spteBitsText(flagsOfSpte(spte(hex), level, {}, layout));

// EPT SPTEs (6.10+), made as KVM makes them:
/** 2 MiB leaf, pfn cc00: suppress-VE | MMU-/host-writable | D A PS IPAT WB X W R | bit 11. */
const EPT_2M_WX = '860000000cc00bf7';
/** 4 KiB leaf, pfn 1234: the same without PS. */
const EPT_4K_WX = '8600000001234b77';
/** 2 MiB leaf after a read fault: R X, A, no W, no D (MMU-writable: fast_page_fault may fix it). */
const EPT_2M_RX = '860000000ca009f5';
/** make_nonleaf_spte: suppress-VE | A | X W R | bit 11, pointing at frame c179. */
const EPT_LINK = '800000000c179907';

describe('flagsOfSpte by layout', () => {
  it('reads an EPT leaf by EPT bits: R is the user bit, X is bit 2, A/D are bits 8/9', () => {
    expect(bits(EPT_4K_WX, 1, 'ept')).toBe('wuxad');
    expect(bits(EPT_2M_WX, 2, 'ept')).toBe('wuxadH');
    expect(bits(EPT_2M_RX, 2, 'ept')).toBe('-uxa-H');
    // Exec-only (an L1 EPT entry with X alone): no R, so no user bit; bit 2 is never "u".
    expect(bits('0000000001234974', 1, 'ept')).toBe('--xa-');
    // Read-only, not yet accessed (a prefetched SPTE with A/D on): no A, no D.
    expect(bits('0000000001234875', 1, 'ept')).toBe('-ux--');
  });

  it('the same raw value reads differently in the x86 layout', () => {
    // x86: bit 2 is U, bit 63 is NX, bit 5 (memory type) is A and bit 6 (IPAT) is D.
    expect(bits(EPT_4K_WX, 1, 'x86')).toBe('wu-ad');
    expect(bits('0000000001234875', 1, 'x86')).toBe('-uxad');
    expect(bits('0000000001234974', 1, 'x86')).toBe('-uxad');
    // And an NPT SPTE read as EPT: bit 0 (P) becomes R (u), bit 2 (U) becomes X, bit 9 (host-
    // writable) becomes D and A (bit 5) is lost.
    expect(bits('cc00ee7', 2, 'x86')).toBe('wuxadH');
    expect(bits('cc00ee7', 2, 'ept')).toBe('wux-dH');
    expect(bits('800000000cc00ee7', 2, 'x86')).toBe('wu-adH');
    // The default stays x86.
    expect(spteBitsText(flagsOfSpte(spte(EPT_4K_WX), 1))).toBe('wu-ad');
  });

  it('huge is bit 7 above level 1 in both layouts', () => {
    expect(bits(EPT_2M_WX, 1, 'ept')).toBe('wuxad');
    expect(bits('cc00ee7', 1, 'x86')).toBe('wuxad');
  });

  it('what kvm_mmu_set_spte printed wins over the bits', () => {
    const f = flagsOfSpte(spte(EPT_4K_WX), 1, { w: false, x: true, u: false }, 'ept');
    expect(spteBitsText(f)).toBe('--xad');
    // u null (no user letter printed): the R bit tells.
    expect(spteBitsText(flagsOfSpte(spte(EPT_4K_WX), 1, { u: null }, 'ept'))).toBe('wuxad');
  });

  it('ept_ad=0: accessed is "R/W/X not all clear", dirty is W; an access-tracked SPTE has none', () => {
    // SPTE_TDP_AD_DISABLED (bit 52), no A/D bits: a 2 MiB writable leaf.
    const adOff = '861000000cc008f7';
    expect(bits(adOff, 2, 'ept')).toBe('wuxadH');
    expect(spteIsAccessTracked(spte(adOff), 'ept')).toBe(false);
    // mark_spte_for_access_track: R/W/X cleared, R and X saved at bits 54 and 56.
    const tracked = '875000000cc008f0';
    expect(spteIsPresent(spte(tracked))).toBe(true);
    expect(spteIsAccessTracked(spte(tracked), 'ept')).toBe(true);
    expect(bits(tracked, 2, 'ept')).toBe('-----H');
    // Never in the x86 layout: its SPTEs always have A/D bits.
    expect(spteIsAccessTracked(spte(tracked), 'x86')).toBe(false);
  });

  it('present (bit 11), large (bit 7) and the pfn (bits 12-51) are the same for EPT', () => {
    expect(spteIsPresent(spte(EPT_2M_WX))).toBe(true);
    expect(spteIsLarge(spte(EPT_2M_WX))).toBe(true);
    expect(sptePfn(spte(EPT_2M_WX))).toBe(0xcc00);
    expect(sptePfn(spte(EPT_LINK))).toBe(0xc179);
    expect(spteIsLarge(spte(EPT_LINK))).toBe(false);
    // An EPT MMIO SPTE (bits 2:0 = 110b, VMX_EPT_MISCONFIG_WX_VALUE, and a generation) and the
    // 6.10+ empty SPTE are not present.
    expect(spteIsPresent(spte('00000000fee00736'))).toBe(false);
    expect(spteIsPresent(spte('8000000000000000'))).toBe(false);
  });

  it('EPT is the layout of TDP on Intel only; shadow paging is x86 on any host', () => {
    expect(spteLayoutOf('intel', true)).toBe('ept');
    expect(spteLayoutOf('intel', false)).toBe('x86');
    expect(spteLayoutOf('amd', true)).toBe('x86');
    expect(spteLayoutOf('amd', false)).toBe('x86');
  });
});

/** Replays lines through a 6.12 world reading SPTEs by `layout`. */
function replay(lines: string[], tdpMmu: boolean, layout: SpteLayout) {
  const world = new MmuWorld(
    { memslots: [], vcpus: 1, rmapHeads: 0 },
    { ...optionsForKernel('6.12'), tdp: true, tdpMmu },
  );
  installTraceReplay(world, layout);
  const imp = new TraceImport((ev) => applyMmuOp(world, { op: 'kernel_event', ev }));
  const p = new TraceParser(imp.handlers);
  p.push(lines.map((l) => HEAD + l).join('\n') + '\n');
  p.end();
  return { world, r: traceStateOf(world)! };
}

/** The model's SPTE bits at (level, gfn) of the one live page of that level holding gfn. */
function leafBits(world: MmuWorld, level: number, gfn: number): string {
  const pages = [...world.vm.livePages()].filter(
    (sp: KvmMmuPage) => sp.level === level && !sp.zapped,
  );
  const per = 512 ** (level - 1);
  const sp = pages.find((p) => gfn >= p.gfn && gfn < p.gfn + per * 512)!;
  return spteBitsText(spteFlags(world.vm, sp, Math.floor((gfn - sp.gfn) / per)));
}

const EPT_EXIT =
  'kvm_exit: vcpu 0 reason EPT_VIOLATION rip 0x1000 info1 0x0000000000000181 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000';
const fault = (addr: string, code: string) =>
  `kvm_page_fault: vcpu 0 rip 0x1000 address 0x${addr.padStart(16, '0')} error_code ${code}`;
const getPage = (gfn: string, level: number, ad = 'ad') =>
  `kvm_mmu_get_page: sp gen 0 gfn ${gfn} l${level} 8-byte q0 direct wux nxe ${ad} root 0 sync new`;

/** A TDP MMU run on Intel (6.12, ept=1 ept_ad=1): links and leaves as kvm_tdp_mmu_spte_changed. */
const TDP_MMU_LINES = [
  getPage('0', 4),
  EPT_EXIT,
  fault('10000', '0x100000006'),
  'kvm_mmu_spte_requested: gfn 10 pfn cc10 level 2',
  getPage('0', 3),
  `kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 4 old_spte 8000000000000000 new_spte 800000000c179907`,
  getPage('0', 2),
  `kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 3 old_spte 8000000000000000 new_spte ${EPT_LINK.replace('c179', 'c178')}`,
  `kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 2 old_spte 8000000000000000 new_spte ${EPT_2M_WX}`,
  `kvm_mmu_set_spte: gfn 0 spte ${EPT_2M_WX} (rwxu) level 2 at c178000`,
  EPT_EXIT,
  fault('200000', '0x100000005'),
  'kvm_mmu_spte_requested: gfn 200 pfn ca00 level 2',
  `kvm_tdp_mmu_spte_changed: as id 0 gfn 200 level 2 old_spte 8000000000000000 new_spte ${EPT_2M_RX}`,
  `kvm_mmu_set_spte: gfn 200 spte ${EPT_2M_RX} (r-xu) level 2 at c178008`,
  EPT_EXIT,
  fault('200000', '0x100000007'),
  // The TDP MMU's fast path: the SPTE made writable and dirty by cmpxchg, no spte_changed.
  `fast_page_fault: vcpu 0 gva 200000 error_code P|W|U|0x100000000 sptep 0000000060af73a9 old 0x${EPT_2M_RX} new 860000000ca00bf7 spurious 0 fixed 1`,
];

/** The same faults through the shadow MMU (tdp_mmu=0): leaves as kvm_mmu_set_spte, links inferred. */
const SHADOW_MMU_LINES = [
  getPage('0', 4),
  EPT_EXIT,
  fault('10000', '0x100000006'),
  getPage('0', 3),
  getPage('0', 2),
  `kvm_mmu_set_spte: gfn 0 spte 860000000b400bf7 (rwxu) level 2 at ab58000`,
  EPT_EXIT,
  fault('200000', '0x100000005'),
  `kvm_mmu_set_spte: gfn 200 spte 860000000b6009f5 (r-xu) level 2 at ab58008`,
  EPT_EXIT,
  fault('200000', '0x100000007'),
  `fast_page_fault: vcpu 0 gva 200000 error_code P|W|U|0x100000000 sptep 000000005c4b5a4e old 0x860000000b6009f5 new 860000000b600bf7 spurious 0 fixed 1`,
  EPT_EXIT,
  fault('601000', '0x100000006'),
  getPage('600', 1),
  `kvm_mmu_set_spte: gfn 601 spte 860000000b601b77 (rwxu) level 1 at ab59008`,
  'kvm_mmu_zap_all_fast: kvm-mmu-valid-gen 1 used_pages 4',
];

describe('an Intel trace replayed by the EPT layout', () => {
  it('TDP MMU: writable, executable, accessed, dirty and huge as EPT has them, no contradiction', () => {
    const { world, r } = replay(TDP_MMU_LINES, true, 'ept');
    expect(r.contradictions).toEqual([]);
    expect(leafBits(world, 2, 0x0)).toBe('wuxadH');
    // The read fault's leaf: executable, not writable, not dirty; the fast path then fixed W/D.
    expect(leafBits(world, 2, 0x200)).toBe('wuxadH');
    const before = replay(TDP_MMU_LINES.slice(0, -3), true, 'ept');
    expect(leafBits(before.world, 2, 0x200)).toBe('-uxa-H');
    // Read as x86, the same lines would lose X (bit 63) and see A/D in the memory type bits.
    const asX86 = replay(TDP_MMU_LINES.slice(0, -3), true, 'x86');
    expect(leafBits(asX86.world, 2, 0x200)).toBe('-u-adH');
  });

  it('shadow MMU with TDP: kvm_mmu_set_spte leaves by EPT bits, used_pages agrees', () => {
    const { world, r } = replay(SHADOW_MMU_LINES, false, 'ept');
    expect(r.contradictions).toEqual([]);
    expect(r.usedPages).toEqual([{ line: SHADOW_MMU_LINES.length, kernel: 4, model: 4 }]);
    expect(leafBits(world, 2, 0x0)).toBe('wuxadH');
    expect(leafBits(world, 2, 0x200)).toBe('wuxadH');
    expect(leafBits(world, 1, 0x601)).toBe('wuxad');
  });

  it('ept_ad=0: leaves without A/D bits, an access-tracked SPTE and its restore', () => {
    const lines = [
      getPage('0', 4, '!ad'),
      EPT_EXIT,
      fault('10000', '0x100000006'),
      getPage('0', 3, '!ad'),
      `kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 4 old_spte 8000000000000000 new_spte 801000000c179807`,
      getPage('0', 2, '!ad'),
      `kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 3 old_spte 8000000000000000 new_spte 801000000c178807`,
      `kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 2 old_spte 8000000000000000 new_spte 861000000cc008f7`,
      // Aging (kvm_tdp_mmu_age_gfn_range): mark_spte_for_access_track.
      `kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 2 old_spte 861000000cc008f7 new_spte 875000000cc008f0`,
    ];
    const aged = replay(lines, true, 'ept');
    expect(aged.r.contradictions).toEqual([]);
    expect(leafBits(aged.world, 2, 0x0)).toBe('-----H');
    // fast_page_fault's restore_acc_track_spte: R/X back from bits 54/56 (W stays off: a read).
    const restored = replay(
      [
        ...lines,
        EPT_EXIT,
        fault('10000', '0x100000005'),
        'fast_page_fault: vcpu 0 gva 10000 error_code P|U|0x100000000 sptep 0000000060af73a9 old 0x875000000cc008f0 new 861000000cc008f5 spurious 0 fixed 1',
      ],
      true,
      'ept',
    );
    expect(restored.r.contradictions).toEqual([]);
    expect(leafBits(restored.world, 2, 0x0)).toBe('-uxa-H');
  });
});

describe('telling an Intel host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ept-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('kvm_exit prints VMX reasons on Intel and SVM reasons on AMD; else AMD is assumed', () => {
    const intel = sniffTrace(HEAD + EPT_EXIT + '\n');
    expect(intel.host).toMatchObject({ value: 'intel', how: 'seen' });
    expect(importSpteLayout(intel)).toBe('ept');
    const amd = sniffTrace(
      HEAD +
        'kvm_exit: vcpu 0 reason npf rip 0x1000 info1 0x0000000200000006 info2 0x0000000000010000 intr_info 0x00000000 error_code 0x00000000\n',
    );
    expect(amd.host).toMatchObject({ value: 'amd', how: 'seen' });
    expect(importSpteLayout(amd)).toBe('x86');
    expect(sniffTrace('').host).toMatchObject({ value: 'amd', how: 'assumed' });
    // Shadow paging on Intel: the x86 layout.
    const shadow = sniffTrace(HEAD + EPT_EXIT + '\n', { tdp: false });
    expect(shadow.host.value).toBe('intel');
    expect(importSpteLayout(shadow)).toBe('x86');
  });

  it('without kvm_exit lines an SPTE with EPT bits tells it; the NPT traces never do', () => {
    const s = sniffTrace(
      TDP_MMU_LINES.filter((l) => !l.startsWith('kvm_exit'))
        .map((l) => HEAD + l)
        .join('\n'),
    );
    expect(s.host).toMatchObject({ value: 'intel', how: 'seen' });
    const npt = sniffTrace(
      HEAD +
        'kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 2 old_spte 8000000000000000 new_spte cc00ee7\n',
    );
    expect(npt.host).toMatchObject({ value: 'amd', how: 'assumed' });
  });

  it('--ept gives tdp and the host together; --host gives the host alone', () => {
    const on = sniffTrace('', { ept: true });
    expect(on.tdp).toMatchObject({ value: true, how: 'given', why: '--ept' });
    expect(on.host).toMatchObject({ value: 'intel', how: 'given' });
    expect(importSpteLayout(on)).toBe('ept');
    const off = sniffTrace('', { ept: false });
    expect(off.tdp.value).toBe(false);
    expect(off.tdpMmu.value).toBe(false);
    expect(importSpteLayout(off)).toBe('x86');
    const host = sniffTrace(HEAD + EPT_EXIT + '\n', { host: 'amd' });
    expect(host.host).toMatchObject({ value: 'amd', how: 'given', why: '--host' });
  });

  it('a trace file on its own: Intel seen, the EPT layout used, no contradiction', async () => {
    const path = join(dir, 'intel-tdp-mmu.txt');
    writeFileSync(path, TDP_MMU_LINES.map((l) => HEAD + l).join('\n') + '\n');
    const { summary, world } = await importTraceFile(path);
    expect(summary.host).toMatchObject({ value: 'intel', how: 'seen' });
    expect(summary.tdpMmu.value).toBe(true);
    expect(summary.contradictions).toEqual([]);
    expect(traceStateOf(world)!.spteLayout).toBe('ept');
    expect(leafBits(world, 2, 0x0)).toBe('wuxadH');
  });

  it('a trace timeline (a scenario of kernel events) keeps its layout, in clones too', () => {
    const scenario = {
      format: 'kvm-mmu-scenario/1',
      options: { tdp: true, tdpMmu: true },
      vm: { memslots: [], vcpus: 1, rmapHeads: 0 },
      ops: [{ op: 'kernel_event', ev: { ev: 'gap', line: 1, lost: null } }],
      spteLayout: 'ept',
    } as unknown as Scenario;
    const world = buildWorld(scenario);
    expect(traceStateOf(world)!.spteLayout).toBe('ept');
    expect(traceStateOf(world.clone())!.spteLayout).toBe('ept');
    const plain = buildWorld({ ...scenario, spteLayout: undefined } as unknown as Scenario);
    expect(traceStateOf(plain)!.spteLayout).toBe('x86');
  });
});
