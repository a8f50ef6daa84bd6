/**
 * What a trace replay keeps beside the model's VM: each shadow page's frame (learnt from
 * `kvm_mmu_set_spte`'s `at` or a TDP MMU link), the fault in progress, and every check and
 * inference, each with its line. Wherever the trace prints a number of the kernel's own, the
 * model's is checked against it; a disagreement is a contradiction, kept with its line, never
 * smoothed over. What the trace does not say is inferred from the kernel's code paths, and every
 * inference is a marked micro-step ('infer') counted by kind.
 */
import { LIMITS } from '../../scenario/limits';
import type { MmuFn } from '../../model/mmuEvents';
import type { KvmMmuPage } from '../../model/mmuPage';
import { sptepPage } from '../../model/mmuPage';
import { mmuTopupMemoryCaches } from '../../model/pageTable';
import type { Kvm } from '../../model/vm';
import { commitZapPage } from '../../model/zap';
import { hex } from '../../model/hex';
import type { FaultContext, PrintedPage } from './kernelEvents';
import type { SpteLayout } from './spteBits';
import type { FaultWindow } from './faultOutcome';
import type { KernelStatCheck } from './kvmStats';

export interface Contradiction {
  line: number;
  message: string;
  /** The kernel function whose check it is. */
  fn: MmuFn;
}

export interface UsedPagesCheck {
  line: number;
  kernel: number;
  model: number;
}

export interface Inference {
  line: number;
  kind: InferenceKind;
  text: string;
}

export type InferenceKind =
  | 'memslot'
  | 'root'
  | 'link'
  | 'frame'
  | 'topup'
  | 'role'
  | 'split'
  | 'sync'
  | 'tdp-free'
  | 'collapse'
  /** A page trace-cmd report's kvm plugin printed without its gfn, placed (pluginPages.ts). */
  | 'plugin';

/** Inferences kept one by one (all are counted): enough to point at each kind's cases. */
const KEEP_INFERENCES = 500;
/** The trace names no memslots: the model covers each 64 MiB of gfns the trace touches. */
const SLOT_PAGES = 1 << 14;

export class TraceReplay {
  /** The most pages the replay holds before it refuses the trace (LIMITS.tracePages; tests lower it). */
  pageLimit: number = LIMITS.tracePages;
  /** The host's SPTE format, which every SPTE the trace prints is read by (spteBits.ts). */
  spteLayout: SpteLayout = 'x86';
  /** Shadow page id -> its frame (from `at`, or a TDP link's pfn), and back. */
  frameOf = new Map<number, number>();
  pageAt = new Map<number, number>();
  /** The fault in progress and the page it got at each level. */
  faultSeq = -1;
  faultPages: number[] = [];
  contradictions: Contradiction[] = [];
  usedPages: UsedPagesCheck[] = [];
  inferences: Inference[] = [];
  inferred: Partial<Record<InferenceKind, number>> = {};
  lastGapLine: number | null = null;
  /** The TDP MMU's current root per address space, its pages awaiting their link, tables being emptied. */
  tdpRoots = new Map<number, number>();
  tdpPending: number[] = [];
  tdpRemoved: number[] = [];
  tdpFrozen = new Map<number, number>();
  /** What the last zap event took (kvm_unlink_unsync_page prints sync_page inside the zap). */
  lastZapped: PrintedPage | null = null;
  /**
   * For the kvm plugin's gfn-less lines (pluginPages.ts): whether any came; the TDP MMU table the
   * last SPTE change unlinked (-1: none); the pages the zap in progress zaps next; whether the
   * zaps are kvm_zap_obsolete_pages' (after kvm_mmu_zap_all_fast); the last line not replayed.
   */
  pluginSeen = false;
  tdpUnlinked = -1;
  zapFollowers: number[] = [];
  obsoleteZaps = false;
  unplacedLine: number | null = null;
  /** Links the replay placed by inference, by the parent entry's sptep (non-leaf links are not traced). */
  inferredLinks = new Set<number>();
  pages = { created: 0, reused: 0, zapped: 0 };
  /** 2 MiB regions (gfn / 512) the kernel mapped huge at some point: the host can map them huge. */
  hugeRegions = new Set<number>();
  /**
   * Pages that have been unsync: FNAME(sync_page) and FNAME(invlpg) drop their SPTEs as the guest
   * changed its PTEs, and no tracepoint says which, so their leaves are an uncertain count.
   */
  syncedUnseen = new Set<number>();
  /** The fault in progress, for the pf_* statistics (faultOutcome.ts). */
  faultWindow: FaultWindow | null = null;
  /** KVM's statistics printed in the trace and the model's at the same line (the first ones). */
  kernelStats: KernelStatCheck[] = [];
  statsChecked = 0;
  statsAgreed = 0;
  /** Statistics printed that the model does not keep, with why ("vm.mmu_pte_write" -> reason). */
  statsNotModelled = new Map<string, string>();
  /** The shadow MMU split the last split child started, awaiting its kvm_mmu_split_huge_page. */
  shadowSplitDone: { gfn: number; level: number; pfn: number } | null = null;
  /** Entries per non-empty rmap head, and the peaks of the rmap figures. */
  rmapEntries = new Map<number, number>();
  peak = { heads: 0, maxChain: 0, descriptors: 0 };
  line = 0;

