/**
 * struct kvm_mmu_page (arch/x86/kvm/mmu/mmu_internal.h): one shadow page table. Its 512 SPTEs
 * live in the VM's SptStore under `id`; `parentPtes` is a kvm_rmap_head in the VM's PteLists.
 */
import type { KvmMmuPageRole } from './mmuPageRole';
import { PT64_LEVEL_BITS } from './spte';

/** sizeof(struct kvm_mmu_page) on x86-64 (spec §3). */
export const SIZEOF_KVM_MMU_PAGE = 184;
export const PAGE_SIZE = 4096;

export class KvmMmuPage {
  unsync = false;
  rootCount = 0;
  /** Entries that are present (links and leaves), for drawing and stats. */
  present = 0;
  /** active_mmu_pages links: `newer` is toward the list head. */
  newer: KvmMmuPage | null = null;
  older: KvmMmuPage | null = null;
  /** Zapped: off every list, waiting only for its roots to go (role.invalid in the kernel). */
  zapped = false;

  constructor(
    /** The model's page number; its spt "frame" for SPTE pointers and traces. */
    readonly id: number,
    readonly gfn: number,
    readonly role: KvmMmuPageRole,
    readonly roleWord: number,
    /** parent_ptes: a head in the VM's PteLists. */
    readonly parentPtes: number,
    /** shadowed_translation (`gfns` before 6.0) was allocated. */
    readonly hasTranslation: boolean,
    /** A TDP MMU page: no hash, no active list, not in n_used_mmu_pages, no rmaps. */
    readonly tdpMmuPage: boolean,
    /** The model op that created it (for new / reused marks in views). */
    readonly createdAtOp: number,
  ) {}

  /** A copy with the same fields; `newer`/`older` are relinked by the VM's clone. */
  clone(): KvmMmuPage {
    return Object.assign(Object.create(KvmMmuPage.prototype) as KvmMmuPage, this);
  }

  get level(): number {
    return this.role.level;
  }
}

/**
 * kvm_mmu_page_get_gfn: passthrough -> sp->gfn; a page with a translation -> the stored gfn;
 * otherwise (direct) the page's base gfn plus the index times what one entry maps.
 * The merged form of 2032a93d66fa: no quadrant term (spec §3, seed 003).
 */
export function kvmMmuPageGetGfn(sp: KvmMmuPage, index: number, storedGfn: () => number): number {
  if (sp.role.passthrough) return sp.gfn;
  if (sp.hasTranslation && !sp.role.direct) return storedGfn();
  return sp.gfn + index * 2 ** ((sp.role.level - 1) * PT64_LEVEL_BITS);
}

/** The simulated physical address of entry `i` of page `id`: what `u64 *sptep` stands for. */
export function sptepOf(id: number, i: number): number {
  return (id + 1) * PAGE_SIZE + i * 8;
}

export function sptepPage(sptep: number): number {
  return Math.floor(sptep / PAGE_SIZE) - 1;
}

export function sptepIndex(sptep: number): number {
  return (sptep % PAGE_SIZE) / 8;
}
