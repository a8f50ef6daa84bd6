/**
 * What a page card says, shared by the SVG, the canvas and the status line, so the three never
 * disagree. Names follow the kernel: role.direct, role.guest_mode, tdp_mmu_page, unsync,
 * root_count; levels also get the x86 table names learners know.
 */
import { hex } from '../../scenario/spteName';
import type { TreePage } from '../../worker/viewTypes';
import { ENTRY_EMPTY, ENTRY_HUGE, ENTRY_LEAF, ENTRY_LINK } from '../../worker/viewTypes';

const TABLE_NAMES: Record<number, string> = { 1: 'PT', 2: 'PD', 3: 'PDPT', 4: 'PML4', 5: 'PML5' };

export interface PageLines {
  /** "L2 gfn 0x40000" */
  title: string;
  /** "sp 12" */
  id: string;
  /** "indirect guest_mode unsync" */
  role: string;
  /** "wux  512 present  root 1" */
  meta: string;
}

export function pageLines(p: TreePage): PageLines {
  const role = [
    p.direct ? 'direct' : 'indirect',
    p.guestMode ? 'guest_mode' : '',
    p.tdpMmu ? 'tdp_mmu' : '',
    p.unsync ? 'unsync' : '',
  ];
  const meta = [p.access, `${p.present} present`, p.rootCount > 0 ? `root ${p.rootCount}` : ''];
  return {
    title: `L${p.level} gfn ${hex(p.gfn)}`,
    id: `sp ${p.id}`,
    role: role.filter(Boolean).join(' '),
    meta: meta.filter(Boolean).join('  '),
  };
}

/** A longer description for tooltips and the status line. */
export function pageTitle(p: TreePage): string {
  const table = TABLE_NAMES[p.level] ?? `level ${p.level}`;
  const l = pageLines(p);
  const mark = p.mark ? `, ${p.mark} in this op` : '';
  return `shadow page ${p.id}: level ${p.level} (${table}), gfn ${hex(p.gfn)}, ${l.role}, access ${p.access}, ${p.present} present entries, root_count ${p.rootCount}, role.word ${hex(p.roleWord)}${mark}`;
}

export const ENTRY_NAMES: Record<number, string> = {
  [ENTRY_EMPTY]: 'not present',
  [ENTRY_LEAF]: '4K leaf',
  [ENTRY_HUGE]: 'huge leaf',
  [ENTRY_LINK]: 'link to a child table',
};

/** "entry 17 (4K leaf)": what one cell of the grid holds. */
export function entryText(kind: number, index: number, level: number): string {
  const name =
    kind === ENTRY_HUGE
      ? `${level === 2 ? '2M' : level === 3 ? '1G' : 'huge'} leaf`
      : ENTRY_NAMES[kind];
  return `entry ${index} (${name ?? 'unknown'})`;
}
