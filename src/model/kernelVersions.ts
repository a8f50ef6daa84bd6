/**
 * One kernel-version setting for the whole model: each version the reviews argue about, and the
 * behaviour every dated switch of KernelOptions had in it, with the commit that brought it
 * (spec version notes; commit ids from the spec and the kernel history). A scenario's
 * `kernel` picks the version; its `options` still override any single behaviour.
 */
import type { KernelOptions } from './kernelOptions';
import { DEFAULT_KERNEL_OPTIONS } from './kernelOptions';

export const KERNEL_VERSIONS = [
  '2.6.35',
  '2.6.37',
  '3.6',
  '5.9',
  '5.14',
  '5.15',
  '6.0',
  '6.1',
  '6.4',
  '6.12',
  '6.13',
  '6.15',
  '7.3',
  'current',
] as const;
export type KernelVersion = (typeof KERNEL_VERSIONS)[number];

/** Comparable number for a version: 6.12 -> 6.012, "current" above all. */
function rank(v: string): number {
  if (v === 'current') return 99;
  const [a = 0, b = 0, c = 0] = v.split('.').map(Number);
  return a + b / 1000 + c / 1e6;
}

export interface DatedBehaviour {
  option: keyof KernelOptions;
  /** What the option is set to at this version. */
  value: KernelOptions[keyof KernelOptions];
  /** The release (and commit) where the current value began, or where the thing first existed. */
  since: string;
  commit: string | null;
  what: string;
}

