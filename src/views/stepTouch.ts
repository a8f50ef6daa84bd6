/**
 * Which part of the drawing one micro-step touched: the head word, a descriptor's `more` or
 * counter word, or slots. Read from the step as data (the main thread runs no model code).
 */
import type { RmapStep } from '../model/events';

export type SlotRole = 'compare' | 'write' | 'clear' | 'from' | 'to';

export interface Touch {
  head: boolean;
  /** The descriptor the step is about (walk, counters, more, alloc, free). */
  desc: number | null;
  field: 'more' | 'count' | null;
  slots: { desc: number; slot: number; role: SlotRole }[];
}

const NONE: Touch = { head: false, desc: null, field: null, slots: [] };

export function touchOf(step: RmapStep | undefined): Touch {
  if (!step) return NONE;
  switch (step.k) {
    case 'readHead':
    case 'setHead':
      return { ...NONE, head: true };
    case 'walk':
    case 'alloc':
    case 'free':
      return { ...NONE, desc: step.desc };
    case 'readCount':
    case 'setCounts':
      return { ...NONE, desc: step.desc, field: 'count' };
    case 'setMore':
      return { ...NONE, desc: step.desc, field: 'more' };
    case 'compare':
      return { ...NONE, slots: [{ desc: step.desc, slot: step.slot, role: 'compare' }] };
    case 'writeSlot':
      return { ...NONE, slots: [{ desc: step.desc, slot: step.slot, role: 'write' }] };
    case 'clearSlot':
      return { ...NONE, slots: [{ desc: step.desc, slot: step.slot, role: 'clear' }] };
    case 'moveEntry':
      return {
        ...NONE,
        slots: [
          { desc: step.from, slot: step.fromSlot, role: 'from' },
          { desc: step.to, slot: step.toSlot, role: 'to' },
        ],
      };
    case 'return':
      return NONE;
  }
}

/** Descriptors allocated and freed by steps 0..k of an operation. */
export function allocFreeUpTo(
  steps: readonly RmapStep[],
  k: number,
): { allocated: Set<number>; freed: number[] } {
  const allocated = new Set<number>();
  const freed: number[] = [];
  for (let i = 0; i <= k && i < steps.length; i++) {
    const s = steps[i]!;
    if (s.k === 'alloc') allocated.add(s.desc);
    else if (s.k === 'free') freed.push(s.desc);
  }
  return { allocated, freed };
}
