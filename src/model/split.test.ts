/**
 * The eager split's child role (shadow_mmu_get_sp_for_split): role.access is
 * kvm_mmu_page_get_access(huge_sp, index), the guest's access kept in shadowed_translation
 * (6a97575d5cff, 6.0, with the split itself), not the huge SPTE's bits.
 */
import { describe, expect, it } from 'vitest';
import { optionsForKernel, type KernelVersion } from './kernelVersions';
import { ACC_ALL } from './mmuPageRole';
import { applyMmuOp, MmuWorld, type MmuOp } from './mmuOps';
import { SPTE_WRITABLE } from './spte';
import { kvmMmuPageGetAccess, spteFlags } from './sptes';
import { checkVm } from './vmInvariants';

const GiB = 262144;

function run(v: KernelVersion, ...ops: MmuOp[]) {
  const w = new MmuWorld(
    { memslots: [{ baseGfn: 0, npages: 2 * GiB }], vcpus: 1, guestTablesGfn: GiB - 0x100 },
    { ...optionsForKernel(v), tdp: true, tdpMmu: true },
  );
  const out = ops.map((op) => applyMmuOp(w, op));
  checkVm(w.vm);
  return { w, last: out.at(-1)! };
}

/** L1 maps a 2 MiB page for its L2; then the huge SPTE is write-protected (dirty logging, say). */
const hugeWriteProtected: MmuOp[] = [
  { op: 'fault', kind: 'nested', gfn: GiB, gva: 0, level: 2, hostLevel: 2 },
  { op: 'write_protect', gfn: GiB },
];

describe.each(['6.1', 'current'] as const)(
  'the split child of a write-protected huge SPTE (%s)',
  (v) => {
    it('keeps the guest access in shadowed_translation while the SPTE loses its write bit', () => {
      const { w } = run(v, ...hugeWriteProtected);
      const huge = [...w.vm.livePages()].find((p) => p.level === 2 && !p.role.direct)!;
      expect(spteFlags(w.vm, huge, 0) & SPTE_WRITABLE).toBe(0);
      expect(kvmMmuPageGetAccess(w.vm, huge, 0)).toBe(ACC_ALL);
    });

    it('gets role.access = ACC_ALL, and a later 4 KiB fault reuses it without a flush', () => {
      const { w } = run(v, ...hugeWriteProtected, { op: 'split', targetLevel: 1 });
      const child = [...w.vm.livePages()].find((p) => p.level === 1 && p.role.direct)!;
      expect(child.role.access).toBe(ACC_ALL);
      const fault = applyMmuOp(w, {
        op: 'fault',
        kind: 'nested',
        gfn: GiB + 5,
        gva: 5,
        level: 2,
        hostLevel: 1,
        write: true,
      });
      expect(fault.cost).toMatchObject({ pagesCreated: 0, tlbFlushes: 0, rangeFlushes: 0 });
      checkVm(w.vm);
    });
  },
);
