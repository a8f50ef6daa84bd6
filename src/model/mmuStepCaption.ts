/**
 * One line per MMU micro-step, in kernel terms: the function, then what it did to which page,
 * entry, rmap or cache. pte_list steps inside use stepCaption.ts.
 */
import type { MmuStep } from './mmuEvents';
import { accessText, roleOfWord } from './mmuPageRole';
import { spteBitsText } from './spte';
import { captionOf } from './stepCaption';
import { hex } from './hex';

const LEVEL_NAME: Record<number, string> = { 1: '4K', 2: '2M', 3: '1G' };

/** `nameOf` names an SPTE pointer ("page 3[17]" in a VM, "s5" for free-standing heads). */
export function mmuCaption(
  step: MmuStep,
  nameOf: (sptep: number) => string,
  tailCount: boolean,
): string {
  // List steps of an op on a free-standing head are the whole story: no MMU function around them.
  if (step.k === 'list' && step.fn === 'pte_list')
    return captionOf(step.step, nameOf, { tailCount });
  return `${step.fn}: ${what(step, nameOf, tailCount)}`;
}

function what(step: MmuStep, nameOf: (sptep: number) => string, tailCount: boolean): string {
  switch (step.k) {
    case 'op':
      return step.text;
    case 'list':
      return captionOf(step.step, nameOf, { tailCount }).replace(/^(\w+): /, '$1 → ');
    case 'topup':
      return `top up ${step.cache}: +${step.added} (now ${step.nobjs})`;
    case 'lockDrop':
      return `drop mmu_lock (${step.why})`;
    case 'getPage': {
      const r = roleOfWord(step.roleWord);
      const role = `level ${step.level} ${r.direct ? 'direct' : 'indirect'}${r.guestMode ? ' guest_mode' : ''} ${accessText(r.access)}`;
      return `${step.created ? 'new' : 'existing'} page ${step.page}: gfn ${hex(step.gfn)}, ${role}`;
    }
    case 'setSpte':
      return `page ${step.page}[${step.index}] = ${spteBitsText(step.flags)} → ${step.flags & 0x40 || step.flags & 1 ? `pfn ${hex(step.target)}` : hex(step.target)} (gfn ${hex(step.gfn)})`;
    case 'clearSpte':
      return `clear page ${step.page}[${step.index}]`;
    case 'link':
      return `page ${step.page}[${step.index}] → child page ${step.child}`;
    case 'rmap':
      return (
        `pte_list_${step.op} ${nameOf(step.sptep)} ${step.op === 'add' ? 'to' : 'from'} the rmap of gfn ${hex(step.gfn)} (${LEVEL_NAME[step.level] ?? step.level})` +
        (step.ret === null ? '' : ` = ${step.ret}`) +
        (step.descsAllocated ? `, ${step.descsAllocated} descriptor(s) allocated` : '')
      );
    case 'parentPte':
      return `${step.op === 'add' ? 'add' : 'remove'} ${nameOf(step.sptep)} ${step.op === 'add' ? 'to' : 'from'} page ${step.page}'s parent_ptes`;
    case 'recycle':
      return `rmap of gfn ${hex(step.gfn)} held ${step.count} > RMAP_RECYCLE_THRESHOLD: zap it all`;
    case 'zapPage':
      return `zap page ${step.page}`;
    case 'freePage':
      return `free page ${step.page}`;
    case 'flush':
      return step.scope === 'vm'
        ? 'flush every vCPU TLB'
        : `flush gfn ${hex(step.gfn ?? 0)} (${LEVEL_NAME[step.level ?? 1] ?? step.level})`;
    case 'writeProtect':
      return `write-protect gfn ${hex(step.gfn)}: ${step.cleared} SPTE(s) changed`;
    case 'split':
      return `split gfn ${hex(step.gfn)} (${LEVEL_NAME[step.level] ?? step.level}) into ${step.reused ? 'existing' : 'new'} page ${step.page}`;
    case 'refuse':
      return `refuse gfn ${hex(step.gfn)}: -${step.errno}`;
    case 'note':
      return step.text;
    case 'infer':
      return `(inferred) ${step.text}`;
    case 'check':
      return `${step.ok ? 'agrees' : 'CONTRADICTION'}: ${step.text}`;
  }
}
