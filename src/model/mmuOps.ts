/**
 * One model operation as data, applied to a VM with its cost and micro-steps: the entry point
 * the scenario runner, the worker and the CLI share. A refused operation (what the kernel would
 * BUG() on, or cannot happen) throws KvmBugError before anything changes.
 */
import { KvmBugError } from './errors';
import { GuestTables } from './guest';
import { MmuRecorder, type MmuFn, type MmuStep } from './mmuEvents';
import { guestPteClear, kvmMmuPageFault, type FaultKind } from './pageTable';
import { pagesPerEntry } from './spte';
import type { OpCost } from './costs';
import { applyRmapOp, type RmapOp } from './rmapOps';
import { mmuShrinkScan } from './shrinker';
import { kvmMmuSlotTrySplitHugePages, type SplitReport } from './split';
import { flushGfn } from './sptes';
import type { KernelOptions } from './kernelOptions';
import { Kvm, type VmConfig } from './vm';
import { writeProtectGfn } from './writeProtect';
import { zapGfnRange, zapPage } from './zap';
import { hex } from './hex';
import type { KvmMmuPage } from './mmuPage';

export interface FaultOp {
  op: 'fault';
  kind: FaultKind;
  gfn: number;
  vcpu?: number;
  gva?: number;
  as?: number;
  level?: number;
  hostLevel?: number;
  write?: boolean;
  writable?: boolean;
  /** Consecutive pages of the mapping's size, from gfn (and gva) on. */
  count?: number;
}

export type MmuOp =
  | Exclude<RmapOp, { op: 'add' }>
  | (Extract<RmapOp, { op: 'add' }> & { count?: number })
  | FaultOp
  | { op: 'fork'; gfn: number; count: number; gva?: number; vcpu?: number }
  | { op: 'zap'; page: number }
  /** The guest clears a PTE (a process exits) in `count` address spaces from `as`, every `step`-th, at `gva`. */
  | {
      op: 'guest_unmap';
      as: number;
      gva?: number;
      count?: number;
      step?: number;
      kind?: 'shadow' | 'nested';
    }
  | { op: 'zap_gfn'; gfn: number; count?: number }
  | { op: 'write_protect'; gfn: number }
  | { op: 'split'; memslot?: number; targetLevel?: number }
  | { op: 'shrink'; nrToScan?: number }
  /** pte_list_count on the rmap of (gfn, level): what a count costs in this era. */
  | { op: 'rmap_count'; gfn: number; level?: number }
  /** One event of a real kernel's trace, replayed by the world's EventReplayer (src/trace/replay). */
  | { op: 'kernel_event'; ev: RecordedEvent };

/** An event a real kernel recorded (a trace line): the model knows only its line. */
export interface RecordedEvent {
  readonly line: number;
}

/**
 * Drives the model from recorded events. The model does not know trace formats: the replay
 * (src/trace/replay) implements this, calling the model's own functions for each event.
 */
export interface EventReplayer {
  replay(vm: Kvm, ev: RecordedEvent): string;
  label(ev: RecordedEvent): string;
  clone(): EventReplayer;
}

/** What an op changed, from the VM's counters before and after. */
export interface MmuOpCost {
  pagesCreated: number;
  pagesReused: number;
  pagesZapped: number;
  leafSptesSet: number;
  descsAllocated: number;
  descsFreed: number;
  tlbFlushes: number;
  rangeFlushes: number;
  lockDrops: number;
  /** The pte_list operations' own figures, summed over the op. */
  descsVisited: number;
  slotCompares: number;
  cacheLines: number;
}

export interface MmuOpResult {
  summary: string;
  cost: MmuOpCost;
  steps: MmuStep[];
  /** rmap ops: the kernel's return value. */
  ret?: number | null;
  /** rmap ops: the list operation's own cost (descriptors visited, cache lines...). */
  rmap?: OpCost;
  split?: SplitReport;
}

