/**
 * What this file's own print fmts compute from the fields (RawContext), read from the format
 * section rather than assumed from the kernel version: the role's access_str (3 letters before
 * 7.2, 4 from 7.2: the role word's layout), fast_page_fault's `REC->ret == N` tests, whether
 * kvm_mmu_set_spte prints nothing for u == -1, and kvm_exit's exit-reason tables. What a format
 * does not say is taken from the kernel version (rawContextOf).
 */
import type { KernelVersion } from '../../model/kernelVersions';
import { exitReasonsOfPrintFmt } from '../exitReasons';
import { ROLE_FROM_7_2, ROLE_UP_TO_7_1 } from '../kernelRole';
import type { RawContext } from '../rawDecoders';
import { rawContextOf } from '../rawEvent';
import type { EventFormat } from './formats';

/** The events we read, by name, from the systems that define them. */
export function knownFormat(formats: Iterable<EventFormat>, name: string): EventFormat | undefined {
  for (const f of formats)
    if (f.name === name && (f.system === 'kvmmmu' || f.system === 'kvm')) return f;
  return undefined;
}

export function rawContextOfFormats(
  formats: Iterable<EventFormat>,
  kernel: KernelVersion,
): RawContext {
  const all = [...formats];
  const base = rawContextOf(kernel);
  let role = base.role;
  const page = knownFormat(all, 'kvm_mmu_get_page')?.printFmt ?? '';
  const accessStr = /access_str\[\]\s*=\s*\{\s*"([^"]*)"/.exec(page)?.[1];
  if (accessStr !== undefined) role = accessStr.length === 4 ? ROLE_FROM_7_2 : ROLE_UP_TO_7_1;
  const fast = knownFormat(all, 'fast_page_fault')?.printFmt ?? '';
  const ret = /REC->ret == (\d+), REC->ret == (\d+)/.exec(fast);
  const setSpte = knownFormat(all, 'kvm_mmu_set_spte')?.printFmt ?? '';
  const exit = knownFormat(all, 'kvm_exit')?.printFmt ?? '';
  return {
    role,
    retSpurious: ret ? Number(ret[1]) : base.retSpurious,
    retFixed: ret ? Number(ret[2]) : base.retFixed,
    setSpteNoUForMinusOne: setSpte.includes('REC->u')
      ? setSpte.includes('REC->u == -1')
      : base.setSpteNoUForMinusOne,
    exitReasons: exitReasonsOfPrintFmt(exit) ?? base.exitReasons,
  };
}
