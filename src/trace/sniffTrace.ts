/**
 * What the start of a trace tells about the kernel and KVM's module parameters, in any of the
 * three forms a run comes in: the kernel's own text (tracefs), `trace-cmd report` (whose kvm
 * plugin reprints the page and exit events) and `trace-cmd report -N` (the raw fields where
 * libtraceevent cannot parse a print fmt). Each clue is looked for in every form, so the three
 * files of one run give the same settings; the `why` names what was seen in the form at hand.
 */
import {
  optionsForKernel,
  resolveKernelRelease,
  type KernelVersion,
} from '../model/kernelVersions';
import { tdpMmuInEffect } from '../model/kernelOptions';
import type { Host } from './replay/spteBits';

/** How much of a trace's text the importer reads first to tell its kernel and parameters. */
export const SNIFF_BYTES = 1 << 20;

export interface ImportOptions {
  kernel?: KernelVersion;
  tdp?: boolean;
  tdpMmu?: boolean;
  /** The host's CPU vendor (`--host`): with TDP on, Intel's SPTEs have EPT's layout. */
  host?: Host;
  /** kvm_intel's `ept` (`--ept on|off`): tdp, on an Intel host. */
  ept?: boolean;
  /** Who gave them, for the `why` of each setting (default: the CLI's flags). */
  givenBy?: string;
}

/** A setting, and whether the user gave it, the trace showed it, or the importer assumed it. */
export interface Setting<T> {
  value: T;
  how: 'given' | 'seen' | 'assumed';
  why: string;
}

export interface ImportSettings {
  kernel: Setting<KernelVersion>;
  tdp: Setting<boolean>;
  tdpMmu: Setting<boolean>;
  /** Intel (VMX; EPT with TDP on) or AMD (SVM; NPT): which SPTE layout the trace has. */
  host: Setting<Host>;
}

// The event name as tracefs prints it ("name: ") and as trace-cmd pads it ("name:      ").
const GET_PAGE = String.raw`kvm_mmu_get_page: +`;
/** KVM_MMU_PAGE_PRINTK of a kvm_mmu_get_page: [1] level, [2] " direct", [3] the access letters. */
const KERNEL_PAGE = new RegExp(
  GET_PAGE + String.raw`sp gen \d+ gfn [0-9a-f]+ l(\d) \d-byte q\d+( direct)? ([rwux-]{3,4}) `,
);
/** The kvm plugin's kvm_mmu_get_page: [1] level, [2] " direct", [3] access, [4] " invalid". */
const PLUGIN_PAGE = new RegExp(
  GET_PAGE +
    String.raw`(?:new|existing) sp gfn [0-9a-f]+ (\d+) q\d+( direct)? ([wux-]{3})( invalid)? `,
);
/** report -N's kvm_mmu_get_page: [1] the role word, decimal or hex. */
const RAW_PAGE = new RegExp(
  GET_PAGE + String.raw`\[FAILED TO PARSE\][^\n]* role=(0x[0-9a-f]+|\d+)\b`,
);

/** role.level, role.direct, role.access (bits 8-11) and whether bit 11 is set, from any form. */
interface SeenPage {
  index: number;
  level: number;
  direct: boolean;
  /** Bits 8..11 of the word: ACC_* of the 3-bit access, or of 7.2's 4-bit one. */
  accessBits: number;
  /** The kernel's text prints the access by name (3 or 4 letters): no bit of it is read. */
  letters: number | null;
}

/** Every kvm_mmu_get_page of the head in order, whichever form prints them. */
function* pagesOf(head: string): Generator<SeenPage> {
  const all = new RegExp(`${KERNEL_PAGE.source}|${PLUGIN_PAGE.source}|${RAW_PAGE.source}`, 'g');
  for (const m of head.matchAll(all)) {
    if (m[1] !== undefined) {
      const letters = m[3]!;
      yield {
        index: m.index,
        level: Number(m[1]),
        direct: m[2] !== undefined,
        accessBits: letters.length === 4 ? 8 : 0,
        letters: letters.length,
      };
    } else if (m[4] !== undefined) {
      // The plugin reads bits 8-10 as its access and bit 11 as "invalid".
      const a = m[6]!;
      const bits = (a[0] === 'w' ? 2 : 0) | (a[1] === 'u' ? 4 : 0) | (a[2] === 'x' ? 1 : 0);
      yield {
        index: m.index,
        level: Number(m[4]),
        direct: m[5] !== undefined,
        accessBits: bits | (m[7] !== undefined ? 8 : 0),
        letters: null,
      };
    } else {
      const word = Number(m[8]!);
      yield {
        index: m.index,
        level: word & 15,
        direct: (word & 0x80) !== 0,
        accessBits: (word >>> 8) & 15,
        letters: null,
      };
    }
  }
}

