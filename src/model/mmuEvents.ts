/**
 * Micro-steps of the shadow MMU's operations (fault, zap, split, shrink), one kernel action
 * each, named by the function it happens in. rmap list work nests the list's own RmapSteps.
 */
import { StepRecorder, type RmapStep } from './events';

export type MmuFn =
  | 'kvm_mmu_page_fault'
  | 'kvm_mmu_slot_try_split_huge_pages'
  | 'kvm_mmu_slot_gfn_write_protect'
  | 'kvm_mmu_track_write'
  | 'pte_list'
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
  | 'tdp_mmu_alloc_sp'
  | 'tdp_mmu_link_sp'
  | 'kvm_tdp_mmu_map'
  | 'kvm_tdp_mmu_write_protect_gfn'
  | 'account_shadowed'
  | 'drop_large_spte'
  | 'kvm_mmu_zap_collapsible_sptes'
  | 'kvm_flush_remote_tlbs'
  | 'mmu_shrink_scan'
  | 'make_mmu_pages_available'
  | 'mmu_alloc_root'
  | 'kvm_mmu_zap_all_fast'
  | 'kvm_unsync_page'
  | 'kvm_sync_page'
  | 'handle_changed_spte'
  | 'fast_page_fault'
  /** KVM_GET_STATS_FD: KVM's statistics, as a trace's marker line printed them. */
  | 'kvm_get_stats'
  | 'trace';

export type MmuStep =
  /** The start of a model operation: every op has at least this one step. */
  | { k: 'op'; fn: MmuFn; text: string }
  /** A step inside a pte_list operation (rmap or parent_ptes), in the order it happened. */
  | { k: 'list'; fn: MmuFn; step: RmapStep }
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
    }
  | {
      k: 'parentPte';
      fn: MmuFn;
      op: 'add' | 'remove';
      page: number;
      sptep: number;
    }
  | { k: 'recycle'; fn: MmuFn; gfn: number; level: number; count: number }
  | { k: 'zapPage'; fn: MmuFn; page: number }
  | { k: 'freePage'; fn: MmuFn; page: number }
  | { k: 'flush'; fn: MmuFn; scope: 'vm' | 'range'; gfn?: number; level?: number }
  | { k: 'writeProtect'; fn: MmuFn; gfn: number; cleared: number }
  | { k: 'split'; fn: MmuFn; gfn: number; level: number; page: number; reused: boolean }
  | { k: 'refuse'; fn: MmuFn; gfn: number; level: number; errno: string }
  | { k: 'note'; fn: MmuFn; text: string }
  /** A trace replay's inference: what the kernel's code must have done that the trace does not print. */
  | { k: 'infer'; fn: MmuFn; text: string }
  /** A trace replay's check of the kernel's own number against the model: agreed, or a contradiction. */
  | { k: 'check'; fn: MmuFn; ok: boolean; text: string };

/** Thrown by a recorder told to stop: the model is left exactly after that step. */
export class Paused extends Error {
  constructor() {
    super('paused');
  }
}

export interface RecorderOptions {
  /** Keep steps whose index is in [from, to); default: keep all. */
  keep?: { from: number; to: number } | false;
  /** Throw Paused right after this many steps (the model holds the state after them). */
  stopAfter?: number;
}

/**
 * One flat stream of micro-steps for a model op: MMU steps and, in between, the steps of every
 * pte_list operation it runs. It can only count (keep: false), keep a window, or stop the model
 * after step k so the state between two micro-steps can be looked at.
 */
export class MmuRecorder {
  readonly steps: MmuStep[] = [];
  /** Index of the first kept step. */
  firstKept = -1;
  count = 0;
  private readonly from: number;
  private readonly to: number;
  private readonly stopAfter: number;

  constructor(opts: RecorderOptions = {}) {
    this.from = opts.keep === false ? 0 : (opts.keep?.from ?? 0);
    this.to = opts.keep === false ? 0 : (opts.keep?.to ?? Infinity);
    this.stopAfter = opts.stopAfter ?? -1;
  }

  push(step: MmuStep): void {
    const n = this.count++;
    if (n >= this.from && n < this.to) {
      if (this.firstKept < 0) this.firstKept = n;
      this.steps.push(step);
    }
    if (this.count === this.stopAfter) throw new Paused();
  }

  /** A pte_list recorder whose steps land in this stream. */
  list(fn: MmuFn): StepRecorder {
    return new ListForwarder(this, fn);
  }
}

class ListForwarder extends StepRecorder {
  constructor(
    private readonly into: MmuRecorder,
    private readonly fn: MmuFn,
  ) {
    super();
  }
  protected override emit(step: RmapStep): void {
    this.into.push({ k: 'list', fn: this.fn, step });
  }
}
