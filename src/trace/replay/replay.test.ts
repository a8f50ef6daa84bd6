/**
 * The replay's checks, on small hand-written traces: what agrees, and each kind of contradiction
 * the issue names (a zap of an unknown page, an "existing" lookup the model cannot find, a "new"
 * one it already has, used_pages against n_used_mmu_pages), with the line and, after a gap, the
 * warning that the gap may be the cause. Inferred steps are marked as such in the micro-steps.
 */
import { describe, expect, it } from 'vitest';
import { mmuCaption } from '../../model/mmuStepCaption';
import { applyMmuOp, MmuWorld, type MmuOpResult } from '../../model/mmuOps';
import type { KernelEvent } from './kernelEvents';
import { SPTE_HUGE, SPTE_WRITABLE } from '../../model/spte';
import { installTraceReplay, traceStateOf } from './replayKernelEvent';
import { TraceParser } from '../traceParser';
import { TraceImport } from '../traceImport';

const HEAD = '             vmm-225     [000] ...1.     4.641393: ';
const ROOT = 'kvm_mmu_get_page: sp gen 0 gfn 10 l4 8-byte q0 wux nxe ad root 0 sync new';
const PF = 'kvm_page_fault: vcpu 0 rip 0x1000 address 0x0000000040000000 error_code 0x6';
const WALK = [
  'kvm_mmu_pagetable_walk: addr 40000000 pferr 6 W|U',
  'kvm_mmu_paging_element: pte 11023 level 4',
  'kvm_mmu_paging_element: pte 13023 level 3',
  'kvm_mmu_paging_element: pte 20023 level 2',
];
const L3 = 'kvm_mmu_get_page: sp gen 0 gfn 11 l3 8-byte q0 w-x nxe ad root 0 sync new';

function replay(lines: string[], record = false, pageLimit?: number) {
  const world = new MmuWorld(
    { memslots: [], vcpus: 1, rmapHeads: 0 },
    { tdp: false, tdpMmu: false, rmap: 'tail_count' },
  );
  installTraceReplay(world);
  if (pageLimit !== undefined) traceStateOf(world)!.pageLimit = pageLimit;
  const results: MmuOpResult[] = [];
  const events: KernelEvent[] = [];
  const imp = new TraceImport((ev) => {
    events.push(ev);
    results.push(applyMmuOp(world, { op: 'kernel_event', ev }, { record }));
  });
  const p = new TraceParser(imp.handlers);
  p.push(
    lines.map((l) => (l.startsWith('[') || l.startsWith('CPU') ? l : HEAD + l)).join('\n') + '\n',
  );
  p.end();
  return { world, results, events, r: traceStateOf(world)! };
}

describe('the replay page bound (LIMITS.tracePages)', () => {
  it('refuses the trace at the line of the first new page past it', () => {
    const pages = [
      ROOT,
      L3,
      'kvm_mmu_get_page: sp gen 0 gfn 13 l2 8-byte q0 w-x nxe ad root 0 sync new',
    ];
    expect(() => replay(pages, false, 3)).not.toThrow();
    expect(() => replay(pages, false, 2)).toThrow(
      'line 3: a new page past 2 held at once, the most a replay keeps (LIMITS.tracePages)',
    );
  });
});

