/**
 * account_shadowed / unaccount_shadowed (mmu.c, page_track.c): every page with guest PTEs bans
 * huge mappings over its gfn (kvm_mmu_gfn_disallow_lpage) and write-protects it from 4 KiB up
 * (kvm_mmu_slot_gfn_write_protect). Upper-level tables go through the write tracker and flush
 * the whole VM; a level-1 table flushes its gfn (ranged from 5.0, c3134ce240ee).
 */
import { describe, expect, it } from 'vitest';
import { optionsForKernel, type KernelVersion } from './kernelVersions';
import type { MmuStep } from './mmuEvents';
import { applyMmuOp, MmuWorld, type MmuOp } from './mmuOps';
import { zapPage } from './zap';
import { checkVm } from './vmInvariants';

const TABLES = 0x10000;

function shadow(v: KernelVersion = 'current'): MmuWorld {
  return new MmuWorld(
    { memslots: [{ baseGfn: 0, npages: 1 << 20 }], vcpus: 1, guestTablesGfn: TABLES },
    { ...optionsForKernel(v), tdp: false, tdpMmu: false },
  );
}

const hugeFault = (gfn: number): MmuOp => ({
  op: 'fault',
  kind: 'shadow',
  gfn,
  gva: 0x200,
  level: 2,
  hostLevel: 2,
});

describe('account_shadowed: the huge-page ban', () => {
  it('maps a guest 2 MiB page at 4 KiB when it holds a shadowed guest table', () => {
    const w = shadow();
    // The process's own tables are gfns 0x10000..0x10002: inside the 2 MiB at 0x10000.
    expect(applyMmuOp(w, hugeFault(TABLES)).summary).toMatch(/-> level-1 page/);
    expect(applyMmuOp(w, hugeFault(0x20000)).summary).toMatch(/-> level-2 page/);
    expect(w.vm.stat).toMatchObject({ pages_4k: 1, pages_2m: 1 });
  });

  it('lifts the ban when the pages shadowing the table are zapped (unaccount_shadowed)', () => {
    const w = shadow();
    applyMmuOp(w, hugeFault(TABLES));
    expect(w.vm.lpageDisallowed.size).toBeGreaterThan(0);
    for (const sp of [...w.vm.livePages()]) if (!sp.zapped && w.vm.pages[sp.id]) zapPage(w.vm, sp);
    expect(w.vm.lpageDisallowed.size).toBe(0);
    expect(w.vm.indirectShadowPages).toBe(0);
    checkVm(w.vm);
  });
});

describe('account_shadowed: write protection and its flush', () => {
  /** Process 0 maps gfns that become process 1's root (0x10004) and level-1 table (0x10007). */
  function flushesOfSecondProcess(v: KernelVersion) {
    const w = shadow(v);
    applyMmuOp(w, { op: 'fault', kind: 'shadow', as: 0, gfn: TABLES + 4, gva: 0, write: true });
    applyMmuOp(w, { op: 'fault', kind: 'shadow', as: 0, gfn: TABLES + 7, gva: 1, write: true });
    const r = applyMmuOp(
      w,
      { op: 'fault', kind: 'shadow', as: 1, gfn: 0x1000, gva: 0 },
      {
        record: true,
      },
    );
    checkVm(w.vm);
    return r.steps
      .filter((s): s is Extract<MmuStep, { k: 'flush' }> => s.k === 'flush')
      .filter((s) => s.fn === 'account_shadowed')
      .map((s) => s.scope);
  }

  it('flushes the VM for the root table and the gfn for the level-1 table (5.0+)', () => {
    expect(flushesOfSecondProcess('current')).toEqual(['vm', 'range']);
    expect(flushesOfSecondProcess('5.9')).toEqual(['vm', 'range']);
  });

  it('flushed the whole VM for both before ranged flushes (3.6)', () => {
    expect(flushesOfSecondProcess('3.6')).toEqual(['vm', 'vm']);
  });
});
