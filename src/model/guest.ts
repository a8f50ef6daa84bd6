/**
 * The guest's own page tables, as far as the shadow MMU needs them: for an address space (a guest
 * CR3, or L1's nested page-table root for an L2) and a guest address, which gfn holds the table
 * at each level. Tables are placed on first use from `tableGfnBase` upward, one gfn each.
 */
import { copyFields } from './clone';
import { pagesPerEntry } from './spte';

export class GuestTables {
  private tables = new Map<string, number>();
  private next: number;

  constructor(
    readonly tableGfnBase: number,
    readonly rootLevel: number,
  ) {
    this.next = tableGfnBase;
  }

  clone(): GuestTables {
    return copyFields(this);
  }

  /** The gfn of the guest table at `level` that translates guest page `gva` in space `as`. */
  tableGfn(as: string, level: number, gva: number): number {
    // A level-L table covers what one entry of a level L+1 table maps.
    const prefix = level >= this.rootLevel ? 0 : Math.floor(gva / pagesPerEntry(level + 1));
    const key = `${as}/${level}/${prefix}`;
    let gfn = this.tables.get(key);
    if (gfn === undefined) {
      gfn = this.next++;
      this.tables.set(key, gfn);
    }
    return gfn;
  }

  /** The table's gfn if the guest has one there, without placing a new one. */
  peek(as: string, level: number, gva: number): number | undefined {
    const prefix = level >= this.rootLevel ? 0 : Math.floor(gva / pagesPerEntry(level + 1));
    return this.tables.get(`${as}/${level}/${prefix}`);
  }

  get count(): number {
    return this.tables.size;
  }
}
