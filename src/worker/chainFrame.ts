/**
 * The chain view's data: a head as a picture (Frame) and its era's struct layout (VariantInfo),
 * computed in the worker because the main thread may not run model code.
 */
import type { PteListVariantName } from '../model/pteListVariant';
import { PTE_LIST_VARIANTS } from '../model/pteListVariant';
import { chainOf, headKind } from '../model/rmapLayout';
import type { HeadKind, HeadState } from '../model/rmapLayout';

export interface VariantInfo {
  name: PteListVariantName;
  kernels: string;
  structName: string;
  /** PTE_LIST_EXT. */
  ext: number;
  descBytes: number;
  slotsOffset: number;
  /** The struct keeps spte_count (v5.15+); older eras end their used slots at a NULL. */
  counted: boolean;
  tailCount: boolean;
}

/** A HeadState plus what a view needs and must not compute itself. */
export interface Frame extends HeadState {
  kind: HeadKind;
  /** The descriptor rmap_head->val points at, when tagged KVM_RMAP_MANY. */
  headDesc: number | null;
  /** Descriptor ids in chain order from the head, following `more`. */
  chain: number[];
  /** Descriptors the head owns but cannot reach: just allocated, or unlinked before the free. */
  detached: number[];
}

export function variantInfo(name: PteListVariantName): VariantInfo {
  const v = PTE_LIST_VARIANTS[name];
  return {
    name,
    kernels: v.kernels,
    structName: v.structName,
    ext: v.ext,
    descBytes: v.layout.size,
    slotsOffset: v.layout.slotsOffset,
    counted: v.hasSpteCount,
    tailCount: v.tailCount,
  };
}

export function frameOf(s: HeadState): Frame {
  const chain = chainOf(s).map((d) => d.id);
  const linked = new Set(chain);
  const kind = headKind(s.val);
  return {
    ...s,
    kind,
    headDesc: kind === 'many' ? (chain[0] ?? null) : null,
    chain,
    detached: Object.keys(s.descs)
      .map(Number)
      .filter((id) => !linked.has(id)),
  };
}
