/**
 * kvm_rmap_head operations: pte_list_add, pte_list_remove (+ pte_list_desc_remove_entry),
 * pte_list_count, the teardown, and for_each_rmap_spte, for every era in PTE_LIST_VARIANTS.
 * arch/x86/kvm/mmu/mmu.c; behaviour pinned by the golden traces in test/golden.
 *
 * Each function begins an operation on `L` (resetting L.cost), emits micro-steps to L.rec when
 * recording, and touches descriptor fields at their layout offsets so L.cost.cacheLines is real.
 */
import { KvmBugError, fmtPtr } from './errors';
import type { RmapFn } from './events';
import { KVM_RMAP_MANY, NO_DESC, PteLists, descOfVal, descPtr } from './pteLists';

export function pteListAdd(L: PteLists, h: number, spte: number): number {
  L.beginOp();
  checkSptePtr(h, spte);
  if (L.ownerIndex && L.ownerOf(spte) >= 0) throw alreadyPresent(L, h, spte);
  const ret = L.tailCountVariant ? addToHead(L, h, spte) : addAppending(L, h, spte);
  L.setOwner(spte, h);
  L.rec?.ret('pte_list_add', h, ret);
  return ret;
}

/** The cases every era shares: an empty head takes the SPTE; a single one becomes a descriptor. */
function addToEmptyOrSingle(L: PteLists, h: number, spte: number, val: number): number {
  if (val === 0) {
    L.headVal[h] = spte;
    L.rec?.setHead('pte_list_add', h, spte);
    return 0;
  }
  const d = L.allocDesc();
  L.rec?.alloc('pte_list_add', h, d);
  writeSlot(L, h, d, 0, val, 'pte_list_add');
  writeSlot(L, h, d, 1, spte, 'pte_list_add');
  if (L.hasSpteCount) setCounts(L, h, d, 2, 0, 'pte_list_add');
  L.headVal[h] = descPtr(d);
  L.rec?.setHead('pte_list_add', h, L.headVal[h]!);
  return 1;
}

/**
 * v6.4+ (141705b78381): the head descriptor takes the entry; a full head gets a new head
 * prepended whose tail_count is the old total. Written out as one body, like the kernel's, because
 * this is the hot path of every benchmark: helper calls here cost V8 its inlining budget.
 */
function addToHead(L: PteLists, h: number, spte: number): number {
  const rec = L.rec;
  const val = L.headVal[h]!;
  rec?.readHead('pte_list_add', h, val);
  if (!(val & KVM_RMAP_MANY)) return addToEmptyOrSingle(L, h, spte, val);

  let desc = descOfVal(val);
  L.costVisited++;
  rec?.walk('pte_list_add', h, desc, 0);
  L.touch(desc, L.countOff);
  const count = L.tailCount[desc]! + L.spteCount[desc]!;
  rec?.readCount('pte_list_add', h, desc, L.spteCount[desc]!, L.tailCount[desc]!);
  if (L.spteCount[desc] === L.ext) desc = prependHead(L, h, desc, count);

  const i = L.spteCount[desc]!;
  L.touch(desc, L.slotOff + 8 * i);
  L.sptes[desc * L.ext + i] = spte; // desc->sptes[desc->spte_count++] = spte;
  L.spteCount[desc] = i + 1;
  rec?.writeSlot('pte_list_add', h, desc, i, spte);
  rec?.setCounts('pte_list_add', h, desc, i + 1, L.tailCount[desc]!);
  return count;
}

/** "If the previous head is full, allocate a new head descriptor as tail descriptors are always kept full." */
function prependHead(L: PteLists, h: number, oldHead: number, count: number): number {
  const d = L.allocDesc();
  L.rec?.alloc('pte_list_add', h, d);
  setMore(L, h, d, oldHead, 'pte_list_add');
  setCounts(L, h, d, 0, count, 'pte_list_add');
  L.headVal[h] = descPtr(d);
  L.rec?.setHead('pte_list_add', h, L.headVal[h]!);
  return d;
}

/**
 * v2.6.x–v6.3: skip full descriptors from the head, fill the first non-full one; append a new
 * descriptor only when all are full. The return counts EXT per descriptor passed plus the entries
 * of the receiving one; until v5.9 the full last descriptor is left out when a new one is appended.
 */