/**
 * 7.2's 4-bit role.access, in any form: the kernel prints 4 letters; in the role word bit 11 is
 * ACC_EXEC_MASK from 7.2 and `invalid` before, which a page kvm_mmu_get_page returns never has
 * (the lookup skips invalid pages, and new ones are valid), so a got page with bit 11 set is 7.2+.
 */
function roleAccess4(head: string): string | null {
  // The kernel's text of any page event ("q0 direct r--x"), not only kvm_mmu_get_page's.
  if (/: +sp gen \d+ gfn [0-9a-f]+ l\d \d-byte q\d+(?: direct)? [r-][w-][u-][x-] /.test(head))
    return 'the role access prints 4 letters ("rwux": ACC_READ_MASK, 7.2+)';
  for (const p of pagesOf(head))
    if (p.letters === null && p.accessBits & 8)
      return "a kvm_mmu_get_page role has bit 11 set: ACC_EXEC_MASK of 7.2's 4-bit access (before 7.2 the invalid bit, which a page got never has)";
  return null;
}

/** Reads the start of a trace for what it tells: a 6.10+ empty SPTE, a TDP root, the TDP MMU. */
export function sniffTrace(head: string, given: ImportOptions = {}): ImportSettings {
  const asked = given;
  if (given.ept !== undefined) given = { ...given, tdp: given.tdp ?? given.ept };
  const bit63Empty =
    /(?:old_spte|new_spte|old|new) (?:0x)?8000000000000000\b|\|0x[0-9a-f]{9,}/.test(head);
  const oldEmpty = /kvm_tdp_mmu_spte_changed: +.*(?:old_spte|new_spte) (?:0|5a0)\b/.test(head);
  const access4 = roleAccess4(head);
  const kernel: Setting<KernelVersion> = given.kernel
    ? { value: given.kernel, how: 'given', why: given.givenBy ?? '--kernel' }
    : access4
      ? {
          value: '7.3',
          how: 'seen',
          why: `${access4}; read as 7.3, the newest such release modelled`,
        }
      : bit63Empty
        ? {
            value: '6.12',
            how: 'seen',
            why: 'empty SPTEs carry bit 63 (6.10+) or fast_page_fault prints a 64-bit error code (6.12+)',
          }
        : oldEmpty
          ? { value: '6.1', how: 'seen', why: 'empty SPTEs without bit 63 (before 6.10)' }
          : { value: 'current', how: 'assumed', why: 'nothing in the first MiB tells the version' };
  const tdpMmuSeen = head.includes('kvm_tdp_mmu_spte_changed:');
  let root: SeenPage | null = null;
  for (const p of pagesOf(head))
    if (p.level === 4 || p.level === 5) {
      root = p;
      break;
    }
  const tdp: Setting<boolean> =
    given.tdp !== undefined
      ? { value: given.tdp, how: 'given', why: given.givenBy ?? '--tdp' }
      : tdpMmuSeen
        ? {
            value: true,
            how: 'seen',
            why: 'kvm_tdp_mmu_spte_changed events (the TDP MMU needs TDP)',
          }
        : root
          ? {
              value: root.direct,
              how: 'seen',
              why: `the first root page is ${root.direct ? 'direct (TDP)' : 'a shadow of the guest CR3 (shadow paging)'}`,
            }
          : { value: true, how: 'assumed', why: 'no root page in the first MiB' };
  const tdpMmu: Setting<boolean> =
    given.tdpMmu !== undefined
      ? { value: given.tdpMmu, how: 'given', why: given.givenBy ?? '--tdp-mmu' }
      : tdpMmuSeen
        ? { value: true, how: 'seen', why: 'kvm_tdp_mmu_spte_changed events' }
        : tdp.value
          ? {
              value: false,
              how: 'assumed',
              why: 'TDP faults but no kvm_tdp_mmu_spte_changed in the first MiB',
            }
          : { value: false, how: 'seen', why: 'shadow paging' };
  return withHost(head, asked, { kernel, tdp, tdpMmu: tdpMmuAsWorks(tdp, tdpMmu) });
}

/**
 * The release whose role-word layout a report's raw (`-N`) or plugin role is read by: the
 * kernel setting where it was given or seen; where it is only assumed, what a root's role word
 * tells (a root's access is ACC_ALL: bits 8-11 are 0111 before 7.2, 1111 from 7.2), as the newest
 * modelled release of that layout. The kernel's own text prints the role by name and needs none.
 */