/** [from version, value, commit, description] steps for each dated option, oldest first. */
const HISTORY: {
  option: keyof KernelOptions;
  steps: [string, KernelOptions[keyof KernelOptions], string | null, string][];
}[] = [
  {
    option: 'rmap',
    steps: [
      [
        '2.6.20',
        'rmap_ext4',
        null,
        'struct kvm_rmap_desc: 4 NULL-terminated slots, then more (40 bytes)',
      ],
      [
        '3.6',
        'pte_list_ext3',
        null,
        'pte_list_desc with 3 slots (32 bytes), "fit well in cache line"',
      ],
      [
        '5.15',
        'spte_count',
        '13236e25ebab',
        '14 slots + u64 spte_count, metadata first (128 bytes)',
      ],
      [
        '6.4',
        'tail_count',
        '141705b78381',
        'u32 spte_count + u32 tail_count; new entries in the head descriptor',
      ],
    ],
  },
  {
    option: 'addReturnLegacy',
    steps: [
      [
        '2.6.20',
        true,
        null,
        "add's return leaves out the full last descriptor when it appends one",
      ],
      ['5.10', false, 'c6c4f961cb87', "add's return counts every entry it walked past"],
    ],
  },
  {
    option: 'gfnsForDirectPages',
    steps: [
      ['2.6.20', true, null, 'every shadow page has a second page of gfns'],
      [
        '2.6.36',
        false,
        '2032a93d66fa',
        'direct pages go without the gfns page (about 50% less with TDP)',
      ],
    ],
  },
  {
    option: 'eagerSplitNested',
    steps: [
      ['2.6.20', false, null, 'no eager splitting of nested MMU pages'],
      ['6.0', true, null, 'eager page splitting of nested MMU huge pages (the June 2022 series)'],
    ],
  },
  {
    option: 'shrinker',
    steps: [
      ['2.6.20', 'zap-oldest-one', null, 'mmu_shrink_scan zaps the oldest page of one VM per call'],
      [
        '5.9',
        'zap-oldest-batch',
        'ebdb292dac79',
        'kvm_mmu_zap_oldest_mmu_pages(kvm, sc->nr_to_scan)',
      ],
      ['6.13', 'none', 'fe140e611d34', "KVM's MMU shrinker removed"],
    ],
  },
  {
    option: 'translationOnlyLevels1to3',
    steps: [
      ['2.6.20', false, null, 'every indirect page has shadowed_translation'],
      ['6.11', true, '9ecc1c119b28', 'shadowed_translation only for indirect pages of level 1-3'],
    ],
  },
  {
    option: 'nonPresentBit63',
    steps: [
      ['2.6.20', false, null, 'SHADOW_NONPRESENT_VALUE is 0'],
      ['6.10', true, null, 'SHADOW_NONPRESENT_VALUE has bit 63 (x86-64)'],
    ],
  },
  {
    option: 'rmapLockBit',
    steps: [
      ['2.6.20', false, null, 'kvm_rmap_head.val bit 1 unused'],
      [
        '6.15',
        true,
        null,
        'KVM_RMAP_LOCKED (bit 1): a per-rmap lock held inside one rmap operation',
      ],
    ],
  },
  {
    option: 'splitLinkZapsAndFlushesAll',
    steps: [
      [
        '2.6.20',
        false,
        null,
        '__link_shadow_page drops a huge SPTE in its way (drop_large_spte), with a ranged flush if asked',
      ],
      [
        '7.1',
        true,
        '0cb2af2ea66a',
        '__link_shadow_page zaps what is there (mmu_page_zap_pte) and flushes every TLB of the VM, in faults and splits (May 2026, merged after 7.1-rc2)',
      ],
    ],
  },
  {
    option: 'tdpMmuRecoverHugePagesInPlace',
    steps: [
      [
        '5.10',
        false,
        null,
        'dirty logging off: kvm_tdp_mmu_zap_collapsible_sptes zaps the 4 KiB tables; faults map huge pages again',
      ],
      [
        '6.13',
        true,
        '13e2e4f62a4b',
        'dirty logging off: kvm_tdp_mmu_recover_huge_pages puts a huge SPTE in place of each 4 KiB table',
      ],
    ],
  },
  {
    option: 'setSpteSkipsUnchanged',
    steps: [
      [
        '2.6.20',
        false,
        null,
        'mmu_set_spte traces kvm_mmu_set_spte after set_spte, changed SPTE or not (a fully spurious fault aside, once set_spte reports one)',
      ],
      [
        '5.16',
        true,
        'd786c7783b01',
        'mmu_set_spte traces kvm_mmu_set_spte only when the SPTE changes (the TDP MMU: commit not found)',
      ],
    ],
  },
  {
    option: 'roleAccessHasRead',
    steps: [
      [
        '2.6.20',
        false,
        null,
        'role.access is 3 bits: ACC_EXEC_MASK 1, ACC_WRITE_MASK 2, ACC_USER_MASK 4 ("wux")',
      ],
      [
        '7.2',
        true,
        'a8827c196146',
        'role.access is 4 bits: ACC_READ_MASK 1, ACC_EXEC_MASK 8 ("rwux"), for MBEC/GMET',
      ],
    ],
  },
  {
    option: 'vcpuCaches',
    steps: [
      [
        '2.6.20',
        'mmu_page_cache',
        null,
        'spt and gfns pages both from mmu_page_cache; minimums 8 + PTE_PREFETCH_NUM descriptors, 8 pages, 4 headers; every cache topped up',
      ],
      [
        '5.9',
        'mmu_gfn_array_cache',
        null,
        'gfns from mmu_gfn_array_cache, filled only when the fault may be indirect; minimums 14 / 5 / 5 / 5 (the 5.9 memory-cache series)',
      ],
      [
        '6.0',
        'mmu_shadowed_info_cache',
        '6a97575d5cff',
        'shadowed_translation (gfn and access) from mmu_shadowed_info_cache',
      ],
    ],
  },
  {
    option: 'zapOldest',
    steps: [
      [
        '2.6.20',
        'tail-even-root',
        null,
        'prepare_zap_oldest_mmu_page takes the list tail even when it is a root; a zap that counts nothing ends the loop',
      ],
      [
        '5.9',
        'newest-first',
        '6b82ef2c9cf1',
        'kvm_mmu_zap_oldest_mmu_pages skips roots, but walks from the list head: the newest pages go first',
      ],
      [
        '5.12',
        'oldest-first',
        '8fc517267fb2',
        'kvm_mmu_zap_oldest_mmu_pages walks from the tail: the oldest pages go first',
      ],
    ],
  },
  {
    option: 'tdpMmuFaultMakesPagesAvailable',
    steps: [
      [
        '5.10',
        true,
        null,
        'a TDP MMU fault calls make_mmu_pages_available (it can zap nested shadow pages)',
      ],
      [
        '6.1',
        false,
        '47b0c2e4c220',
        'a TDP MMU fault skips make_mmu_pages_available (the CVE-2022-45869 race fix)',
      ],
    ],
  },
  {
    option: 'tdpMmuFaultSplitsHugePage',
    steps: [
      [
        '5.10',
        false,
        null,
        'a TDP MMU fault zaps a huge SPTE in its way (ranged flush) and links an empty table',
      ],
      [
        '6.2',
        true,
        'c4b33d28ea51',
        'a TDP MMU fault splits a huge SPTE in its way (tdp_mmu_split_huge_page): 512 entries, no flush',
      ],
    ],
  },
  {
    option: 'rangedTlbFlush',
    steps: [
      ['2.6.20', false, null, 'every remote TLB flush is kvm_flush_remote_tlbs: the whole VM'],
      [
        '5.0',
        true,
        'c3134ce240ee',
        'kvm_flush_remote_tlbs_with_address: a ranged flush where the hypervisor offers one',
      ],
    ],
  },
  {
    option: 'childSpMatch',
    steps: [
      ['2.6.20', 'any', null, 'kvm_mmu_get_child_sp follows any present link (-EEXIST)'],
      [
        '7.1',
        'gfn',
        '0cb2af2ea66a',
        'a present link to a child of another gfn is zapped and replaced',
      ],
      [
        '7.2',
        'gfn-role',
        '81ccda30b4e8',
        'a present link to a child of another gfn or role is zapped and replaced',
      ],
    ],
  },
  {
    option: 'rmapZapName',
    steps: [
      ['2.6.20', 'kvm_zap_rmapp', null, 'kvm_zap_rmapp removes the first SPTE until none is left'],
      [
        '5.15',
        'pte_list_destroy',
        'a75b540451d2',
        'kvm_zap_rmapp calls pte_list_destroy: one walk clearing every SPTE',
      ],
      [
        '6.0',
        'kvm_zap_all_rmap_sptes',
        '9202aee816c8',
        'pte_list_destroy renamed kvm_zap_all_rmap_sptes',
      ],
    ],
  },
  {
    option: 'rmapCorruption',
    steps: [
      ['2.6.20', 'BUG', null, 'pte_list_remove on a corrupt rmap: pr_err and BUG()'],
      [
        '6.6',
        'KVM_BUG_ON_DATA_CORRUPTION',
        '52e322eda3d4',
        'KVM_BUG_ON_DATA_CORRUPTION: the VM is marked bugged (BUG() only with CONFIG_BUG_ON_DATA_CORRUPTION=y)',
      ],
    ],
  },
];