function addAppending(L: PteLists, h: number, spte: number): number {
  const val = readHead(L, h, 'pte_list_add');
  if (!(val & KVM_RMAP_MANY)) return addToEmptyOrSingle(L, h, spte, val);
  const { ext, variant } = L;
  let d = descOfVal(val);
  let count = 0;
  for (let index = 0; ; index++) {
    visit(L, h, d, index, 'pte_list_add');
    if (!isFull(L, h, d)) break;
    L.touch(d, L.moreOff);
    const next = L.more[d]!;
    if (!(variant.addLeavesOutFullLast && next === NO_DESC)) count += ext;
    if (next === NO_DESC) {
      const nd = L.allocDesc();
      L.rec?.alloc('pte_list_add', h, nd);
      setMore(L, h, d, nd, 'pte_list_add');
      if (L.hasSpteCount) setCounts(L, h, nd, 0, 0, 'pte_list_add');
      d = nd;
      break;
    }
    d = next;
  }
  const i = usedSlots(L, d);
  count += i;
  writeSlot(L, h, d, i, spte, 'pte_list_add');
  if (L.hasSpteCount) setCounts(L, h, d, i + 1, 0, 'pte_list_add');
  return count;
}

export function pteListRemove(L: PteLists, h: number, spte: number): void {
  L.beginOp();
  removeSpte(L, h, spte, 'pte_list_remove');
}

/**
 * Refusals happen before any write: with the owner index up front, without it (a VM's lists) at
 * the end of the read-only search, where the kernel hits its BUG().
 */
function removeSpte(L: PteLists, h: number, spte: number, fn: RmapFn): void {
  if (L.ownerIndex && L.ownerOf(spte) !== h) throw notPresent(L, h, spte);
  const val = readHead(L, h, fn);
  if (!(val & KVM_RMAP_MANY)) {
    if (val !== spte) throw notPresent(L, h, spte);
    L.setOwner(spte, -1);
    L.headVal[h] = 0;
    L.rec?.setHead(fn, h, 0);
    return;
  }
  const { ext } = L;
  let prev = NO_DESC;
  for (let d = descOfVal(val), index = 0; d !== NO_DESC; index++) {
    visit(L, h, d, index, fn);
    let n = ext;
    if (L.hasSpteCount) {
      readCounts(L, h, d, fn);
      n = L.spteCount[d]!;
    }
    // The search loop reads slots 0..i; their cache lines are noted once, after it.
    let i = 0;
    let found = false;
    for (const base = d * ext; i < n; i++) {
      const s = L.sptes[base + i]!;
      if (s === 0) break; // NULL-terminated eras
      L.costCompares++;
      found = s === spte;
      L.rec?.compare(fn, h, d, i, s, found);
      if (found) break;
    }
    L.touchSlots(d, Math.min(i + 1, n));
    if (found) {
      L.setOwner(spte, -1);
      return removeEntry(L, h, d, i, prev);
    }
    L.touch(d, L.moreOff);
    prev = d;
    d = L.more[d]!;
  }
  throw notPresent(L, h, spte);
}

/** pte_list_desc_remove_entry: fill slot i of `d` and free a descriptor that empties. */
function removeEntry(L: PteLists, h: number, d: number, i: number, prev: number): void {
  const fn = 'pte_list_desc_remove_entry';
  // Which entry fills the hole: the head descriptor's last (6.4+, keeping tails full), else the
  // same descriptor's last, found by count or by scanning back from the end for a non-NULL slot.
  const src = L.tailCountVariant ? descOfVal(L.headVal[h]!) : d;
  let j: number;
  if (L.tailCountVariant) readHead(L, h, fn);
  if (L.hasSpteCount) {
    readCounts(L, h, src, fn);
    j = L.spteCount[src]! - 1;
  } else {
    for (j = L.ext - 1; readSlot(L, src, j) === 0 && j > i; --j);
  }
  moveEntry(L, h, src, j, d, i, fn);
  if (L.hasSpteCount) setCounts(L, h, src, j, L.tailCount[src]!, fn);
  if (j > 0) return;

  // `src` is empty: unlink and free it.
  L.touch(src, L.moreOff);
  const next = L.more[src]!;
  if (prev !== NO_DESC && !L.tailCountVariant) setMore(L, h, prev, next, fn);
  else {
    L.headVal[h] = next === NO_DESC ? 0 : descPtr(next);
    L.rec?.setHead(fn, h, L.headVal[h]!);
  }
  L.freeDesc(src);
  L.rec?.free(fn, h, src);
}

