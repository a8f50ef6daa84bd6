/**
 * Parsed trace records -> the kernel events the model replays (src/model/kernelEvents.ts). One
 * pass, in line order, keeping only the fault in progress: kvm_page_fault starts one, the guest
 * walk's PTEs say which guest tables it went through, and a kvm_exit or a VMM marker ends it (a
 * page got outside a fault is a root: kvm_mmu_load). Events that change no model state
 * (kvm_exit, spte_requested, the walk itself, a fast_page_fault that fixed nothing) are read for
 * context only; mark_mmio_spte names its SPTE by a hashed pointer only, so it is counted, not
 * replayed.
 */
import type { FaultContext, KernelEvent, PrintedPage } from './replay/kernelEvents';
import type { KvmStatsLine } from './kvmStatsLine';
import type { TraceEvent, TraceEventOf } from './mmutraceFormats';

/** The PTE of a guest table points at the next table's frame unless it maps a huge page (PS). */
const PS = 0x80;

export class KernelEventsOf {
  private faultSeq = 0;
  private fault: FaultContext | null = null;
  private walking = false;

  constructor(private readonly emit: (e: KernelEvent) => void) {}

  /** A VMM marker: userspace ran, so no fault is in progress. */
  marker(): void {
    this.fault = null;
  }

  /** A kvm-stats marker: KVM's statistics at this line, for the replay to check. */
  kvmStats(line: number, s: KvmStatsLine): void {
    this.fault = null;
    this.emit({ ev: 'kvm_stats', line, scope: s.scope, values: s.values });
  }

  gap(line: number, lost: number | null): void {
    this.fault = null;
    this.emit({ ev: 'gap', line, lost });
  }

  event(e: TraceEvent): void {
    switch (e.event) {
      case 'kvm_exit':
        this.fault = null;
        return;
      case 'kvm_page_fault':
        this.fault = {
          seq: ++this.faultSeq,
          page: pageOf(e.faultAddressHi, e.faultAddressLo),
          tables: [],
        };
        this.walking = false;
        this.emit({ ev: 'page_fault', line: e.line, seq: this.faultSeq });
        return;
      case 'kvm_mmu_pagetable_walk':
        // A walk outside a fault is the emulator's (gva -> gpa), not a fault's.
        if (!this.fault) return;
        this.fault.page = pageOf(e.addrHi, e.addrLo);
        this.fault.tables = [];
        this.walking = true;
        return;
      case 'kvm_mmu_paging_element':
        if (this.fault && this.walking && e.level > 1 && !(e.pteLo & PS))
          this.fault.tables[e.level - 1] = pageOf(e.pteHi & 0xfffff, e.pteLo);
        return;
      case 'kvm_mmu_get_page':
        this.emit({
          ev: 'get_page',
          line: e.line,
          page: printed(e),
          created: e.created,
          fault: this.snapshot(),
        });
        return;
      case 'kvm_mmu_set_spte':
        this.emit({
          ev: 'set_spte',
          line: e.line,
          gfn: e.gfn,
          level: e.level,
          spte: { hi: e.spteHi, lo: e.spteLo },
          w: e.w,
          x: e.x,
          u: e.u,
          at: e.at,
          fault: this.snapshot(),
        });
        return;
      case 'kvm_mmu_prepare_zap_page':
        this.emit({ ev: 'prepare_zap', line: e.line, page: printed(e) });
        return;
      case 'kvm_mmu_sync_page':
        this.emit({ ev: 'sync_page', line: e.line, page: printed(e) });
        return;
      case 'kvm_mmu_unsync_page':
        this.emit({ ev: 'unsync_page', line: e.line, page: printed(e) });
        return;
      case 'kvm_mmu_zap_all_fast':
        this.emit({
          ev: 'zap_all_fast',
          line: e.line,
          gen: e.mmuValidGen,
          usedPages: e.mmuUsedPages,
        });
        return;
      case 'kvm_tdp_mmu_spte_changed':
        this.emit({
          ev: 'tdp_spte_changed',
          line: e.line,
          asId: e.asId,
          gfn: e.gfn,
          level: e.level,
          old: { hi: e.oldSpteHi, lo: e.oldSpteLo },
          new: { hi: e.newSpteHi, lo: e.newSpteLo },
          faultSeq: this.fault?.seq ?? -1,
        });
        return;
      case 'fast_page_fault':
        if (e.fixed || e.spurious)
          this.emit({
            ev: 'fast_page_fault',
            line: e.line,
            faultSeq: this.fault?.seq ?? -1,
            fixed: e.fixed,
            page: pageOf(e.cr2OrGpaHi, e.cr2OrGpaLo),
            old: { hi: e.oldSpteHi, lo: e.oldSpteLo },
            new: { hi: e.newSpteHi, lo: e.newSpteLo },
          });
        return;
      case 'kvm_mmu_split_huge_page':
        this.emit({
          ev: 'split_huge_page',
          line: e.line,
          gfn: e.gfn,
          level: e.level,
          spte: { hi: e.spteHi, lo: e.spteLo },
          errno: e.errno,
        });
        return;
      default:
        return;
    }
  }

  /** The fault as it stands: a copy, since the walk goes on changing it. */
  private snapshot(): FaultContext | null {
    const f = this.fault;
    return f ? { seq: f.seq, page: f.page, tables: f.tables.slice() } : null;
  }
}

/** The 4 KiB page of a 64-bit address printed as hi/lo halves. */
function pageOf(hi: number, lo: number): number {
  return hi * 2 ** 20 + (lo >>> 12);
}

type PageRecord = TraceEventOf<
  'kvm_mmu_get_page' | 'kvm_mmu_prepare_zap_page' | 'kvm_mmu_sync_page' | 'kvm_mmu_unsync_page'
>;

function printed(e: PageRecord): PrintedPage {
  return {
    gen: e.mmuValidGen,
    gfn: e.gfn,
    level: e.level,
    has4ByteGpte: e.has4ByteGpte,
    quadrant: e.quadrant,
    direct: e.direct,
    access: e.access,
    invalid: e.invalid,
    eferNx: e.eferNx,
    adDisabled: e.adDisabled,
    rootCount: e.rootCount,
    unsync: e.unsync,
  };
}
