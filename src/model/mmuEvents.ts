/**
 * Micro-steps of the shadow MMU's operations (fault, zap, split, shrink), one kernel action
 * each, named by the function it happens in. rmap list work nests the list's own RmapSteps.
 */
import type { RmapStep } from './events';

export type MmuFn =
  | 'mmu_topup_memory_caches'
  | 'topup_split_caches'
  | 'kvm_mmu_get_shadow_page'
  | 'kvm_mmu_alloc_shadow_page'
  | 'link_shadow_page'
  | 'mmu_set_spte'
  | 'rmap_add'
  | 'drop_spte'
  | 'drop_parent_pte'
  | 'kvm_mmu_prepare_zap_page'
  | 'kvm_mmu_commit_zap_page'
  | 'kvm_zap_gfn_range'
  | 'rmap_write_protect'
  | 'shadow_mmu_try_split_huge_page'
  | 'shadow_mmu_split_huge_page'
  | 'tdp_mmu_split_huge_page'
  | 'drop_large_spte'
  | 'kvm_flush_remote_tlbs'
  | 'mmu_shrink_scan'
  | 'make_mmu_pages_available';

export type MmuStep =
  | { k: 'topup'; fn: MmuFn; cache: string; added: number; nobjs: number }
  | { k: 'lockDrop'; fn: MmuFn; why: string }
  | {
      k: 'getPage';
      fn: MmuFn;
      gfn: number;
      level: number;
      roleWord: number;
      page: number;
      created: boolean;
    }
  | {
      k: 'setSpte';
      fn: MmuFn;
      page: number;
      index: number;
      flags: number;
      target: number;
      gfn: number;
    }
  | { k: 'clearSpte'; fn: MmuFn; page: number; index: number }
  | { k: 'link'; fn: MmuFn; page: number; index: number; child: number }
  | {
      k: 'rmap';
      fn: MmuFn;
      op: 'add' | 'remove' | 'destroy';
      head: number;
      gfn: number;
      level: number;
      sptep: number;
      ret: number | null;
      descsAllocated: number;
      steps: RmapStep[];
    }
  | {
      k: 'parentPte';
      fn: MmuFn;
      op: 'add' | 'remove';
      page: number;
      sptep: number;
      steps: RmapStep[];
    }
  | { k: 'recycle'; fn: MmuFn; gfn: number; level: number; count: number }
  | { k: 'zapPage'; fn: MmuFn; page: number }
  | { k: 'freePage'; fn: MmuFn; page: number }
  | { k: 'flush'; fn: MmuFn; scope: 'vm' | 'range'; gfn?: number; level?: number }
  | { k: 'writeProtect'; fn: MmuFn; gfn: number; cleared: number }
  | { k: 'split'; fn: MmuFn; gfn: number; level: number; page: number; reused: boolean }
  | { k: 'refuse'; fn: MmuFn; gfn: number; level: number; errno: string }
  | { k: 'note'; fn: MmuFn; text: string };

export class MmuRecorder {
  readonly steps: MmuStep[] = [];
  push(step: MmuStep): void {
    this.steps.push(step);
  }
}