  clone(): TraceReplay {
    return Object.assign(Object.create(TraceReplay.prototype) as TraceReplay, this, {
      frameOf: new Map(this.frameOf),
      pageAt: new Map(this.pageAt),
      faultPages: this.faultPages.slice(),
      contradictions: this.contradictions.slice(),
      usedPages: this.usedPages.slice(),
      inferences: this.inferences.slice(),
      inferred: { ...this.inferred },
      tdpRoots: new Map(this.tdpRoots),
      tdpPending: this.tdpPending.slice(),
      tdpRemoved: this.tdpRemoved.slice(),
      tdpFrozen: new Map(this.tdpFrozen),
      pages: { ...this.pages },
      zapFollowers: this.zapFollowers.slice(),
      rmapEntries: new Map(this.rmapEntries),
      inferredLinks: new Set(this.inferredLinks),
      kernelStats: this.kernelStats.slice(),
      hugeRegions: new Set(this.hugeRegions),
      syncedUnseen: new Set(this.syncedUnseen),
      faultWindow: this.faultWindow && { ...this.faultWindow },
      statsNotModelled: new Map(this.statsNotModelled),
      peak: { ...this.peak },
      hook: null,
    });
  }

  /** The VM's rmap hook for this replay (made per instance: a clone must not feed its original). */
  private hook: ((head: number, delta: number) => void) | null = null;

  rmapHook(): (head: number, delta: number) => void {
    return (this.hook ??= (h, d) => this.onRmapChange(h, d));
  }

  private onRmapChange(head: number, delta: number): void {
    const n = (this.rmapEntries.get(head) ?? 0) + delta;
    if (n > 0) {
      this.rmapEntries.set(head, n);
      if (n > this.peak.maxChain) this.peak.maxChain = n;
    } else this.rmapEntries.delete(head);
    if (this.rmapEntries.size > this.peak.heads) this.peak.heads = this.rmapEntries.size;
  }
}

/** The replay context handed to each event's code: the VM, the replay state, the event's line. */
export interface Replay {
  vm: Kvm;
  r: TraceReplay;
  line: number;
}

export function contradict(x: Replay, fn: MmuFn, message: string): void {
  const gap = x.r.lastGapLine;
  const unplaced = x.r.unplacedLine;
  const text =
    message +
    (gap === null ? '' : ` (after the lost events at line ${gap}: may come from the gap)`) +
    (unplaced === null || unplaced === x.line
      ? ''
      : ` (after line ${unplaced}, which was not replayed: may come from it)`);
  x.r.contradictions.push({ line: x.line, message: text, fn });
  x.vm.rec?.push({ k: 'check', fn, ok: false, text });
}

export function agree(x: Replay, fn: MmuFn, text: string): void {
  x.vm.rec?.push({ k: 'check', fn, ok: true, text });
}

export function infer(x: Replay, fn: MmuFn, kind: InferenceKind, text: string): void {
  x.r.inferred[kind] = (x.r.inferred[kind] ?? 0) + 1;
  if (x.r.inferences.length < KEEP_INFERENCES) x.r.inferences.push({ line: x.line, kind, text });
  x.vm.rec?.push({ k: 'infer', fn, text });
}

/** A new fault: its vCPU caches were topped up first (every fault does, before any lookup). */
export function enterFault(x: Replay, fault: FaultContext | null, fn: MmuFn): void {
  if (!fault || fault.seq === x.r.faultSeq) return;
  x.r.faultSeq = fault.seq;
  x.r.faultPages = [];
  infer(x, fn, 'topup', 'mmu_topup_memory_caches at the start of the fault');
  mmuTopupMemoryCaches(x.vm, x.vm.vcpus[0]!, true);
}

/** The memslot a gfn needs (an inference: the trace names none). */
export function ensureMemslot(x: Replay, gfn: number, fn: MmuFn): void {
  if (x.vm.memslotOf(gfn)) return;
  const baseGfn = gfn - (gfn % SLOT_PAGES);
  x.vm.addMemslot(x.vm.memslots.length, { baseGfn, npages: SLOT_PAGES });
  infer(x, fn, 'memslot', `memslot covering gfn ${hex(baseGfn)}–${hex(baseGfn + SLOT_PAGES - 1)}`);
}

export function setFrame(r: TraceReplay, page: number, frame: number): void {
  r.frameOf.set(page, frame);
  r.pageAt.set(frame, page);
}

export function forgetPage(r: TraceReplay, page: number): void {
  r.syncedUnseen.delete(page);
  for (const s of r.inferredLinks) if (sptepPage(s) === page) r.inferredLinks.delete(s);
  const frame = r.frameOf.get(page);
  if (frame !== undefined) r.pageAt.delete(frame);
  r.frameOf.delete(page);
}

export function freePages(x: Replay, pages: KvmMmuPage[]): void {
  commitZapPage(x.vm, pages);
  for (const sp of pages) forgetPage(x.r, sp.id);
}