export interface WorldConfig extends VmConfig {
  /** Where the guest's own page tables live (shadow and nested faults). */
  guestTablesGfn?: number;
  /** Free-standing rmap heads for rmap-only ops. */
  rmapHeads?: number;
}

/** A VM plus what the scenario's guest looks like. */
export class MmuWorld {
  readonly vm: Kvm;
  readonly guest: GuestTables;
  /** The first of the free-standing heads `add`/`remove` ops name as 0, 1, ... */
  readonly scratchBase: number;
  readonly scratchHeads: number;
  private nextAs = 1;
  /** What replays `kernel_event` ops (a trace's replay state), set by whoever loads a trace. */
  trace: EventReplayer | null = null;

  constructor(config: WorldConfig, opts: Partial<KernelOptions> = {}) {
    this.vm = new Kvm(config, opts);
    const top = Math.max(...config.memslots.map((m) => m.baseGfn + m.npages));
    this.guest = new GuestTables(
      config.guestTablesGfn ?? Math.max(0, top - 0x10000),
      this.vm.opts.rootLevel,
    );
    this.scratchHeads = config.rmapHeads ?? 4;
    this.scratchBase = this.vm.lists.allocHeads(this.scratchHeads);
  }

  /**
   * Which free-standing head holds each SPTE: the VM's lists keep no owner index, so these heads
   * keep their own, to refuse "add a present SPTE" as the kernel would BUG() on it.
   */
  private scratchOwner = new Map<number, number>();

  refuseDuplicate(spte: number): void {
    const h = this.scratchOwner.get(spte);
    if (h === undefined) return;
    throw new KvmBugError(
      'pte_list_add: SPTE already in an rmap',
      h,
      spte,
      `pte_list_add: SPTE s${spte / 8 - 1} (0x${spte.toString(16)}) is already in rmap head ${h}`,
    );
  }

  /** Keeps the index above in step after a list op on free-standing head `h` succeeded. */
  noteScratch(op: RmapOp, h: number): void {
    if (op.op === 'add') this.scratchOwner.set(op.spte, h);
    else if (op.op === 'remove') this.scratchOwner.delete(op.spte);
    else if (op.op === 'destroy')
      for (const [s, owner] of this.scratchOwner) if (owner === h) this.scratchOwner.delete(s);
  }

  /** An independent copy: a timeline checkpoint. */
  clone(): MmuWorld {
    return Object.assign(Object.create(MmuWorld.prototype) as MmuWorld, this, {
      vm: this.vm.clone(),
      guest: this.guest.clone(),
      scratchOwner: new Map(this.scratchOwner),
      trace: this.trace?.clone() ?? null,
    });
  }

  /** Address spaces a fork has not used yet. */
  takeAddressSpaces(n: number): number {
    const first = this.nextAs;
    this.nextAs += n;
    return first;
  }
}

/**
 * `record` keeps every micro-step; `recorder` gives one of your own (to count steps only, keep a
 * window, or stop the model after step k: see MmuRecorder).
 */
export function applyMmuOp(
  w: MmuWorld,
  op: MmuOp,
  opts: { record?: boolean; recorder?: MmuRecorder } = {},
): MmuOpResult {
  const vm = w.vm;
  const before = opCounters(vm);
  vm.rec = opts.recorder ?? (opts.record ? new MmuRecorder() : null);
  vm.rec?.push({ k: 'op', fn: OP_ENTRY[op.op], text: opLabel(op, w.trace) });
  try {
    // run() returns a fresh literal: filled in place, as a spread copy costs per op too.
    const out = run(w, op) as MmuOpResult;
    out.cost = costSince(vm, before);
    out.steps = vm.rec?.steps ?? [];
    return out;
  } finally {
    vm.rec = null;
  }
}

/**
 * The VM's running counters, as an op's cost reads them: one literal of fixed shape. (A spread
 * of `vm.stats` here cost more than replaying a typical trace event.)
 */
