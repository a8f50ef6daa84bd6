/**
 * The tree view's data: every shadow page the VM holds, the kind of each of its 512 entries,
 * and the parent entry → child page links, as plain data the worker can post. Pure: reads the
 * VM, changes nothing.
 */
import { accessText } from '../model/mmuPageRole';
import { sptepOf, type KvmMmuPage } from '../model/mmuPage';
import { isLastSpte, isPresent, SPTE_ENT_PER_PAGE, SPTE_HUGE } from '../model/spte';
import { CHUNK, CHUNKS_PER_PAGE } from '../model/sptStore';
import type { Kvm } from '../model/vm';
import {
  ENTRY_EMPTY,
  ENTRY_HUGE,
  ENTRY_LEAF,
  ENTRY_LINK,
  type TreeEdge,
  type TreePage,
  type TreeSnapshot,
} from './viewTypes';

const NO_PAGES: ReadonlySet<number> = new Set();

/**
 * `opIndex` is the op the user looks at (vm.opIndex after it ran): pages it created are 'new'.
 * The model keeps no per-page record of a lookup that found an existing page, so the caller
 * passes the ids its micro-steps reused; a zapped page still waiting for its roots is 'zapped'.
 */
export function treeSnapshot(
  vm: Kvm,
  opIndex: number,
  reused: ReadonlySet<number> = NO_PAGES,
  /** A trace replay's inferred links, by the parent entry's sptep. */
  inferredLinks: ReadonlySet<number> = NO_PAGES,
): TreeSnapshot {
  const live: KvmMmuPage[] = [];
  for (const sp of vm.livePages()) live.push(sp);
  const entries = new Uint8Array(live.length * SPTE_ENT_PER_PAGE);
  const edges: TreeEdge[] = [];
  const hasParent = new Set<number>();
  const { spt } = vm;
  const pages = live.map((sp, n): TreePage => {
    const base = n * SPTE_ENT_PER_PAGE;
    // Read the page a chunk of 16 entries at a time, straight from the SPTE arrays: 8,208 pages
    // are 4.2 M entries, and a lookup per entry made this the slowest part of a seek.
    if (sp.present > 0) {
      for (let c = 0; c < CHUNKS_PER_PAGE; c++) {
        const slot = spt.chunkBase(sp.id, c);
        if (slot < 0) continue;
        for (let j = 0; j < CHUNK; j++) {
          const kind = entryKind(spt.flags[slot + j]!, sp.level);
          if (kind === ENTRY_EMPTY) continue;
          const i = c * CHUNK + j;
          entries[base + i] = kind;
          if (kind !== ENTRY_LINK) continue;
          const child = vm.pages[spt.target[slot + j]!];
          if (!child) continue;
          const inferred = inferredLinks.has(sptepOf(sp.id, i));
          edges.push({ parent: sp.id, index: i, child: child.id, ...(inferred && { inferred }) });
          hasParent.add(child.id);
        }
      }
    }
    return {
      id: sp.id,
      gfn: sp.gfn,
      level: sp.level,
      roleWord: sp.roleWord,
      direct: sp.role.direct,
      guestMode: sp.role.guestMode,
      tdpMmu: sp.tdpMmuPage,
      unsync: sp.unsync,
      rootCount: sp.rootCount,
      present: sp.present,
      mark: sp.zapped
        ? 'zapped'
        : sp.createdAtOp === opIndex
          ? 'new'
          : reused.has(sp.id)
            ? 'reused'
            : null,
      access: accessText(sp.role.access),
    };
  });
  const roots = pages.filter((p) => !hasParent.has(p.id)).map((p) => p.id);
  return { pages, entries, edges, roots };
}

/** Present entries are a link to a child table, a 4 KiB leaf, or a huge leaf (PT_PAGE_SIZE_MASK). */
function entryKind(flags: number, level: number): number {
  if (!isPresent(flags)) return ENTRY_EMPTY;
  if (!isLastSpte(flags, level)) return ENTRY_LINK;
  return flags & SPTE_HUGE ? ENTRY_HUGE : ENTRY_LEAF;
}
