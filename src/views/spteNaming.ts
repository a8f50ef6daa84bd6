/**
 * How a chain names the SPTE pointers it holds: "s5" on the free-standing heads of rmap-only
 * scenarios, "12[37]" (shadow page 12, entry 37) in a VM's rmaps and parent_ptes.
 */
import { createContext, useContext } from 'react';
import { spteName } from '../scenario/spteName';

export const SpteNaming = createContext<(ptr: number) => string>(spteName);

export function useSpteName(): (ptr: number) => string {
  return useContext(SpteNaming);
}

/** The selected SPTE pointer (marked wherever it sits) and what a click on a slot does. */
export const SptePick = createContext<{
  selected: number | null;
  pick: ((ptr: number) => void) | null;
}>({
  selected: null,
  pick: null,
});

export function useSptePick() {
  return useContext(SptePick);
}