function opCounters(vm: Kvm): MmuOpCost {
  const s = vm.stats;
  return {
    pagesCreated: s.pagesCreated,
    pagesReused: s.pagesReused,
    pagesZapped: s.pagesZapped,
    leafSptesSet: s.leafSptesSet,
    descsAllocated: vm.lists.descsAllocated,
    descsFreed: vm.lists.descsFreed,
    tlbFlushes: s.tlbFlushes,
    rangeFlushes: s.rangeFlushes,
    lockDrops: s.lockDrops,
    descsVisited: s.listDescsVisited,
    slotCompares: s.listSlotCompares,
    cacheLines: s.listCacheLines,
  };
}

/** What the counters moved by since `before`: the op's cost. */
function costSince(vm: Kvm, before: MmuOpCost): MmuOpCost {
  const c = opCounters(vm);
  c.pagesCreated -= before.pagesCreated;
  c.pagesReused -= before.pagesReused;
  c.pagesZapped -= before.pagesZapped;
  c.leafSptesSet -= before.leafSptesSet;
  c.descsAllocated -= before.descsAllocated;
  c.descsFreed -= before.descsFreed;
  c.tlbFlushes -= before.tlbFlushes;
  c.rangeFlushes -= before.rangeFlushes;
  c.lockDrops -= before.lockDrops;
  c.descsVisited -= before.descsVisited;
  c.slotCompares -= before.slotCompares;
  c.cacheLines -= before.cacheLines;
  return c;
}

/**
 * One kernel event without recording or costs: the importer's and the benchmark's fast path
 * (applyMmuOp's per-op cost figures cost more than the replay of most events).
 */
export function replayEvent(w: MmuWorld, ev: RecordedEvent): void {
  w.vm.opIndex++;
  replayerOf(w).replay(w.vm, ev);
}

function replayerOf(w: MmuWorld): EventReplayer {
  if (!w.trace) throw refuse('a kernel event needs a trace replayer (none was installed)');
  return w.trace;
}

type Outcome = Omit<MmuOpResult, 'cost' | 'steps'>;

