/**
 * The rules every rmap head keeps between operations: the kernel's BUG_ON / WARN conditions and
 * what the list code relies on. A broken rule throws InvariantError naming it: a model bug.
 */
import { InvariantError, fmtPtr } from './errors';
import { KVM_RMAP_MANY, NO_DESC, descOfVal } from './pteLists';
import type { PteLists } from './pteLists';

export function checkRmapHead(L: PteLists, h: number): void {
  const val = L.headVal[h]!;
  if (val === 0) return;
  if (!(val & KVM_RMAP_MANY)) {
    if (val % 8 !== 0) fail('single-is-pointer', `head ${h} holds ${val}, not an SPTE pointer`);
    if (L.ownerIndex && L.ownerOf(val) !== h)
      fail('owner-index', `head ${h}: SPTE ${fmtPtr(val)} indexed under ${L.ownerOf(val)}`);
    return;
  }
  const { ext, variant } = L;
  const seen = new Set<number>();
  const chain: number[] = [];
  for (let d = descOfVal(val); d !== NO_DESC; d = L.more[d]!) {
    if (chain.length > L.liveDescs)
      fail('chain-acyclic', `head ${h}: chain longer than the live descriptors`);
    chain.push(d);
    let used = 0;
    while (used < ext && L.sptes[d * ext + used] !== 0) used++;
    for (let i = used; i < ext; i++) {
      if (L.sptes[d * ext + i] !== 0)
        fail('slots-packed', `head ${h} desc ${d}: slot ${i} set after a NULL slot`);
    }
    // KVM_BUG_ON_DATA_CORRUPTION(j < 0): a descriptor on a list is never empty.
    if (used === 0) fail('desc-nonempty', `head ${h} desc ${d} is empty but linked`);
    if (variant.hasSpteCount && L.spteCount[d] !== used) {
      fail(
        'spte_count-exact',
        `head ${h} desc ${d}: spte_count ${L.spteCount[d]} but ${used} slots used`,
      );
    }
    if (variant.tailCount && chain.length > 1 && used !== ext) {
      fail('tails-full', `head ${h} desc ${d} (a tail) holds ${used} of ${ext}`);
    }
    for (let i = 0; i < used; i++) {
      const s = L.sptes[d * ext + i]!;
      if (seen.has(s)) fail('no-duplicates', `head ${h}: SPTE ${fmtPtr(s)} twice`);
      seen.add(s);
      if (L.ownerIndex && L.ownerOf(s) !== h)
        fail('owner-index', `head ${h}: SPTE ${fmtPtr(s)} indexed under ${L.ownerOf(s)}`);
    }
  }
  if (variant.tailCount) {
    let after = 0;
    for (let k = chain.length - 1; k >= 0; k--) {
      const d = chain[k]!;
      if (L.tailCount[d] !== after) {
        fail(
          'tail_count-exact',
          `head ${h} desc ${d}: tail_count ${L.tailCount[d]}, entries after it ${after}`,
        );
      }
      after += L.spteCount[d]!;
    }
  }
}

function fail(rule: string, detail: string): never {
  throw new InvariantError(rule, detail);
}
