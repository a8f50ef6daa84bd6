/**
 * What the page shows on load, so it opens on a list worth looking at: on v6.4+ a full tail
 * descriptor behind a partly filled head, and the signature tail_count remove as the last
 * operation (the head descriptor's last entry fills a hole in the oldest descriptor).
 */
import type { PteListVariantName } from '../model/pteListVariant';
import type { RmapOp } from '../model/rmapOps';
import { sptePtr } from './spteName';

export interface Scenario {
  variant: PteListVariantName;
  ops: RmapOp[];
}

const add = (head: number, n: number): RmapOp => ({ op: 'add', head, spte: sptePtr(n) });

export const DEFAULT_SCENARIO: Scenario = {
  variant: 'tail_count',
  ops: [
    add(1, 40), // head 1: a single SPTE, the untagged form of kvm_rmap_head.val
    ...Array.from({ length: 17 }, (_, i) => add(0, i + 1)),
    { op: 'remove', head: 0, spte: sptePtr(3) },
  ],
};