function run(w: MmuWorld, op: MmuOp): Outcome {
  const vm = w.vm;
  vm.opIndex++;
  switch (op.op) {
    case 'add':
    case 'remove':
    case 'count':
    case 'destroy':
    case 'iterate': {
      if (op.head < 0 || op.head >= w.scratchHeads)
        throw refuse(`rmap head ${op.head} does not exist (0..${w.scratchHeads - 1})`);
      // `count` adds sN, sN+1, ... in one op (a long list without a long scenario).
      const n = op.op === 'add' ? (op.count ?? 1) : 1;
      if (op.op === 'add') for (let k = 0; k < n; k++) w.refuseDuplicate(op.spte + 8 * k);
      let r: ReturnType<typeof applyRmapOp> | undefined;
      for (let k = 0; k < n; k++) {
        const one = op.op === 'add' ? { ...op, spte: op.spte + 8 * k } : op;
        r = onScratchHead(w, op.head, () =>
          applyRmapOp(
            vm.lists,
            { ...one, head: w.scratchBase + op.head },
            // Ops on the free-standing heads run the list code directly: no MMU function around it.
            { recorder: vm.rec?.list('pte_list'), checkInvariants: n < 1000 },
          ),
        );
        w.noteScratch(one, op.head);
      }
      return {
        summary:
          `${op.op} on head ${op.head}` +
          (n > 1 ? ` x${n}` : '') +
          (r!.ret === null ? '' : ` = ${r!.ret}`),
        ret: r!.ret,
        rmap: r!.cost,
      };
    }
    case 'rmap_count': {
      const head = vm.gfnToRmap(op.gfn, op.level ?? 1);
      if (head < 0) throw refuse(`gfn 0x${op.gfn.toString(16)} is in no memslot`);
      const r = applyRmapOp(
        vm.lists,
        { op: 'count', head },
        { recorder: vm.rec?.list('pte_list') },
      );
      return {
        summary: `pte_list_count(rmap of gfn 0x${op.gfn.toString(16)}) = ${r.ret}`,
        ret: r.ret,
        rmap: r.cost,
      };
    }
    case 'fault': {
      const n = op.count ?? 1;
      const step = pagesPerEntry(op.level ?? 1);
      const last = op.gfn + (n - 1) * step;
      if (!vm.memslotOf(last)) {
        throw refuse(
          `gfn 0x${last.toString(16)}${n > 1 ? ` (the last of ${n})` : ''} is in no memslot`,
        );
      }
      let sp: KvmMmuPage | null = null;
      for (let k = 0; k < n; k++) {
        const d = k * step;
        const at = { ...op, vcpu: op.vcpu ?? 0, gfn: op.gfn + d };
        sp = kvmMmuPageFault(vm, k === 0 ? at : { ...at, gva: (op.gva ?? op.gfn) + d }, w.guest);
        // -ENOSPC: KVM_RUN fails, so the guest runs no further faults.
        if (!sp) return { summary: enospc(op.gfn + d, k, n) };
      }
      const what =
        n === 1 ? `gfn 0x${op.gfn.toString(16)}` : `${n} pages from gfn 0x${op.gfn.toString(16)}`;
      return { summary: `${op.kind} fault ${what} -> level-${sp!.level} page ${sp!.id}` };
    }
    case 'fork': {
      if (vm.opts.tdp)
        throw refuse(
          'fork shares pages through guest page tables: it needs shadow paging (TDP off)',
        );
      if (!vm.memslotOf(op.gfn)) throw refuse(`gfn 0x${op.gfn.toString(16)} is in no memslot`);
      const first = w.takeAddressSpaces(op.count);
      for (let k = 0; k < op.count; k++) {
        const sp = kvmMmuPageFault(
          vm,
          {
            vcpu: op.vcpu ?? 0,
            kind: 'shadow',
            gfn: op.gfn,
            gva: op.gva ?? 0x7000,
            as: first + k,
            writable: false,
          },
          w.guest,
        );
        if (!sp) return { summary: enospc(op.gfn, k, op.count) };
      }
      return { summary: `${op.count} address spaces map gfn 0x${op.gfn.toString(16)} read-only` };
    }
    case 'guest_unmap': {
      let n = 0;
      for (let k = 0; k < (op.count ?? 1); k++) {
        n += guestPteClear(
          vm,
          w.guest,
          op.kind ?? 'shadow',
          op.as + k * (op.step ?? 1),
          op.gva ?? 0x7000,
        );
      }
      return { summary: `the guest cleared ${op.count ?? 1} PTE(s): ${n} SPTE(s) dropped` };
    }
    case 'zap': {
      const sp = vm.pages[op.page];
      if (!sp || sp.zapped) throw refuse(`shadow page ${op.page} does not exist`);
      return { summary: `zapped ${zapPage(vm, sp)} page(s) from page ${op.page}` };
    }
    case 'zap_gfn': {
      if (!vm.memslotOf(op.gfn)) throw refuse(`gfn 0x${op.gfn.toString(16)} is in no memslot`);
      return { summary: `cleared ${zapGfnRange(vm, op.gfn, op.count ?? 1)} SPTE(s)` };
    }
    case 'write_protect': {
      if (!vm.memslotOf(op.gfn)) throw refuse(`gfn 0x${op.gfn.toString(16)} is in no memslot`);
      const n = writeProtectGfn(vm, op.gfn);
      if (n > 0) flushGfn(vm, op.gfn, 1, 'rmap_write_protect');
      return { summary: `write-protected ${n} SPTE(s)` };
    }
    case 'split': {
      const slot = vm.memslots[op.memslot ?? 0];
      if (!slot) throw refuse(`memslot ${op.memslot} does not exist`);
      const report = kvmMmuSlotTrySplitHugePages(vm, slot, op.targetLevel ?? 1);
      return {
        summary: `split ${Object.values(report.split).reduce((a, b) => a + b, 0)} huge SPTE(s), ${report.newPages} new page(s)`,
        split: report,
      };
    }
    case 'kernel_event':
      return { summary: replayerOf(w).replay(vm, op.ev) };
    case 'shrink': {
      const r = mmuShrinkScan(vm, op.nrToScan);
      return { summary: `${r.how}: ${r.pagesZapped} page(s), ${r.bytesFreed} bytes` };
    }
  }
}

