/**
 * A page's 512 entry cells as one SVG path per entry kind: each row's runs of equal cells become
 * one rectangle, so a full page is 16 subpaths, not 512 elements. A pattern of 1 px gap lines
 * drawn over the grid separates the cells again.
 */
import { ENTRY_HUGE, ENTRY_LEAF, ENTRY_LINK } from '../../worker/viewTypes';
import { GRID_COLS, GRID_ROWS, PITCH } from './treeLayout';

export const CELL = PITCH - 1;

export interface GridPaths {
  leaf: string;
  huge: string;
  link: string;
}

/** Paths in grid coordinates (0,0 = top-left cell) for page `n` of `entries`. */
export function gridPaths(entries: Uint8Array, n: number): GridPaths {
  const parts: Record<number, string[]> = { [ENTRY_LEAF]: [], [ENTRY_HUGE]: [], [ENTRY_LINK]: [] };
  const base = n * GRID_COLS * GRID_ROWS;
  for (let r = 0; r < GRID_ROWS; r++) {
    let c = 0;
    while (c < GRID_COLS) {
      const kind = entries[base + r * GRID_COLS + c]!;
      let end = c + 1;
      while (end < GRID_COLS && entries[base + r * GRID_COLS + end] === kind) end++;
      const out = parts[kind];
      if (out)
        out.push(`M${c * PITCH} ${r * PITCH}h${(end - c) * PITCH - 1}v${CELL}H${c * PITCH}z`);
      c = end;
    }
  }
  return {
    leaf: parts[ENTRY_LEAF]!.join(''),
    huge: parts[ENTRY_HUGE]!.join(''),
    link: parts[ENTRY_LINK]!.join(''),
  };
}

/** Counts of each kind in page `n`: [empty, leaf, huge, link]. */
export function kindCounts(entries: Uint8Array, n: number): number[] {
  const counts = [0, 0, 0, 0];
  const base = n * GRID_COLS * GRID_ROWS;
  for (let i = 0; i < GRID_COLS * GRID_ROWS; i++) counts[entries[base + i]!]!++;
  return counts;
}