/** Structures the model does not implement, by the versions that had them: said beside the version. */
export function unmodelled(version: KernelVersion): string[] {
  const notes = ['32-bit guests (PAE tables, role.quadrant) are not modelled'];
  if (rank(version) < rank('3.0')) {
    notes.unshift(
      'parent_ptes used struct kvm_pte_chain (5 slots); the model keeps them in pte_list descriptors',
    );
  }
  return notes;
}

/** Every dated behaviour at `version`, with where it came from. */
export function behavioursAt(version: KernelVersion): DatedBehaviour[] {
  return stepsAt(rank(version));
}

function stepsAt(r: number): DatedBehaviour[] {
  return HISTORY.map(({ option, steps }) => {
    let at = steps[0]!;
    for (const s of steps) if (rank(s[0]) <= r) at = s;
    return { option, value: at[1], since: at[0], commit: at[2], what: at[3] };
  });
}

export function optionsForKernel(version: KernelVersion): KernelOptions {
  const o: Record<string, unknown> = { ...DEFAULT_KERNEL_OPTIONS };
  for (const b of behavioursAt(version)) o[b.option] = b.value;
  return o as unknown as KernelOptions;
}

export function isKernelVersion(v: string): v is KernelVersion {
  return (KERNEL_VERSIONS as readonly string[]).includes(v);
}

