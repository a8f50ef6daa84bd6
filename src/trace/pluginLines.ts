/**
 * The lines `trace-cmd report` prints through libtraceevent's kvm plugin (plugins/plugin_kvm.c)
 * instead of the kernel's print fmt, written in the event table's vocabulary:
 *
 *   kvm_mmu_get_page:          new sp gfn 10 4 q0 wux !pae nxe wp root 0 sync
 *   kvm_mmu_prepare_zap_page:  2 q0 w-x !pae nxe wp root 0 sync        (also sync, unsync)
 *   kvm_exit:                  reason EXIT_NPF rip 0x1000 info 200000006 10000
 *
 * kvm_mmu_print_role reads the role word through a union of its own, an old layout: level:4
 * cr4_pae:1 quadrant:2 direct:1 access:3 invalid:1 nxe:1 cr0_wp:1 smep_and_not_wp:1
 * smap_and_not_wp:1, 8 bits it never prints, smm:8. So its text holds bits 0-15 of the word under
 * those names (and "smm" for any of 24-31), whatever the kernel keeps there: the word is rebuilt
 * from them and split by the release's own layout (traceEventOfRaw), which on 7.3 turns its
 * "invalid" back into ACC_EXEC_MASK and its "wp" into efer_nx. Lost, and named in `unprinted`:
 * mmu_valid_gen, bits 16-23 (ad_disabled, guest_mode, passthrough), and on the zap and sync
 * events the gfn; of kvm_exit, the vCPU, intr_info and error_code.
 */
import type { KernelVersion } from '../model/kernelVersions';
import {
  access,
  bang,
  dec,
  fmt,
  hex53,
  hex64,
  oneOf,
  opt,
  until,
  type EventFormat,
} from './formatPieces';
import type { TraceEvent, TraceEventName } from './mmutraceFormats';
import { traceEventOfRaw } from './rawEvent';

/** kvm_mmu_print_role: "%u q%u%s %s%s %spae %snxe %swp%s%s%s", then " root %u " and "%s%c". */
const ROLE = fmt`${dec('level')} q${dec('quadrant')}${opt('direct', ' direct')} ${access(
  'access',
)}${opt('invalid', ' invalid')} ${bang('pae', 'pae', true)} ${bang('nxe', 'nxe', true)} ${bang(
  'wp',
  'wp',
  true,
)}${opt('smep', ' smep')}${opt('smap', ' smap')}${opt('smm', ' smm')} root ${dec(
  'rootCount',
)} ${oneOf('unsync', '%s', { sync: false, unsync: true })}`;

export const PLUGIN_FORMATS: Partial<Record<TraceEventName, EventFormat>> = {
  // kvm_mmu_get_page_handler: "%s " of created, "sp gfn %llx ", then the role.
  kvm_mmu_get_page: fmt`${oneOf('created', '%s', { new: true, existing: false })} sp gfn ${hex53(
    'gfn',
  )} ${ROLE}`,
  kvm_mmu_sync_page: ROLE,
  kvm_mmu_unsync_page: ROLE,
  kvm_mmu_prepare_zap_page: ROLE,
  // kvm_exit_handler: the reason by the plugin's own VMX/SVM tables ("reason UNKNOWN (%llu)"
  // where they have none), " rip 0x%llx", then " info %llx %llx".
  kvm_exit: fmt`reason ${until('reason', '%s', ' rip 0x')} rip 0x${hex64(
    'guestRip',
  )} info ${hex64('info1')} ${hex64('info2')}`,
};

/** The properties of a plugin-printed page event that hold no value of the kernel's. */
const PAGE_UNPRINTED = ['mmuValidGen', 'adDisabled'] as const;
const ZAP_UNPRINTED = ['mmuValidGen', 'adDisabled', 'gfn'] as const;
const EXIT_UNPRINTED = ['vcpuId', 'intrInfo', 'errorCode', 'requests'] as const;

/** The role word's bits 0-15 (and one smm bit) as the plugin named them. */
function roleWordOf(p: Record<string, unknown>): number {
  return (
    ((p.level as number) & 15) |
    (+(p.pae as boolean) << 4) |
    (((p.quadrant as number) & 3) << 5) |
    (+(p.direct as boolean) << 7) |
    (((p.access as number) & 7) << 8) |
    (+(p.invalid as boolean) << 11) |
    (+(p.nxe as boolean) << 12) |
    (+(p.wp as boolean) << 13) |
    (+(p.smep as boolean) << 14) |
    (+(p.smap as boolean) << 15) |
    (+(p.smm as boolean) << 24)
  );
}

/**
 * The event a plugin line stands for, as the text parser gives the kernel's line, with what the
 * plugin does not print listed in `unprinted` (its values there are NaN or false); or why not.
 */
export function traceEventOfPlugin(
  name: TraceEventName,
  p: Record<string, unknown>,
  head: { line: number; ts: number; cpu: number; pid: number },
  kernel: KernelVersion,
): TraceEvent | string {
  if (name === 'kvm_exit')
    return {
      event: 'kvm_exit',
      ...head,
      vcpuId: NaN,
      reason: p.reason as string,
      guestRipHi: p.guestRipHi as number,
      guestRipLo: p.guestRipLo as number,
      info1Hi: p.info1Hi as number,
      info1Lo: p.info1Lo as number,
      info2Hi: p.info2Hi as number,
      info2Lo: p.info2Lo as number,
      intrInfo: NaN,
      errorCode: NaN,
      unprinted: EXIT_UNPRINTED,
    };
  const got = name === 'kvm_mmu_get_page';
  const raw: Record<string, number> = {
    mmu_valid_gen: 0,
    gfn: got ? (p.gfn as number) : 0,
    role: roleWordOf(p),
    root_count: p.rootCount as number,
    unsync: +(p.unsync as boolean),
  };
  if (got) raw.created = +(p.created as boolean);
  const e = traceEventOfRaw(name, raw, head, kernel);
  if (e === null || typeof e === 'string') return e ?? `${name}: not an event the parser reads`;
  const out = e as TraceEvent & Record<string, unknown>;
  out.mmuValidGen = NaN;
  out.adDisabled = false;
  if (!got) out.gfn = NaN;
  out.unprinted = got ? PAGE_UNPRINTED : ZAP_UNPRINTED;
  return out;
}