/** The kernel function each op enters by. */
const OP_ENTRY: Record<MmuOp['op'], MmuFn> = {
  add: 'pte_list',
  remove: 'pte_list',
  count: 'pte_list',
  destroy: 'pte_list',
  iterate: 'pte_list',
  rmap_count: 'pte_list',
  fault: 'kvm_mmu_page_fault',
  fork: 'kvm_mmu_page_fault',
  zap: 'kvm_mmu_prepare_zap_page',
  guest_unmap: 'kvm_mmu_track_write',
  zap_gfn: 'kvm_zap_gfn_range',
  write_protect: 'kvm_mmu_slot_gfn_write_protect',
  split: 'kvm_mmu_slot_try_split_huge_pages',
  shrink: 'mmu_shrink_scan',
  kernel_event: 'trace',
};

/** A short label for an op: the timeline's and the scrubber's name for it. */
export function opLabel(op: MmuOp, replayer: EventReplayer | null = null): string {
  switch (op.op) {
    case 'add':
    case 'remove':
      return `${op.op} s${op.spte / 8 - 1} on head ${op.head}`; // sN is pointer (N + 1) * 8
    case 'count':
    case 'destroy':
    case 'iterate':
      return `${op.op} head ${op.head}`;
    case 'fault':
      return (
        `fault ${op.kind} gfn ${hex(op.gfn)}` +
        (op.count && op.count > 1 ? ` x${op.count}` : '') +
        (op.level && op.level > 1 ? ` L${op.level}` : '')
      );
    case 'fork':
      return `fork x${op.count} gfn ${hex(op.gfn)}`;
    case 'zap':
      return `zap page ${op.page}`;
    case 'guest_unmap':
      return `guest clears PTE${op.count && op.count > 1 ? `s of ${op.count} spaces` : ''} from as ${op.as}`;
    case 'zap_gfn':
      return `zap gfn ${hex(op.gfn)}`;
    case 'write_protect':
      return `write-protect gfn ${hex(op.gfn)}`;
    case 'split':
      return `eager split memslot ${op.memslot ?? 0}`;
    case 'shrink':
      return 'shrink';
    case 'rmap_count':
      return `count rmap of gfn ${hex(op.gfn)}`;
    case 'kernel_event':
      return `line ${op.ev.line}: ${replayer?.label(op.ev) ?? 'kernel event'}`;
  }
}

/** Runs a list op on a free-standing head; a refusal names the head as the scenario does (0, 1, ...) and the SPTE as sN. */
function onScratchHead<T>(w: MmuWorld, head: number, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof KvmBugError)) throw e;
    const ptr = hex(e.spte);
    const message = e.message
      .replace(/rmap head (\d+)/g, (_, h: string) => `rmap head ${Number(h) - w.scratchBase}`)
      .replace(ptr, `s${e.spte / 8 - 1} (${ptr})`);
    throw new KvmBugError(e.check, head, e.spte, message);
  }
}

/** A fault make_mmu_pages_available failed: every page left is a root the vCPUs hold. */
function enospc(gfn: number, k: number, n: number): string {
  return (
    `fault ${n > 1 ? `${k + 1} of ${n} ` : ''}at gfn 0x${gfn.toString(16)} failed with -ENOSPC: ` +
    'make_mmu_pages_available left no page free (the rest are roots in use); KVM_RUN returns the error to the VMM, and the rest of this op does not run'
  );
}

function refuse(message: string): KvmBugError {
  return new KvmBugError('refused', -1, 0, message);
}
