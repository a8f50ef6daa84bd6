/**
 * Leaf SPTEs in a trace: `kvm_mmu_set_spte` writes at its frame and index (`at`) through the
 * model's mmu_set_spte and rmap_add; `fast_page_fault` fixes a leaf in place (no rmap change).
 */
import type { KvmMmuPage } from '../../model/mmuPage';
import { mmuSetSpte } from '../../model/pageTable';
import {
  childOf,
  entryGfn,
  setSpte as setModelSpte,
  spteFlags,
  spteTarget,
} from '../../model/sptes';
import {
  isLastSpte,
  isPresent,
  pagesPerEntry,
  spteBitsText,
  spteIndex,
  SPTE_EXEC,
} from '../../model/spte';
import { hex } from '../../model/hex';
import { spteIsLarge, sptePfn, type KernelEvent, type Spte64 } from './kernelEvents';
import {
  agree,
  contradict,
  ensureMemslot,
  enterFault,
  infer,
  setFrame,
  type Replay,
} from './replayState';
import { setSpteInFault } from './faultOutcome';
import { u64Hex } from '../u64';
import { flagsOfSpte, spteIsAccessTracked } from './spteBits';

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

export function setSpte(x: Replay, e: Extract<KernelEvent, { ev: 'set_spte' }>): string {
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
  if (e.fault) setSpteInFault(x, e.fault.seq, sp);
  if (e.level >= 2) x.r.hugeRegions.add(Math.floor(e.gfn / 512));
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
  // mmu_set_spte writes leaves only: above 4 KiB one has PS. Without it the model would hold a
  // link to a frame that is no page, and trip over it at the next write or zap of this entry.
  if (e.level > 1 && !spteIsLarge(e.spte)) {
    contradict(
      x,
      'mmu_set_spte',
      `level-${e.level} SPTE ${u64Hex(e.spte.hi, e.spte.lo)} without PS (bit 7): mmu_set_spte writes leaves, and a leaf above 4 KiB is huge`,
    );
    return `set_spte ${where}: not a leaf, not replayed`;
  }
  const flags = flagsOfSpte(e.spte, e.level, e, x.r.spteLayout);
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

/**
 * fast_page_fault: the SPTE the shadow walk from the current root reached for this address got
 * new bits (cmpxchg, no rmap change). The trace names it by a hashed pointer only, so the model
 * walks its own roots, newest first, for a leaf with the old SPTE's pfn.
 */
export function fastPageFault(x: Replay, page: number, old: Spte64, now: Spte64): string {
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
        // A huge leaf here and a 4 KiB SPTE fixed (no PS): not the same SPTE, however the pfns
        // agree. Rewritten with the 4 KiB SPTE's bits, the leaf would read as a link to no page.
        if (spteTarget(vm, sp, i) !== pfn || (sp.level > 1 && !spteIsLarge(old))) break;
        const g = entryGfn(vm, sp, i);
        // The fix changes W/A/D only: execute stays as the model had it. Restoring an EPT
        // access-tracked SPTE (restore_acc_track_spte) brings its saved R/X back: read them.
        const layout = x.r.spteLayout;
        const keep = spteIsAccessTracked(old, layout) ? {} : { x: (f & SPTE_EXEC) !== 0 };
        const flags = flagsOfSpte(now, sp.level, keep, layout);
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
