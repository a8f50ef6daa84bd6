/**
 * One line per micro-step, in the words a KVM developer reads in arch/x86/kvm/mmu/mmu.c: the
 * kernel function first, then the field it touched (rmap_head->val, desc->sptes[i], spte_count).
 * Descriptors are named by their slab index ("desc 3"), the same name the chain view prints.
 */
import type { RmapStep } from './events';
import { KVM_RMAP_MANY, descOfVal } from './pteLists';

export interface CaptionOptions {
  /** v6.4+: the struct has tail_count, so counter reads and writes name it too. */
  tailCount?: boolean;
}

export function captionOf(
  step: RmapStep,
  nameOf: (spte: number) => string,
  opts: CaptionOptions = {},
): string {
  return `${step.fn}: ${what(step, nameOf, opts.tailCount ?? false)}`;
}

function what(step: RmapStep, nameOf: (spte: number) => string, tail: boolean): string {
  const counts = (sc: number, tc: number) =>
    `spte_count = ${sc}` + (tail ? `, tail_count = ${tc}` : '');
  switch (step.k) {
    case 'readHead':
      return `read rmap_head->val = ${headVal(step.val, nameOf)}`;
    case 'walk':
      return `visit desc ${step.desc} (chain[${step.index}])`;
    case 'compare':
      return (
        `compare desc ${step.desc} slot ${step.slot} (${nameOf(step.spte)}): ` +
        (step.match ? 'match' : 'no match')
      );
    case 'readCount':
      return `read desc ${step.desc} ${counts(step.spteCount, step.tailCount)}`;
    case 'return':
      return step.value === null ? 'return' : `return ${step.value}`;
    case 'alloc':
      return `kvm_mmu_memory_cache_alloc → desc ${step.desc}`;
    case 'writeSlot':
      return `write ${nameOf(step.spte)} into desc ${step.desc} slot ${step.slot}`;
    case 'setCounts':
      return `desc ${step.desc} ${counts(step.spteCount, step.tailCount)}`;
    case 'moveEntry':
      return (
        `move desc ${step.from} slot ${step.fromSlot} (${nameOf(step.spte)}) ` +
        `into desc ${step.to} slot ${step.toSlot}`
      );
    case 'clearSlot':
      return `clear desc ${step.desc} slot ${step.slot} (${nameOf(step.spte)})`;
    case 'setMore':
      return `desc ${step.desc}->more = ${step.more === null ? 'NULL' : `desc ${step.more}`}`;
    case 'setHead':
      return `rmap_head->val = ${headVal(step.val, nameOf)}`;
    case 'free':
      return `mmu_free_pte_list_desc(desc ${step.desc})`;
  }
}

/** kvm_rmap_head.val decoded: 0, one SPTE pointer, or a descriptor tagged with bit 0. */
function headVal(val: number, nameOf: (spte: number) => string): string {
  if (val === 0) return '0 (empty)';
  if (val & KVM_RMAP_MANY) return `desc ${descOfVal(val)} | KVM_RMAP_MANY`;
  return `${nameOf(val)} (single SPTE)`;
}