export function roleLayoutKernel(head: string, given?: KernelVersion): KernelVersion {
  const k = sniffTrace(head, given === undefined ? {} : { kernel: given }).kernel;
  if (k.how !== 'assumed') return k.value;
  for (const p of pagesOf(head)) {
    if (p.level < 4 || p.letters !== null) continue;
    if (p.accessBits === 15) return k.value;
    if (p.accessBits === 7) return resolveKernelRelease('7.1').version;
    break;
  }
  return k.value;
}

/** Whether release `k` decodes role.access as 4 bits (7.2, ACC_READ_MASK). */
export function roleAccessHasRead(k: KernelVersion): boolean {
  return optionsForKernel(k).roleAccessHasRead;
}

/**
 * kvm_exit's reason: VMX's print in capitals (EPT_VIOLATION), SVM's in lower case (npf, "PF
 * excp"); the kvm plugin prints its own names, SVM's with EXIT_ (EXIT_NPF), VMX's without.
 */
const KVM_EXIT_REASON = /kvm_exit: +(?:vcpu \d+ )?reason (.+?) rip /g;
/** An SPTE a kvmmmu line prints (spte, old_spte, new_spte; fast_page_fault's new). */
const PRINTED_SPTE = /(?:spte|old 0x[0-9a-f]+ new) ([0-9a-f]+)\b/g;

/**
 * The host, given (`--host`, or `--ept`, which gives tdp too: its `why` says so), else seen: the
 * first kvm_exit whose reason is VMX's or SVM's, else an MMU-present SPTE (bit 11) with a bit
 * only EPT SPTEs have (3-4: the memory type, PWT/PCD in x86 SPTEs; 8: EPT's A bit, x86's G;
 * KVM sets neither x86 bit); else assumed AMD.
 */
function withHost(
  head: string,
  given: ImportOptions,
  s: Omit<ImportSettings, 'host'>,
): ImportSettings {
  const by = given.givenBy;
  if (given.ept !== undefined) {
    const tdp = given.tdp === undefined ? { ...s.tdp, why: by ?? '--ept' } : s.tdp;
    return { ...s, tdp, host: { value: 'intel', how: 'given', why: by ?? '--ept (kvm_intel)' } };
  }
  if (given.host) return { ...s, host: { value: given.host, how: 'given', why: by ?? '--host' } };
  return { ...s, host: hostSeen(head) };
}

function hostSeen(head: string): Setting<Host> {
  for (const [, reason] of head.matchAll(KVM_EXIT_REASON)) {
    // A code __print_symbolic has no name for, or one the plugin's tables lack.
    if (/^0x[0-9a-f]+$|^UNKNOWN/.test(reason!)) continue;
    if (/^EXIT_[A-Z0-9_]+$/.test(reason!))
      return {
        value: 'amd',
        how: 'seen',
        why: `kvm_exit prints SVM exit reasons ("${reason}", trace-cmd's kvm plugin)`,
      };
    if (/^[A-Z][A-Z0-9_]*(?: FAILED_VMENTRY)?$/.test(reason!))
      return { value: 'intel', how: 'seen', why: `kvm_exit prints VMX exit reasons ("${reason}")` };
    return { value: 'amd', how: 'seen', why: `kvm_exit prints SVM exit reasons ("${reason}")` };
  }
  for (const [, hex] of head.matchAll(PRINTED_SPTE)) {
    const low = parseInt(hex!.slice(-3), 16);
    if (low & 0x800 && low & 0x118)
      return {
        value: 'intel',
        how: 'seen',
        why: `SPTE ${hex} sets bit 3, 4 or 8 (EPT's memory type or A bit; KVM's x86 SPTEs never do)`,
      };
  }
  return {
    value: 'amd',
    how: 'assumed',
    why: 'no kvm_exit reason or EPT SPTE in the first MiB tells the CPU',
  };
}

/** tdp_mmu=Y without TDP: the setting in effect is off (tdpMmuInEffect), and the summary says so. */
function tdpMmuAsWorks(tdp: Setting<boolean>, tdpMmu: Setting<boolean>): Setting<boolean> {
  const value = tdpMmuInEffect({ tdp: tdp.value, tdpMmu: tdpMmu.value });
  if (value === tdpMmu.value) return tdpMmu;
  return {
    value,
    how: tdpMmu.how,
    why: `${tdpMmu.why}; tdp_mmu=Y has no effect: TDP is off`,
  };
}
