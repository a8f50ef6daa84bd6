/**
 * The kernel's own MMU events as data the model replays: what each kvmmmu tracepoint says
 * (arch/x86/kvm/mmu/mmutrace.h), plus what the importer read around it of the fault in
 * progress. Nothing here is text: src/trace turns trace lines into these, and traceReplay.ts
 * applies them to a VM.
 */

/** KVM_MMU_PAGE_PRINTK: the part of a shadow page the kernel prints. */
export interface PrintedPage {
  gen: number;
  gfn: number;
  level: number;
  has4ByteGpte: boolean;
  quadrant: number;
  direct: boolean;
  access: number;
  invalid: boolean;
  eferNx: boolean;
  adDisabled: boolean;
  rootCount: number;
  unsync: boolean;
  /**
   * Printed by trace-cmd report's kvm plugin (src/trace/pluginLines.ts): `gen` and `adDisabled`
   * were not in the line (they hold NaN and false), nor, on the zap and sync events, `gfn` (NaN).
   */
  pluginText?: true;
  /**
   * A plugin line's gfn, told by the line of the event after it (kernelEventsOf.ts, namedBy):
   * that line.
   */
  gfnFrom?: number;
  /**
   * A plugin zap inside a fault: the gfn the fault's last guest walk reached (the guest's write
   * kvm_mmu_pte_write handles), which may single out the page (pluginPages.ts).
   */
  walkGfn?: number;
}

/** The fault in progress when an event came (kvm_page_fault, and the guest walk if any). */
export interface FaultContext {
  /** Numbers faults: events of one fault share it. */
  seq: number;
  /** The faulting page: the walk's guest virtual (or L2) page, else the guest physical page. */
  page: number;
  /**
   * tables[level] = the gfn of the guest table walked at that level (the frame the PTE one level
   * up points at); -1 where the walk did not say. Empty without a walk (a TDP fault).
   */
  tables: number[];
}

export interface Spte64 {
  hi: number;
  lo: number;
}

export type KernelEvent =
  | {
      ev: 'get_page';
      line: number;
      page: PrintedPage;
      created: boolean;
      fault: FaultContext | null;
    }
  | {
      ev: 'set_spte';
      line: number;
      gfn: number;
      level: number;
      spte: Spte64;
      w: boolean;
      x: boolean;
      u: boolean | null;
      /** virt_to_phys(sptep): the page's frame and the entry's index. */
      at: number;
      fault: FaultContext | null;
    }
  | { ev: 'prepare_zap'; line: number; page: PrintedPage }
  | { ev: 'zap_all_fast'; line: number; gen: number; usedPages: number }
  | { ev: 'sync_page'; line: number; page: PrintedPage }
  | { ev: 'unsync_page'; line: number; page: PrintedPage }
  | {
      ev: 'tdp_spte_changed';
      line: number;
      asId: number;
      gfn: number;
      level: number;
      old: Spte64;
      new: Spte64;
      /** The fault it happened in (FaultContext.seq), or -1 outside a fault. */
      faultSeq: number;
    }
  | { ev: 'split_huge_page'; line: number; gfn: number; level: number; spte: Spte64; errno: number }
  /** kvm_page_fault: a vCPU's fault reaches kvm_mmu_page_fault (counted in pf_taken). */
  | { ev: 'page_fault'; line: number; seq: number }
  /** fast_page_fault settled a fault without mmu_lock: fixed in place (W, A/D bits), or spurious. */
  | {
      ev: 'fast_page_fault';
      line: number;
      /** The fault it belongs to (FaultContext.seq), or -1. */
      faultSeq: number;
      fixed: boolean;
      /** cr2_or_gpa's page: the address the shadow walk followed. */
      page: number;
      old: Spte64;
      new: Spte64;
    }
  /** KVM's statistics as a marker line printed them (kvm-stats), to check the model's against. */
  | {
      ev: 'kvm_stats';
      line: number;
      scope: 'vm' | 'vcpu0' | 'vcpus';
      values: { name: string; value: number }[];
    }
  /**
   * A line whose timestamp is before the previous line's on the same CPU: impossible within one
   * run (each CPU's ring buffer is in time order), so a contradiction at its line.
   */
  | { ev: 'clock_back'; line: number; cpu: number; ts: number; prevTs: number; prevLine: number }
  /** `[LOST N EVENTS]`: what follows may miss events (null: the kernel did not say how many). */
  | { ev: 'gap'; line: number; lost: number | null };

export type KernelEventName = KernelEvent['ev'];

/**
 * SPTE_MMU_PRESENT_MASK (bit 11) and PT_PAGE_SIZE_MASK (bit 7). Both are the same in the x86 and
 * the EPT layout (spteBits.ts): bit 11 is KVM's own, ignored by every SPTE format, and never set
 * in an MMIO SPTE; bit 7 is PS in a PDE/PDPTE of either format. So is the frame below.
 */
export const spteIsPresent = (s: Spte64): boolean => (s.lo & (1 << 11)) !== 0;
export const spteIsLarge = (s: Spte64): boolean => (s.lo & (1 << 7)) !== 0;
/** The frame an SPTE points at (bits 12..51, SPTE_BASE_ADDR_MASK, in both layouts). */
export const sptePfn = (s: Spte64): number => (s.hi & 0xfffff) * 2 ** 20 + (s.lo >>> 12);

/** A short label for an event: the timeline's name for its op. */
export function kernelEventLabel(e: KernelEvent): string {
  const hex = (n: number) => n.toString(16);
  switch (e.ev) {
    case 'get_page':
      return `get_page gfn ${hex(e.page.gfn)} l${e.page.level} ${e.created ? 'new' : 'existing'}`;
    case 'set_spte':
      return `set_spte gfn ${hex(e.gfn)} l${e.level} at ${hex(e.at)}`;
    case 'prepare_zap':
      return `prepare_zap gfn ${hex(e.page.gfn)} l${e.page.level}${e.page.invalid ? ' invalid' : ''}`;
    case 'zap_all_fast':
      return `zap_all_fast used_pages ${e.usedPages}`;
    case 'sync_page':
      return `sync_page gfn ${hex(e.page.gfn)} l${e.page.level}`;
    case 'unsync_page':
      return `unsync_page gfn ${hex(e.page.gfn)} l${e.page.level}`;
    case 'tdp_spte_changed':
      return `tdp_spte_changed gfn ${hex(e.gfn)} l${e.level}`;
    case 'split_huge_page':
      return `split_huge_page gfn ${hex(e.gfn)} l${e.level}`;
    case 'page_fault':
      return `page_fault #${e.seq}`;
    case 'fast_page_fault':
      return `fast_page_fault ${e.fixed ? 'fixed' : 'spurious'} at ${hex(e.page * 4096)}`;
    case 'kvm_stats':
      return `kvm-stats ${e.scope}: ${e.values.length} values`;
    case 'gap':
      return e.lost === null ? 'lost events' : `lost ${e.lost} events`;
    case 'clock_back':
      return `CPU ${e.cpu}'s clock goes back`;
  }
}
