/**
 * Parsed trace records -> the kernel events the model replays (src/model/kernelEvents.ts). One
 * pass, in line order, keeping only the fault in progress: kvm_page_fault starts one, the guest
 * walk's PTEs say which guest tables it went through, and a kvm_exit or a VMM marker ends it (a
 * page got outside a fault is a root: kvm_mmu_load). Events that change no model state
 * (kvm_exit, spte_requested, the walk itself, a fast_page_fault that fixed nothing) are read for
 * context only; mark_mmio_spte names its SPTE by a hashed pointer only, so it is counted, not
 * replayed.
 */
import type { FaultContext, KernelEvent, PrintedPage, Spte64 } from './replay/kernelEvents';
import type { KvmStatsLine } from './kvmStatsLine';
import type { TraceEvent, TraceEventOf } from './mmutraceFormats';
import { pagesPerEntry } from '../model/spte';

/** The PTE of a guest table points at the next table's frame unless it maps a huge page (PS). */
const PS = 0x80;

export class KernelEventsOf {
  private faultSeq = 0;
  private fault: FaultContext | null = null;
  private walking = false;
  /** The gfn the last guest walk of the fault reached (its leaf PTE), or -1. */
  private walkGfn = -1;

  /**
   * The kvm plugin's gfn-less unsync and direct zap events (with their lines' text), held until
   * the next event: it may name their gfn (namedBy). Held across nothing but more of them.
   */
  private held: { e: KernelEvent; text: string | undefined }[] = [];
  /** The text of the line being converted, for the events it gives. */
  private text: string | undefined;

  constructor(private readonly out: (e: KernelEvent, text?: string) => void) {}

  private emit(e: KernelEvent): void {
    this.pass(e, this.text);
  }

  /** An event from elsewhere (a clock going back), in its place among the held ones. */
  pass(e: KernelEvent, text: string | undefined): void {
    if (this.held.length > 0) {
      if (waitsForGfn(e)) {
        this.held.push({ e, text });
        return;
      }
      // Each unsync is named by the SPTE that follows them all; a zap only by what follows it.
      const last = this.held.length - 1;
      this.held.forEach((h, i) =>
        this.out(h.e.ev === 'unsync_page' || i === last ? namedBy(h.e, e) : h.e, h.text),
      );
      this.held = [];
    }
    if (waitsForGfn(e)) this.held.push({ e, text });
    else this.out(e, text);
  }

  /** The events still held go out as they are: the trace ended, or something else came first. */
  flush(): void {
    for (const h of this.held) this.out(h.e, h.text);
    this.held = [];
  }

  /** A VMM marker: userspace ran, so no fault is in progress. */
  marker(): void {
    this.flush();
    this.fault = null;
  }

  /** A kvm-stats marker: KVM's statistics at this line, for the replay to check. */
  kvmStats(line: number, s: KvmStatsLine, text?: string): void {
    this.flush();
    this.fault = null;
    this.text = text;
    this.emit({ ev: 'kvm_stats', line, scope: s.scope, values: s.values });
  }

  gap(line: number, lost: number | null): void {
    this.flush();
    this.fault = null;
    this.text = undefined;
    this.emit({ ev: 'gap', line, lost });
  }

  event(e: TraceEvent & { text?: string }): void {
    this.text = e.text;
    switch (e.event) {
      case 'kvm_exit':
        this.flush();
        this.fault = null;
        return;
      case 'kvm_page_fault':
        this.flush();
        this.fault = {
          seq: ++this.faultSeq,
          page: pageOf(e.faultAddressHi, e.faultAddressLo),
          tables: [],
        };
        this.walking = false;
        this.walkGfn = -1;
        this.emit({ ev: 'page_fault', line: e.line, seq: this.faultSeq });
        return;
      case 'kvm_mmu_pagetable_walk':
        // A walk outside a fault is the emulator's (gva -> gpa), not a fault's.
        if (!this.fault) return;
        this.fault.page = pageOf(e.addrHi, e.addrLo);
        this.fault.tables = [];
        this.walking = true;
        this.walkGfn = -1;
        return;
      case 'kvm_mmu_paging_element': {
        if (!this.fault || !this.walking) return;
        const frame = pageOf(e.pteHi & 0xfffff, e.pteLo);
        if (e.level > 1 && !(e.pteLo & PS)) this.fault.tables[e.level - 1] = frame;
        else {
          // The leaf: a 4 KiB PTE's frame, or a huge one's plus the page's offset in it.
          const n = pagesPerEntry(e.level);
          this.walkGfn = frame - (frame % n) + (this.fault.page % n);
        }
        return;
      }
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
      case 'kvm_mmu_prepare_zap_page': {
        const page = printed(e);
        if (page.pluginText && this.fault && this.walkGfn >= 0) page.walkGfn = this.walkGfn;
        this.emit({ ev: 'prepare_zap', line: e.line, page });
        return;
      }
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
  const p: PrintedPage = {
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
  if (e.unprinted !== undefined) p.pluginText = true;
  return p;
}

/** A gfn-less line of the kvm plugin whose gfn the next event may tell. */
function waitsForGfn(e: KernelEvent): boolean {
  if (e.ev !== 'unsync_page' && e.ev !== 'prepare_zap') return false;
  const p = e.page;
  return (
    p.pluginText === true &&
    Number.isNaN(p.gfn) &&
    (e.ev === 'unsync_page' || (p.direct && !p.invalid))
  );
}

/**
 * `h` with the gfn `next` tells, by the kernel path that prints them one after the other:
 * kvm_unsync_page runs in make_spte's mmu_try_to_unsync_pages for the gfn whose SPTE
 * kvm_mmu_set_spte then prints; handle_removed_pt traces a TDP MMU table's zap, then freezes its
 * entries from index 0, whose kvm_tdp_mmu_spte_changed prints the table's own gfn.
 */
function namedBy(h: KernelEvent, next: KernelEvent): KernelEvent {
  if (h.ev === 'unsync_page' && next.ev === 'set_spte')
    return { ...h, page: { ...h.page, gfn: next.gfn, gfnFrom: next.line } };
  if (
    h.ev === 'prepare_zap' &&
    next.ev === 'tdp_spte_changed' &&
    next.level === h.page.level &&
    next.gfn % pagesPerEntry(next.level + 1) === 0 &&
    isFrozen(next.new)
  )
    return { ...h, page: { ...h.page, gfn: next.gfn, gfnFrom: next.line } };
  return h;
}

/**
 * The value handle_removed_pt freezes an entry with: REMOVED_SPTE 0x5a0 (6.1), FROZEN_SPTE with
 * bit 63, SHADOW_NONPRESENT_VALUE (6.10+); 7.3's traces freeze with 0x1a0 under bit 63.
 */
function isFrozen(s: Spte64): boolean {
  return (s.hi === 0 || s.hi === 0x80000000) && (s.lo === 0x5a0 || s.lo === 0x1a0);
}
