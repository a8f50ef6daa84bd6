/**
 * Replaying a real kernel's kvmmmu events through the model. The trace says which shadow pages
 * were looked up or built (kvm_mmu_get_page), which leaf SPTEs were written and where
 * (kvm_mmu_set_spte's `at`), which pages were zapped, and n_used_mmu_pages at each
 * kvm_mmu_zap_all_fast. It does not say where a page is linked, which frame a new page got, or
 * what the vCPU caches held: those are inferred from the kernel's code paths, and every inference
 * is a marked micro-step ('infer') and counted by kind. Wherever the trace prints a number of the
 * kernel's own, the model's is checked against it; a disagreement is a contradiction, kept with
 * its line, never smoothed over. The TDP MMU's events are in tdpMmuReplay.ts.
 */
import type { FaultContext, KernelEvent, PrintedPage, Spte64 } from './kernelEvents';

type PrintedRole = Pick<
  PrintedPage,
  'level' | 'has4ByteGpte' | 'quadrant' | 'direct' | 'access' | 'eferNx' | 'adDisabled'
>;
import { sptePfn } from './kernelEvents';
import { makeRole, type KvmMmuPageRole } from './mmuPageRole';
import { sptepOf, sptepPage, type KvmMmuPage } from './mmuPage';
import type { MmuFn } from './mmuEvents';
import {
  allocShadowPage,
  linkShadowPage,
  mmuSetSpte,
  mmuTopupMemoryCaches,
  vcpuPageCaches,
} from './pageTable';
import { childOf, entryGfn, setSpte as setModelSpte, spteFlags, spteTarget } from './sptes';
import {
  isLastSpte,
  isPresent,
  pagesPerEntry,
  spteBitsText,
  spteIndex,
  SPTE_ACCESSED,
  SPTE_DIRTY,
  SPTE_EXEC,
  SPTE_HUGE,
  SPTE_PRESENT,
  SPTE_USER,
  SPTE_WRITABLE,
} from './spte';
import { replayTdpMmuEvent, tdpMmuGetPage, tdpMmuZap } from './tdpMmuReplay';
import type { Kvm } from './vm';
import { commitZapPage, prepareZapPage } from './zap';
import { hex } from './hex';

