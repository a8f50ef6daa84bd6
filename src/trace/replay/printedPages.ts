/**
 * Finding the page an event names by what KVM_MMU_PAGE_PRINTK prints of it: the gfn and the
 * printed role bits (the rest of the role word is not printed).
 */
import type { KvmMmuPage } from '../../model/mmuPage';
import type { Kvm } from '../../model/vm';
import type { PrintedPage } from './kernelEvents';

type PrintedRole = Pick<
  PrintedPage,
  'level' | 'has4ByteGpte' | 'quadrant' | 'direct' | 'access' | 'eferNx' | 'adDisabled'
>;

/**
 * Does `sp` carry what the kernel printed of a page (gfn and the printed role bits)? The kvm
 * plugin's line has no ad_disabled, which then is not compared.
 */
export function matchesPrinted(sp: KvmMmuPage, p: PrintedPage): boolean {
  return sp.gfn === p.gfn && samePrinted(sp.role, p, p.pluginText !== true);
}

/** The page an event names: live (or, for `zapped`, invalid roots still held), best match first. */
export function findPrinted(vm: Kvm, p: PrintedPage, zapped = false): KvmMmuPage | undefined {
  const found: KvmMmuPage[] = [];
  const pool = zapped || vm.opts.tdpMmu ? vm.livePages() : vm.pagesOfGfn(p.gfn);
  for (const sp of pool) if (sp.zapped === zapped && matchesPrinted(sp, p)) found.push(sp);
  found.sort((a, b) => score(b, p) - score(a, p) || a.createdAtOp - b.createdAtOp || a.id - b.id);
  return found[0];
}

const score = (sp: KvmMmuPage, p: PrintedPage) =>
  Number(sp.rootCount === p.rootCount) + Number(sp.unsync === p.unsync);

/**
 * The role bits KVM_MMU_PAGE_PRINTK prints agree (the gfn is the caller's to compare); `ad`
 * false leaves out ad_disabled, which the kvm plugin does not print.
 */
export function samePrinted(a: PrintedRole, b: PrintedRole, ad = true): boolean {
  return (
    a.level === b.level &&
    a.has4ByteGpte === b.has4ByteGpte &&
    a.direct === b.direct &&
    a.access === b.access &&
    a.quadrant === b.quadrant &&
    a.eferNx === b.eferNx &&
    (!ad || a.adDisabled === b.adDisabled)
  );
}