/** pte_list_count; null where the kernel had none (before v5.15). */
export function pteListCount(L: PteLists, h: number): number | null {
  L.beginOp();
  if (!L.variant.hasCount) {
    L.rec?.ret('pte_list_count', h, null);
    return null;
  }
  const val = readHead(L, h, 'pte_list_count');
  let count = val === 0 ? 0 : 1;
  if (val & KVM_RMAP_MANY) {
    count = 0;
    // tail_count: the head's two counters are the whole story; spte_count: walk every descriptor.
    for (let d = descOfVal(val), index = 0; d !== NO_DESC; index++) {
      visit(L, h, d, index, 'pte_list_count');
      count += readCounts(L, h, d, 'pte_list_count');
      if (L.tailCountVariant) break;
      L.touch(d, L.moreOff);
      d = L.more[d]!;
    }
  }
  L.rec?.ret('pte_list_count', h, count);
  return count;
}

/**
 * Tear the list down. 'freeAll' (pte_list_destroy, v5.15; kvm_zap_all_rmap_sptes from v6.0): one
 * walk freeing every descriptor, then val = 0. 'removeFirst' (kvm_unmap_rmapp / kvm_zap_rmapp, up
 * to v5.14): remove the first entry rmap_get_first returns, over and over. `fn` is the era's name.
 */
export function pteListDestroy(
  L: PteLists,
  h: number,
  fn: 'pte_list_destroy' | 'kvm_zap_rmapp' | 'kvm_zap_all_rmap_sptes' = 'pte_list_destroy',
): void {
  L.beginOp();
  if (L.variant.teardown === 'removeFirst') {
    for (let first = firstSpte(L, h); first !== 0; first = firstSpte(L, h))
      removeSpte(L, h, first, fn);
    return;
  }
  const val = readHead(L, h, fn);
  if (val === 0) return;
  if (val & KVM_RMAP_MANY) {
    for (let d = descOfVal(val), index = 0; d !== NO_DESC; index++) {
      visit(L, h, d, index, fn);
      readCounts(L, h, d, fn);
      for (let i = 0; i < L.spteCount[d]!; i++) L.setOwner(readSlot(L, d, i), -1);
      L.touch(d, L.moreOff);
      const next = L.more[d]!;
      L.freeDesc(d);
      L.rec?.free(fn, h, d);
      d = next;
    }
  } else L.setOwner(val, -1);
  L.headVal[h] = 0;
  L.rec?.setHead(fn, h, 0);
}

/** rmap_get_first: the head's only SPTE, or slot 0 of the head descriptor (0 = none). */
export function rmapGetFirst(L: PteLists, h: number): number {
  return firstSpte(L, h);
}

function firstSpte(L: PteLists, h: number): number {
  const val = L.headVal[h]!;
  if (!(val & KVM_RMAP_MANY)) return val;
  return L.sptes[descOfVal(val) * L.ext]!;
}

/** for_each_rmap_spte: head descriptor first, slots in index order, then along `more`. */
export function forEachRmapSpte(L: PteLists, h: number, fn: (spte: number) => void): void {
  const val = L.headVal[h]!;
  if (val === 0) return;
  if (!(val & KVM_RMAP_MANY)) return fn(val);
  for (let d = descOfVal(val); d !== NO_DESC; d = L.more[d]!) {
    for (let i = 0; i < L.ext; i++) {
      const s = L.sptes[d * L.ext + i]!;
      if (s === 0) break;
      fn(s);
    }
  }
}

export function rmapSptes(L: PteLists, h: number): number[] {
  const out: number[] = [];
  forEachRmapSpte(L, h, (s) => out.push(s));
  return out;
}

// --- field accessors: each one notes the access for costs and micro-steps ---

function readHead(L: PteLists, h: number, fn: RmapFn): number {
  const val = L.headVal[h]!;
  L.rec?.readHead(fn, h, val);
  return val;
}

function visit(L: PteLists, h: number, d: number, index: number, fn: RmapFn): void {
  L.costVisited++;
  L.rec?.walk(fn, h, d, index);
}