export interface Contradiction {
  line: number;
  message: string;
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
  'memslot' | 'root' | 'link' | 'frame' | 'topup' | 'role' | 'split' | 'sync' | 'tdp-free';

/** Inferences kept one by one (all are counted): enough to point at each kind's cases. */
const KEEP_INFERENCES = 500;
/** The trace names no memslots: the model covers each 64 MiB of gfns the trace touches. */
const SLOT_PAGES = 1 << 14;

export class TraceReplay {
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
  /** Links the replay placed by inference, by the parent entry's sptep (non-leaf links are not traced). */
  inferredLinks = new Set<number>();
  pages = { created: 0, reused: 0, zapped: 0 };
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
      rmapEntries: new Map(this.rmapEntries),
      inferredLinks: new Set(this.inferredLinks),
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
  const text =
    message +
    (gap === null ? '' : ` (after the lost events at line ${gap}: may come from the gap)`);
  x.r.contradictions.push({ line: x.line, message: text });
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

/** Applies one kernel event; returns the op's summary. Never throws on a disagreement. */
export function replayKernelEvent(vm: Kvm, r: TraceReplay, e: KernelEvent): string {
  const x: Replay = { vm, r, line: e.line };
  r.line = e.line;
  vm.onRmapChange = r.rmapHook();
  try {
    const summary = apply(x, e);
    if (e.ev !== 'prepare_zap' && e.ev !== 'sync_page') r.lastZapped = null;
    const descs = vm.lists.liveDescs;
    if (descs > r.peak.descriptors) r.peak.descriptors = descs;
    return summary;
  } finally {
    vm.onRmapChange = null;
  }
}

function apply(x: Replay, e: KernelEvent): string {
  switch (e.ev) {
    case 'get_page':
      return getPage(x, e.page, e.created, e.fault);
    case 'set_spte':
      return setSpte(x, e);
    case 'prepare_zap':
      return prepareZap(x, e.page);
    case 'zap_all_fast': {
      const model = x.vm.nUsedMmuPages;
      x.r.usedPages.push({ line: e.line, kernel: e.usedPages, model });
      const text = `used_pages ${e.usedPages} (kernel) vs n_used_mmu_pages ${model} (model)`;
      if (model === e.usedPages) agree(x, 'kvm_mmu_zap_all_fast', text);
      else contradict(x, 'kvm_mmu_zap_all_fast', text);
      return `kvm_mmu_zap_all_fast: ${text}; the zaps of every obsolete page follow`;
    }
    case 'unsync_page':
    case 'sync_page':
      return syncState(x, e.page, e.ev === 'unsync_page');
    case 'tdp_spte_changed':
    case 'split_huge_page':
      return replayTdpMmuEvent(x, e);
    case 'fast_page_fault':
      return fastPageFault(x, e.page, e.old, e.new);
    case 'gap':
      x.r.lastGapLine = e.line;
      x.vm.rec?.push({
        k: 'note',
        fn: 'trace',
        text: `the ring buffer lost ${e.lost ?? 'some'} events here`,
      });
      return `lost ${e.lost ?? 'some'} events`;
  }
}

/** The memslot a gfn needs (an inference: the trace names none). */
export function ensureMemslot(x: Replay, gfn: number, fn: MmuFn): void {
  if (x.vm.memslotOf(gfn)) return;
  const baseGfn = gfn - (gfn % SLOT_PAGES);
  x.vm.addMemslot(x.vm.memslots.length, { baseGfn, npages: SLOT_PAGES });
  infer(x, fn, 'memslot', `memslot covering gfn ${hex(baseGfn)}–${hex(baseGfn + SLOT_PAGES - 1)}`);
}

/** Does `sp` carry what the kernel printed of a page (gfn and the printed role bits)? */
export function matchesPrinted(sp: KvmMmuPage, p: PrintedPage): boolean {
  return sp.gfn === p.gfn && samePrinted(sp.role, p);
}

/** The page an event names: live (or, for `zapped`, invalid roots still held), best match first. */
export function findPrinted(vm: Kvm, p: PrintedPage, zapped = false): KvmMmuPage | undefined {
  const found: KvmMmuPage[] = [];
  const pool = zapped || vm.opts.tdpMmu ? vm.livePages() : vm.pagesOfGfn(p.gfn);
  for (const sp of pool) if (sp.zapped === zapped && matchesPrinted(sp, p)) found.push(sp);
  found.sort((a, b) => score(b, p) - score(a, p) || a.createdAtOp - b.createdAtOp || a.id - b.id);
  return found[0];
}

const score = (sp: KvmMmuPage, p: PrintedPage) =>
  Number(sp.rootCount === p.rootCount) + Number(sp.unsync === p.unsync);

/** The role the model gives a printed page: the bits not printed take the values their context implies. */
function roleOf(vm: Kvm, p: PrintedPage, parent: KvmMmuPage | null): KvmMmuPageRole {
  // With TDP on, a page with guest PTEs shadows L1's NPT/EPT (guest_mode); a direct page under
  // one inherits it (kvm_mmu_child_role).
  const guestMode = vm.opts.tdp && (!p.direct || (parent?.role.guestMode ?? false));
  return makeRole({
    level: p.level,
    has4ByteGpte: p.has4ByteGpte,
    quadrant: p.quadrant,
    direct: p.direct,
    access: p.access,
    eferNx: p.eferNx,
    adDisabled: p.adDisabled,
    guestMode,
  });
}

/** A new fault: its vCPU caches were topped up first (every fault does, before any lookup). */
function enterFault(x: Replay, fault: FaultContext | null, fn: MmuFn): void {
  if (!fault || fault.seq === x.r.faultSeq) return;
  x.r.faultSeq = fault.seq;
  x.r.faultPages = [];
  infer(x, fn, 'topup', 'mmu_topup_memory_caches at the start of the fault');
  mmuTopupMemoryCaches(x.vm, x.vm.vcpus[0]!, true);
}

/**
 * Where a page got inside a fault is linked: the page the same fault got one level up, else the
 * page shadowing the guest table the walk read one level up, else (a direct map) the direct page
 * covering its gfn one level up. The index is the faulting address's at that level.
 */
function shadowParent(
  x: Replay,
  p: PrintedPage,
  fault: FaultContext,
): { sp: KvmMmuPage; index: number; how: string } | null {
  const vm = x.vm;
  const up = p.level + 1;
  const va = fault.tables.length > 0 ? fault.page : p.gfn;
  const index = spteIndex(va, up);
  const prev = vm.pages[x.r.faultPages[up] ?? -1];
  if (prev && !prev.zapped && !prev.tdpMmuPage)
    return { sp: prev, index, how: 'the page this fault got one level up' };
  const table = fault.tables[up];
  const pick = (want: (sp: KvmMmuPage) => boolean): KvmMmuPage | undefined => {
    let best: KvmMmuPage | undefined;
    for (const sp of vm.livePages()) {
      if (sp.zapped || sp.tdpMmuPage || sp.level !== up || !want(sp)) continue;
      const flags = sp.role.eferNx === p.eferNx && sp.role.adDisabled === p.adDisabled;
      const bestFlags =
        best && best.role.eferNx === p.eferNx && best.role.adDisabled === p.adDisabled;
      if (
        !best ||
        (flags && !bestFlags) ||
        (flags === bestFlags && sp.createdAtOp > best.createdAtOp)
      )
        best = sp;
    }
    return best;
  };
  if (table !== undefined && table >= 0) {
    const sp = pick((s) => !s.role.direct && s.gfn === table);
    if (sp)
      return { sp, index, how: `the page shadowing guest table gfn ${hex(table)} (the walk)` };
  }
  if (fault.tables.length > 0 && table === undefined) {
    // The walk starts at the guest's CR3, which it does not print: the root shadowing it.
    const sp = pick((s) => !s.role.direct && s.rootCount > 0);
    if (sp) return { sp, index, how: 'the root (the walk starts at the guest CR3 it shadows)' };
  }
  const base = p.gfn - (p.gfn % pagesPerEntry(up + 1));
  const sp = pick((s) => s.role.direct && s.gfn === base);
  return sp ? { sp, index, how: `the direct page for gfn ${hex(base)} one level up` } : null;
}

function getPage(x: Replay, p: PrintedPage, created: boolean, fault: FaultContext | null): string {
  const { vm, r } = x;
  const what = `gfn ${hex(p.gfn)} level ${p.level}`;
  if (!fault) r.faultSeq = -1;
  const parent = fault ? shadowParent(x, p, fault) : null;
  if (vm.opts.tdpMmu && p.direct && !(parent?.sp.role.guestMode ?? false))
    return tdpMmuGetPage(x, p, created, fault);
  enterFault(x, fault, 'kvm_mmu_get_shadow_page');
  ensureMemslot(x, p.gfn, 'kvm_mmu_get_shadow_page');
  let sp = findPrinted(vm, p);
  if (created && sp) {
    // The printed role leaves bits out: a page equal in what is printed may differ in the rest.
    infer(
      x,
      'kvm_mmu_get_shadow_page',
      'role',
      `a page like page ${sp.id} exists; the new one differs in role bits the trace does not print`,
    );
    sp = undefined;
  }
  if (!created && !sp)
    contradict(
      x,
      'kvm_mmu_get_shadow_page',
      `"existing" lookup of ${what}, but the model has no such page`,
    );
  if (created || !sp) {
    sp = allocShadowPage(
      vm,
      vcpuPageCaches(vm.vcpus[0]!),
      p.gfn,
      roleOf(vm, p, parent?.sp ?? null),
    );
    r.pages.created += created ? 1 : 0;
  } else {
    vm.stats.pagesReused++;
    r.pages.reused++;
    vm.rec?.push({
      k: 'getPage',
      fn: 'kvm_mmu_get_shadow_page',
      gfn: p.gfn,
      level: p.level,
      roleWord: sp.roleWord,
      page: sp.id,
      created: false,
    });
  }
  sp.rootCount = p.rootCount;
  sp.unsync = p.unsync;
  if (!fault) {
    sp.rootCount++;
    infer(
      x,
      'mmu_alloc_root',
      'root',
      `page ${sp.id} is a root: got outside any fault (kvm_mmu_load), root_count ${sp.rootCount}`,
    );
    return `${created ? 'new' : 'existing'} root page ${sp.id}: ${what}`;
  }
  r.faultPages[p.level] = sp.id;
  if (!parent) {
    infer(
      x,
      'link_shadow_page',
      'link',
      `no page one level up is known to hold page ${sp.id}: left unlinked`,
    );
    return `${created ? 'new' : 'existing'} page ${sp.id}: ${what} (parent unknown)`;
  }
  infer(
    x,
    'link_shadow_page',
    'link',
    `page ${parent.sp.id}[${parent.index}] links page ${sp.id}: ${parent.how}`,
  );
  linkShadowPage(vm, vm.vcpus[0]!.caches.pteListDesc, parent.sp, parent.index, sp, true);
  r.inferredLinks.add(sptepOf(parent.sp.id, parent.index));
  return `${created ? 'new' : 'existing'} page ${sp.id}: ${what}, linked from page ${parent.sp.id}[${parent.index}]`;
}

/**
 * The model's SPTE bits for a leaf the kernel wrote (AMD NPT / x86 PTE format: W bit 1, U bit 2,
 * NX bit 63). `printed` gives W/X/U where the trace printed them (kvm_mmu_set_spte's "rwxu").
 */
export function flagsOfSpte(
  s: Spte64,
  level: number,
  printed: { w?: boolean; x?: boolean; u?: boolean | null } = {},
): number {
  let f = SPTE_PRESENT;
  if (printed.w ?? (s.lo & 2) !== 0) f |= SPTE_WRITABLE;
  if (printed.u ?? (s.lo & 4) !== 0) f |= SPTE_USER;
  if (printed.x ?? (s.hi & 0x80000000) === 0) f |= SPTE_EXEC;
  if (s.lo & 0x20) f |= SPTE_ACCESSED;
  if (s.lo & 0x40) f |= SPTE_DIRTY;
  if (level > 1 && s.lo & 0x80) f |= SPTE_HUGE;
  return f;
}

/** The page a frame belongs to, or the page the kernel must have written into when the frame is new. */
function pageForFrame(
  x: Replay,
  frame: number,
  gfn: number,
  level: number,
  index: number,
): KvmMmuPage | undefined {
  const { vm, r } = x;
  const known = vm.pages[r.pageAt.get(frame) ?? -1];
  if (known) return known;
  const fits = (sp: KvmMmuPage) => {
    if (sp.zapped || sp.level !== level || r.frameOf.has(sp.id)) return false;
    if (!sp.role.direct) return !sp.tdpMmuPage;
    const d = gfn - sp.gfn;
    return d >= 0 && d < pagesPerEntry(level + 1) && Math.floor(d / pagesPerEntry(level)) === index;
  };
  // The page this fault got at that level first (the fault writes into it), else the newest that fits.
  let sp = vm.pages[r.faultPages[level] ?? -1];
  if (!sp || !fits(sp)) {
    sp = undefined;
    for (const c of vm.livePages()) if (fits(c) && (!sp || c.createdAtOp >= sp.createdAtOp)) sp = c;
  }
  if (!sp) return undefined;
  setFrame(r, sp.id, frame);
  infer(x, 'mmu_set_spte', 'frame', `frame ${hex(frame)} is page ${sp.id} (its first SPTE seen)`);
  return sp;
}

export function setFrame(r: TraceReplay, page: number, frame: number): void {
  r.frameOf.set(page, frame);
  r.pageAt.set(frame, page);
}

export function forgetPage(r: TraceReplay, page: number): void {
  for (const s of r.inferredLinks) if (sptepPage(s) === page) r.inferredLinks.delete(s);
  const frame = r.frameOf.get(page);
  if (frame !== undefined) r.pageAt.delete(frame);
  r.frameOf.delete(page);
}

function setSpte(x: Replay, e: Extract<KernelEvent, { ev: 'set_spte' }>): string {
  const { vm } = x;
  const frame = Math.floor(e.at / 4096);
  const index = (e.at % 4096) / 8;
  enterFault(x, e.fault, 'mmu_set_spte');
  ensureMemslot(x, e.gfn, 'mmu_set_spte');
  const sp = pageForFrame(x, frame, e.gfn, e.level, index);
  if (!sp) {
    contradict(
      x,
      'mmu_set_spte',
      `SPTE written at ${hex(e.at)} (gfn ${hex(e.gfn)}, level ${e.level}): no shadow page the model knows can be at frame ${hex(frame)}`,
    );
    return `set_spte at ${hex(e.at)}: no page`;
  }
  const where = `page ${sp.id}[${index}]`;
  if (sp.level !== e.level) {
    contradict(
      x,
      'mmu_set_spte',
      `level-${e.level} SPTE written into ${where}, a level-${sp.level} page`,
    );
    return `set_spte ${where}: wrong level`;
  }
  if (sp.role.direct) {
    const g = entryGfn(vm, sp, index);
    if (g !== e.gfn - (e.gfn % pagesPerEntry(e.level)))
      contradict(
        x,
        'mmu_set_spte',
        `${where} maps gfn ${hex(g)} in a direct page, the kernel wrote gfn ${hex(e.gfn)} there`,
      );
  }
  const flags = flagsOfSpte(e.spte, e.level, e);
  const pfn = sptePfn(e.spte);
  if (sp.tdpMmuPage) {
    // The TDP MMU traced this write as kvm_tdp_mmu_spte_changed already: check it is there.
    const ok = isPresent(spteFlags(vm, sp, index)) && spteTarget(vm, sp, index) === pfn;
    if (ok)
      agree(
        x,
        'mmu_set_spte',
        `${where} holds pfn ${hex(pfn)}, as kvm_tdp_mmu_spte_changed set it`,
      );
    else
      contradict(
        x,
        'mmu_set_spte',
        `${where} should hold pfn ${hex(pfn)} (TDP MMU), the model has something else`,
      );
    return `set_spte ${where} (TDP MMU)`;
  }
  mmuSetSpte(vm, vm.vcpus[0]!.caches.pteListDesc, sp, index, e.gfn, { flags, pfn });
  return `${where} = pfn ${hex(pfn)} for gfn ${hex(e.gfn)}`;
}

function prepareZap(x: Replay, p: PrintedPage): string {
  const { vm, r } = x;
  const what = `gfn ${hex(p.gfn)} level ${p.level}`;
  if (p.invalid) {
    // The last root_count of a zapped root is put: the page is freed now (kvm_mmu_free_roots).
    const sp = findPrinted(vm, p, true);
    if (!sp) {
      contradict(
        x,
        'kvm_mmu_prepare_zap_page',
        `zap of invalid page ${what}: the model holds no invalid root like it`,
      );
      return `zap of unknown invalid page ${what}`;
    }
    sp.rootCount = p.rootCount;
    vm.rec?.push({ k: 'zapPage', fn: 'kvm_mmu_prepare_zap_page', page: sp.id });
    freePages(x, [sp]);
    return `invalid root page ${sp.id} (${what}) freed: its last root_count is gone`;
  }
  const sp = findPrinted(vm, p);
  if (!sp) {
    contradict(x, 'kvm_mmu_prepare_zap_page', `zap of ${what}, a page the model does not have`);
    return `zap of unknown page ${what}`;
  }
  r.pages.zapped++;
  r.lastZapped = p;
  if (sp.tdpMmuPage) return tdpMmuZap(x, sp);
  sp.rootCount = p.rootCount;
  sp.unsync = p.unsync;
  const invalid: KvmMmuPage[] = [];
  prepareZapPage(vm, sp, invalid, 'kvm_mmu_prepare_zap_page', { cascade: false, rootsStay: true });
  freePages(x, invalid);
  return sp.rootCount > 0
    ? `page ${sp.id} (${what}) zapped; root_count ${sp.rootCount} keeps it until its vCPUs put it`
    : `page ${sp.id} (${what}) zapped and freed`;
}

export function freePages(x: Replay, pages: KvmMmuPage[]): void {
  commitZapPage(x.vm, pages);
  for (const sp of pages) forgetPage(x.r, sp.id);
}

function syncState(x: Replay, p: PrintedPage, unsync: boolean): string {
  const { vm, r } = x;
  const what = `gfn ${hex(p.gfn)} level ${p.level}`;
  const fn: MmuFn = unsync ? 'kvm_unsync_page' : 'kvm_sync_page';
  const z = r.lastZapped;
  if (!unsync && z && z.gfn === p.gfn && samePrinted(z, p)) {
    vm.rec?.push({
      k: 'note',
      fn: 'kvm_mmu_prepare_zap_page',
      text: `kvm_unlink_unsync_page of the page just zapped (${what})`,
    });
    return `sync_page of ${what} inside its zap`;
  }
  const sp = findPrinted(vm, p);
  if (!sp) {
    contradict(x, fn, `${unsync ? 'unsync' : 'sync'} of ${what}, a page the model does not have`);
    return `${unsync ? 'unsync' : 'sync'} of unknown page ${what}`;
  }
  sp.unsync = unsync;
  sp.rootCount = p.rootCount;
  vm.rec?.push({
    k: 'note',
    fn,
    text: `page ${sp.id} (${what}) is now ${unsync ? 'unsync' : 'sync'}`,
  });
  if (!unsync)
    infer(
      x,
      fn,
      'sync',
      `FNAME(sync_page) re-read page ${sp.id}'s guest PTEs (not traced): SPTEs it dropped stay in the model until an event overwrites or zaps them`,
    );
  return `page ${sp.id} (${what}) ${unsync ? 'unsync' : 'synced'}`;
}

/** The role bits KVM_MMU_PAGE_PRINTK prints agree (the gfn is the caller's to compare). */
function samePrinted(a: PrintedRole, b: PrintedRole): boolean {
  return (
    a.level === b.level &&
    a.has4ByteGpte === b.has4ByteGpte &&
    a.direct === b.direct &&
    a.access === b.access &&
    a.quadrant === b.quadrant &&
    a.eferNx === b.eferNx &&
    a.adDisabled === b.adDisabled
  );
}

/**
 * fast_page_fault: the SPTE the shadow walk from the current root reached for this address got
 * new bits (cmpxchg, no rmap change). The trace names it by a hashed pointer only, so the model
 * walks its own roots, newest first, for a leaf with the old SPTE's pfn.
 */
function fastPageFault(x: Replay, page: number, old: Spte64, now: Spte64): string {
  const { vm } = x;
  const roots = [...vm.livePages()]
    .filter((sp) => !sp.zapped && (sp.rootCount > 0 || x.r.tdpRoots.get(0) === sp.id))
    .sort((a, b) => b.createdAtOp - a.createdAtOp);
  const pfn = sptePfn(old);
  for (const root of roots) {
    let sp: KvmMmuPage | undefined = root;
    while (sp) {
      const i = spteIndex(page, sp.level);
      const f = spteFlags(vm, sp, i);
      if (!isPresent(f)) break;
      if (isLastSpte(f, sp.level)) {
        if (spteTarget(vm, sp, i) !== pfn) break;
        const g = entryGfn(vm, sp, i);
        // The fix changes W/A/D only: execute stays as the model had it.
        const flags = flagsOfSpte(now, sp.level, { x: (f & SPTE_EXEC) !== 0 });
        setModelSpte(vm, sp, i, flags, pfn, g, 'fast_page_fault');
        return `page ${sp.id}[${i}] fixed in place: ${spteBitsText(f)} → ${spteBitsText(flags)}`;
      }
      sp = childOf(vm, sp, i);
    }
  }
  contradict(
    x,
    'fast_page_fault',
    `fast_page_fault fixed an SPTE of pfn ${hex(pfn)} for address ${hex(page * 4096)}, but no root of the model maps that address to it`,
  );
  return `fast_page_fault at ${hex(page * 4096)}: not found`;
}