describe('trace replay checks', () => {
  it('agrees on a root, a child linked under it, a leaf and used_pages', () => {
    const { r, world, events } = replay([
      ROOT,
      'kvm_exit: vcpu 0 reason npf rip 0x1000 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000',
      PF,
      ...WALK,
      L3,
      'kvm_mmu_get_page: sp gen 0 gfn 13 l2 8-byte q0 w-x nxe ad root 0 sync new',
      'kvm_mmu_get_page: sp gen 0 gfn 20 l1 8-byte q0 w-x nxe ad root 0 sync new',
      'kvm_mmu_set_spte: gfn 400 spte bfda9e63 (rwx-) level 1 at aade000',
      'kvm_mmu_zap_all_fast: kvm-mmu-valid-gen 0 used_pages 4',
    ]);
    expect(r.contradictions).toEqual([]);
    expect(r.usedPages).toEqual([{ line: 12, kernel: 4, model: 4 }]);
    expect(events[0]).toMatchObject({ ev: 'get_page', fault: null });
    expect(events[1]).toMatchObject({ ev: 'page_fault', seq: 1 });
    // The walk says which guest tables the fault went through: gfn 0x11 at level 3, 0x13 at 2, 0x20 at 1.
    expect(events[2]).toMatchObject({ ev: 'get_page', fault: { page: 0x40000 } });
    const pages = [...world.vm.livePages()];
    const byGfn = (g: number) => pages.find((p) => p.gfn === g)!;
    expect(byGfn(0x10).rootCount).toBe(1);
    expect(r.frameOf.get(byGfn(0x20).id)).toBe(0xaade);
    expect(r.inferredLinks.size).toBe(3);
    expect(r.rmapEntries.size).toBe(1);
  });

  it('a zap of a page the model does not have is a contradiction, with its line', () => {
    const { r } = replay([
      ROOT,
      'kvm_mmu_prepare_zap_page: sp gen 0 gfn 99 l1 8-byte q0 w-x nxe ad root 0 sync',
    ]);
    expect(r.contradictions).toEqual([
      {
        line: 2,
        message: 'zap of gfn 0x99 level 1, a page the model does not have',
        fn: 'kvm_mmu_prepare_zap_page',
      },
    ]);
  });

  it('an "existing" lookup must find its page', () => {
    const { r } = replay([
      ROOT,
      PF,
      ...WALK,
      'kvm_mmu_get_page: sp gen 0 gfn 11 l3 8-byte q0 w-x nxe ad root 0 sync existing',
    ]);
    expect(r.contradictions.map((c) => c.line)).toEqual([7]);
    expect(r.contradictions[0]!.message).toMatch(/"existing" lookup of gfn 0x11 level 3/);
  });

  it('used_pages that the model does not hold is a contradiction; after a gap it says so', () => {
    const { r } = replay([
      ROOT,
      'CPU:0 [LOST 3 EVENTS]',
      'kvm_mmu_zap_all_fast: kvm-mmu-valid-gen 0 used_pages 2',
    ]);
    expect(r.usedPages).toEqual([{ line: 3, kernel: 2, model: 1 }]);
    expect(r.contradictions).toHaveLength(1);
    expect(r.contradictions[0]!.message).toMatch(/lost events at line 2: may come from the gap/);
  });

  it('a zapped root stays counted until its last root_count is put, then goes', () => {
    const { r, world } = replay([
      ROOT,
      'kvm_mmu_prepare_zap_page: sp gen 0 gfn 10 l4 8-byte q0 wux nxe ad root 1 sync',
      'kvm_mmu_zap_all_fast: kvm-mmu-valid-gen 0 used_pages 1',
      'kvm_mmu_prepare_zap_page: sp gen 0 gfn 10 l4 8-byte q0 wux invalid nxe ad root 0 sync',
      'kvm_mmu_zap_all_fast: kvm-mmu-valid-gen 1 used_pages 0',
    ]);
    expect(r.contradictions).toEqual([]);
    expect(world.vm.nUsedMmuPages).toBe(0);
  });

  it('marks inferred micro-steps and checks in the step captions', () => {
    const { results, world } = replay(
      [ROOT, PF, ...WALK, L3, 'kvm_mmu_zap_all_fast: kvm-mmu-valid-gen 0 used_pages 2'],
      true,
    );
    const captions = results.flatMap((x) => x.steps.map((s) => mmuCaption(s, String, true)));
    expect(captions).toContain(
      'mmu_alloc_root: (inferred) page 0 is a root: got outside any fault (kvm_mmu_load), root_count 1',
    );
    expect(
      captions.some((c) => /^link_shadow_page: \(inferred\) page 0\[0\] links page 1/.test(c)),
    ).toBe(true);
    expect(captions).toContain(
      'kvm_mmu_zap_all_fast: agrees: used_pages 2 (kernel) vs n_used_mmu_pages 2 (model)',
    );
    expect(world.vm.nUsedMmuPages).toBe(2);
  });

  it('fast_page_fault fixes the leaf the walk from a root reaches, or is a contradiction', () => {
    const tdpRoot =
      'kvm_mmu_get_page: sp gen 0 gfn 0 l4 8-byte q0 direct wux nxe ad root 0 sync new';
    const fault = 'kvm_page_fault: vcpu 0 rip 0x1000 address 0x0000000000010000 error_code 0x6';
    const lines = [
      tdpRoot,
      fault,
      'kvm_mmu_get_page: sp gen 0 gfn 0 l3 8-byte q0 direct wux nxe ad root 0 sync new',
      'kvm_mmu_get_page: sp gen 0 gfn 0 l2 8-byte q0 direct wux nxe ad root 0 sync new',
      'kvm_mmu_get_page: sp gen 0 gfn 0 l1 8-byte q0 direct wux nxe ad root 0 sync new',
      'kvm_mmu_set_spte: gfn 10 spte cc10e65 (r-xu) level 1 at b07a080',
      'fast_page_fault: vcpu 0 gva 10000 error_code P|W|U sptep 000000005ba98153 old 0xcc10e65 new cc10e67 spurious 0 fixed 1',
      'fast_page_fault: vcpu 0 gva 20000 error_code P|W|U sptep 000000005ba98153 old 0xcc20e65 new cc20e67 spurious 0 fixed 1',
    ];
    const world = shadowTdpReplay(lines);
    const leaf = [...world.vm.livePages()].find((sp) => sp.level === 1)!;
    expect(world.vm.spt.flagsAt(leaf.id, 0x10) & SPTE_WRITABLE).toBe(SPTE_WRITABLE);
    expect(traceStateOf(world)!.contradictions.map((c) => c.line)).toEqual([8]);
  });

  /** A TDP (shadow MMU) root, then one fault down to a 2 MiB leaf at gfn 0x200 (page 2's entry 1). */
  const HUGE_LEAF = [
    'kvm_mmu_get_page: sp gen 0 gfn 0 l4 8-byte q0 direct wux nxe ad root 0 sync new',
    'kvm_page_fault: vcpu 0 rip 0x1000 address 0x0000000000200000 error_code 0x6',
    'kvm_mmu_get_page: sp gen 0 gfn 0 l3 8-byte q0 direct wux nxe ad root 0 sync new',
    'kvm_mmu_get_page: sp gen 0 gfn 0 l2 8-byte q0 direct wux nxe ad root 0 sync new',
    'kvm_mmu_set_spte: gfn 200 spte cc00ee7 (rwxu) level 2 at b07a008',
  ];
  const tdpReplay = (lines: string[]) => {
    const world = shadowTdpReplay(lines);
    const huge = [...world.vm.livePages()].find((sp) => sp.level === 2)!;
    return { r: traceStateOf(world)!, flags: world.vm.spt.flagsAt(huge.id, 1) };
  };

  it('fast_page_fault of a 4 KiB SPTE is not the 2 MiB leaf of the same pfn: a contradiction, the leaf stays huge', () => {
    // A second VM's fault where the model still has the first's huge leaf (two runs in one trace).
    const { r, flags } = tdpReplay([
      ...HUGE_LEAF,
      'fast_page_fault: vcpu 0 gva 200000 error_code P|W|U sptep 000000005ba98153 old 0xcc00e65 new cc00e67 spurious 0 fixed 1',
      // Written again: the entry is still a leaf (once read as a link to no page, this threw).
      'kvm_mmu_set_spte: gfn 200 spte cc00ee7 (rwxu) level 2 at b07a008',
    ]);
    expect(r.contradictions.map((c) => [c.line, c.fn])).toEqual([[6, 'fast_page_fault']]);
    expect(flags & SPTE_HUGE).toBe(SPTE_HUGE);
  });

  it('kvm_mmu_set_spte above 4 KiB without PS is a contradiction, not a link to no page', () => {
    const { r, flags } = tdpReplay([
      ...HUGE_LEAF.slice(0, 4),
      'kvm_mmu_set_spte: gfn 200 spte cc00e67 (rwxu) level 2 at b07a008',
      'kvm_mmu_set_spte: gfn 200 spte cc00ee7 (rwxu) level 2 at b07a008',
    ]);
    expect(r.contradictions).toEqual([
      {
        line: 5,
        message:
          'level-2 SPTE cc00e67 without PS (bit 7): mmu_set_spte writes leaves, and a leaf above 4 KiB is huge',
        fn: 'mmu_set_spte',
      },
    ]);
    expect(flags & SPTE_HUGE).toBe(SPTE_HUGE);
  });

  it('a checkpoint taken before a memslot appeared replays on its own', () => {
    const world = new MmuWorld(
      { memslots: [], vcpus: 1, rmapHeads: 0 },
      { tdp: false, tdpMmu: false },
    );
    installTraceReplay(world);
    const events: KernelEvent[] = [];
    const imp = new TraceImport((ev) => events.push(ev));
    const p = new TraceParser(imp.handlers);
    p.push([ROOT, PF, ...WALK, L3].map((l) => HEAD + l).join('\n') + '\n');
    p.end();
    const checkpoint = world.clone();
    for (const ev of events) applyMmuOp(world, { op: 'kernel_event', ev });
    expect(checkpoint.vm.memslots).toHaveLength(0);
    for (const ev of events) applyMmuOp(checkpoint, { op: 'kernel_event', ev });
    expect(traceStateOf(checkpoint)!.contradictions).toEqual([]);
    expect(checkpoint.vm.nUsedMmuPages).toBe(world.vm.nUsedMmuPages);
    // The clone's rmap figures are its own.
    expect(traceStateOf(checkpoint)!.peak).toEqual(traceStateOf(world)!.peak);
  });
});

/** `lines` (event text after the task/CPU/time head) replayed as TDP on the shadow MMU. */
function shadowTdpReplay(lines: string[]): MmuWorld {
  const world = new MmuWorld(
    { memslots: [], vcpus: 1, rmapHeads: 0 },
    { tdp: true, tdpMmu: false },
  );
  installTraceReplay(world);
  const imp = new TraceImport((ev) => applyMmuOp(world, { op: 'kernel_event', ev }));
  const p = new TraceParser(imp.handlers);
  p.push(lines.map((l) => HEAD + l).join('\n') + '\n');
  p.end();
  return world;
}