/** Reads the counters; returns spte_count + tail_count (tail_count is 0 before v6.4). */
function readCounts(L: PteLists, h: number, d: number, fn: RmapFn): number {
  L.touch(d, L.countOff); // both u32 counters (6.4+) or the u64 spte_count: one 8-byte word
  const sc = L.spteCount[d]!;
  const tc = L.tailCount[d]!;
  L.rec?.readCount(fn, h, d, sc, tc);
  return sc + tc;
}

function isFull(L: PteLists, h: number, d: number): boolean {
  if (L.hasSpteCount) {
    readCounts(L, h, d, 'pte_list_add');
    return L.spteCount[d] === L.ext;
  }
  return readSlot(L, d, L.ext - 1) !== 0;
}

/** Entries in `d`: its spte_count, or (NULL-terminated eras) the index of the first NULL slot. */
function usedSlots(L: PteLists, d: number): number {
  if (L.hasSpteCount) return L.spteCount[d]!;
  let i = 0;
  while (i < L.ext && readSlot(L, d, i) !== 0) i++;
  return i;
}

function readSlot(L: PteLists, d: number, i: number): number {
  L.touch(d, L.slotOff + 8 * i);
  return L.sptes[d * L.ext + i]!;
}

function writeSlot(L: PteLists, h: number, d: number, i: number, spte: number, fn: RmapFn): void {
  L.touch(d, L.slotOff + 8 * i);
  L.sptes[d * L.ext + i] = spte;
  L.rec?.writeSlot(fn, h, d, i, spte);
}

function moveEntry(
  L: PteLists,
  h: number,
  from: number,
  j: number,
  to: number,
  i: number,
  fn: RmapFn,
) {
  const base = L.slotOff;
  L.touch(from, base + 8 * j);
  L.touch(to, base + 8 * i);
  const spte = L.sptes[from * L.ext + j]!;
  L.sptes[to * L.ext + i] = spte; // desc->sptes[i] = src->sptes[j];
  L.sptes[from * L.ext + j] = 0; //  src->sptes[j] = NULL;
  L.rec?.moveEntry(fn, h, from, j, to, i, spte);
}

function setCounts(L: PteLists, h: number, d: number, sc: number, tc: number, fn: RmapFn): void {
  L.touch(d, L.countOff);
  L.spteCount[d] = sc;
  if (L.tailCountVariant) L.tailCount[d] = tc;
  L.rec?.setCounts(fn, h, d, sc, L.tailCount[d]!);
}

function setMore(L: PteLists, h: number, d: number, more: number, fn: RmapFn): void {
  L.touch(d, L.moreOff);
  L.more[d] = more;
  L.rec?.setMore(fn, h, d, more === NO_DESC ? null : more);
}

function checkSptePtr(h: number, spte: number): void {
  if ((spte | 0) !== spte || spte <= 0 || (spte & 7) !== 0) throw badPointer(h, spte);
}

// The refusals, built out of line so the hot paths stay small.

function alreadyPresent(L: PteLists, h: number, spte: number): KvmBugError {
  const where = L.ownerOf(spte);
  return new KvmBugError(
    'pte_list_add: SPTE already in an rmap',
    h,
    spte,
    `pte_list_add: SPTE ${fmtPtr(spte)} is already in rmap head ${where}`,
  );
}

function notPresent(L: PteLists, h: number, spte: number): KvmBugError {
  const where = L.ownerOf(spte);
  return new KvmBugError(
    'pte_list_remove: SPTE not in rmap',
    h,
    spte,
    `pte_list_remove: SPTE ${fmtPtr(spte)} is not in rmap head ${h}` +
      (where >= 0 ? ` (it is in head ${where})` : '') +
      (L.corruption === 'BUG'
        ? '; the kernel hits BUG()'
        : '; the kernel hits KVM_BUG_ON_DATA_CORRUPTION: the VM is marked bugged (BUG() only with CONFIG_BUG_ON_DATA_CORRUPTION=y)'),
  );
}

function badPointer(h: number, spte: number): KvmBugError {
  return new KvmBugError(
    'bad SPTE pointer',
    h,
    spte,
    `SPTE pointer ${spte} is not a non-zero multiple of 8`,
  );
}