/** A release as the user gave it, and the behaviour set it runs as. */
export interface ResolvedKernel {
  /** The newest modelled version at or below the release. */
  version: KernelVersion;
  /** The release read from the text: "7.3.4" of "7.3.4+deb13-amd64". */
  release: string;
  /**
   * Dated behaviours the release has and `version` has not (a change between the two): set them
   * over optionsForKernel(version) to run as the release itself. Empty for most releases.
   */
  options: Partial<KernelOptions>;
  /** What the mapping means, in words. */
  note: string;
}

/** The text is not a kernel release, or one older than the model knows. */
export class KernelReleaseError extends Error {
  override readonly name = 'KernelReleaseError';
}

/**
 * MAJOR.MINOR[.SUBLEVEL] with an optional "v", then whatever uname -r adds after "-", "+", "~",
 * "_" or ".": Debian's "+deb13-amd64" and "-56-amd64", "-rc3", "-generic", ".el8_10.x86_64".
 */
const RELEASE = /^v?(\d{1,2})\.(\d{1,3})(?:\.(\d{1,4}))?(?:[-+~_.].*)?$/;

/**
 * Any release ("7.3", "6.6.12", "7.3.4+deb13-amd64" as uname -r prints it, or "current"), mapped
 * onto the newest modelled version at or below it (6.6.12 runs as 6.4), with the note saying so.
 * Every dated behaviour is a mainline release: stable updates may carry backports the model does
 * not know of, and nothing after the newest modelled release is modelled.
 */
export function resolveKernelRelease(text: string): ResolvedKernel {
  const t = text.trim();
  if (t === 'current')
    return {
      version: 'current',
      release: 'current',
      options: {},
      note: 'current: every dated behaviour as the newest change the model knows sets it',
    };
  const m = RELEASE.exec(t);
  if (!m)
    throw new KernelReleaseError(
      `"${text}" is not a kernel release: expected MAJOR.MINOR[.SUBLEVEL] as uname -r prints it, e.g. 6.12, 6.6.12 or 7.3.4+deb13-amd64`,
    );
  // 2.6.x numbered its releases with three numbers; from 3.0 the third is the stable update.
  const old26 = m[1] === '2' && m[3] !== undefined;
  const series = old26 ? `${m[1]}.${m[2]}.${m[3]}` : `${m[1]}.${m[2]}`;
  const release = m[3] === undefined ? series : `${m[1]}.${m[2]}.${m[3]}`;
  const numbered = KERNEL_VERSIONS.filter((v) => v !== 'current');
  let version: (typeof numbered)[number] | null = null;
  for (const v of numbered) if (rank(v) <= rank(series)) version = v;
  if (version === null)
    throw new KernelReleaseError(`${t}: older than ${numbered[0]}, the oldest release modelled`);
  const own = stepsAt(rank(series));
  const base = behavioursAt(version);
  const options: Record<string, unknown> = {};
  const changed: string[] = [];
  own.forEach((b, i) => {
    if (b.value === base[i]!.value) return;
    options[b.option] = b.value;
    changed.push(`${b.option} (${b.since}${b.commit ? `, ${b.commit}` : ''})`);
  });
  const newest = numbered[numbered.length - 1]!;
  const stable =
    !old26 && m[3] !== undefined && m[3] !== '0'
      ? `; stable updates of ${series} may carry backports the model does not know of`
      : '';
  let note: string;
  if (rank(series) > rank(newest))
    note = `${t} runs as ${version}, the newest release modelled: what changed after ${newest} is not modelled`;
  else if (series === version && stable === '') note = `${t}: modelled release ${version}`;
  else if (changed.length === 0)
    note = `${t} runs as ${version}${series === version ? '' : `: no dated behaviour changed between ${version} and ${series}`}${stable}`;
  else
    note = `${t} runs as ${version} with the behaviours ${series} has and ${version} has not: ${changed.join(', ')}${stable}`;
  return { version, release, options: options as Partial<KernelOptions>, note };
}
