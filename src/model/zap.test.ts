/**
 * Zapping, read against mmu.c: kvm_mmu_unlink_parents drains parent_ptes with rmap_get_first
 * (so the removals, and their costs, follow the list's own order), and the function that zaps a
 * whole rmap is named per era: kvm_zap_rmapp (< 5.15), pte_list_destroy (5.15, a75b540451d2),
 * kvm_zap_all_rmap_sptes (6.0, 9202aee816c8).
 */
import { describe, expect, it } from 'vitest';
import { optionsForKernel, type KernelVersion } from './kernelVersions';
import type { MmuStep } from './mmuEvents';
import { applyMmuOp, MmuWorld } from './mmuOps';
import { checkVm } from './vmInvariants';

const GiB = 262144;

type ParentStep = Extract<MmuStep, { k: 'parentPte' }>;

describe('kvm_mmu_unlink_parents', () => {
  it('drops parent_ptes in rmap_get_first order: slot 0, then what moved into it', () => {
    const w = new MmuWorld(
      { memslots: [{ baseGfn: 0, npages: 2 * GiB }], vcpus: 1, guestTablesGfn: GiB - 0x100 },
      { tdp: true, tdpMmu: true },
    );
    // Three L2s whose L1 maps the same gigabyte, host-backed by 4 KiB: one direct level-2 page
    // (gfn GiB) under three nested L3 pages.
    const adds: number[] = [];
    for (const as of [0, 1, 2]) {
      const r = applyMmuOp(
        w,
        { op: 'fault', kind: 'nested', gfn: GiB, gva: 0, as, level: 3, hostLevel: 1 },
        { record: true },
      );
      const shared = [...w.vm.livePages()].find((p) => p.level === 2 && p.role.direct)!;
      for (const s of r.steps)
        if (s.k === 'parentPte' && s.op === 'add' && s.page === shared.id) adds.push(s.sptep);
    }
    expect(adds).toHaveLength(3);
    const shared = [...w.vm.livePages()].find((p) => p.level === 2 && p.role.direct)!;
    const r = applyMmuOp(w, { op: 'zap', page: shared.id }, { record: true });
    const removed = r.steps
      .filter((s): s is ParentStep => s.k === 'parentPte' && s.op === 'remove')
      .filter((s) => s.page === shared.id)
      .map((s) => s.sptep);
    expect(removed).toEqual([adds[0], adds[2], adds[1]]);
    checkVm(w.vm);
  });
});

describe('the whole-rmap zap, named per era', () => {
  const names = (v: KernelVersion) => {
    const w = new MmuWorld(
      { memslots: [{ baseGfn: 0, npages: 1 << 20 }], vcpus: 1 },
      { ...optionsForKernel(v), tdp: true, tdpMmu: false },
    );
    applyMmuOp(w, { op: 'fault', kind: 'tdp', gfn: 5 });
    const r = applyMmuOp(w, { op: 'zap_gfn', gfn: 5 }, { record: true });
    return new Set(r.steps.flatMap((s) => (s.k === 'list' ? [s.step.fn] : [])));
  };
  it('kvm_zap_rmapp up to 5.14', () => expect(names('5.14')).toEqual(new Set(['kvm_zap_rmapp'])));
  it('pte_list_destroy in 5.15', () =>
    expect(names('5.15')).toEqual(new Set(['pte_list_destroy'])));
  it('kvm_zap_all_rmap_sptes from 6.0', () =>
    expect(names('6.0')).toEqual(new Set(['kvm_zap_all_rmap_sptes'])));
});
