/**
 * Built-in scenarios: one per seed the KVM reviews argued over, plus rmap-only ones. Each caption
 * says what the patch argued and what to look at.
 */
import type { ScenarioInput } from './schema';

export interface Preset {
  name: string;
  title: string;
  /** Two or three sentences: the argument, and where to look. */
  caption: string;
  scenario: ScenarioInput;
}

const GiB = 262144; // 4 KiB pages
const s = (n: number) => `s${n}`;

const nestedSplit = (capacity: 'min+40' | '2xmin'): ScenarioInput => ({
  format: 'kvm-mmu-scenario/1',
  options: { tdp: true, tdpMmu: true, splitDescCapacity: capacity },
  // L1's own tables below the gigabyte it maps: a 1 GiB page over them could not be mapped huge.
  vm: { memslots: [{ baseGfn: 0, npages: 2 * GiB }], vcpus: 1, guestTablesGfn: GiB - 0x100 },
  ops: [
    // L1 maps L2's memory with one 1 GiB page in its nested page tables; the host backs it with 1 GiB.
    { op: 'fault', kind: 'nested', gfn: GiB, gva: 0, level: 3, hostLevel: 3 },
    // Dirty logging starts: eager page splitting, 1G -> 2M -> 4K.
    { op: 'split' },
  ],
});

/** Shadow paging and one large memslot: where a guest's processes share pages through its tables. */
const FORK_WORLD = {
  format: 'kvm-mmu-scenario/1' as const,
  options: { tdp: false, tdpMmu: false },
  vm: { memslots: [{ baseGfn: 0, npages: 1 << 20 }], vcpus: 1, nMaxMmuPages: 8192 },
};

export const PRESETS: Preset[] = [
  {
    name: 'nested-split-1g',
    title: 'Eager split of a nested 1 GiB page',
    caption:
      'Eager page splitting for nested MMUs (6.0) splits huge SPTEs in the shadow MMU when dirty logging starts, instead of on the first write. ' +
      'Watch one 1 GiB page become 1 + 512 new direct pages and 262,144 4 KiB SPTEs, and mmu_lock dropped each time the split caches run low.',
    scenario: nestedSplit('min+40'),
  },
  {
    name: 'split-desc-cache',
    title: 'split_desc_cache: 1026 or 553',
    caption:
      'The June 2022 series sized split_desc_cache at 2 x 513 = 1026 descriptors; b9b71f43683a cut it to 513 + 40 = 553, since a split needs descriptors only for aliased gfns. ' +
      'This is the same split with 1026: compare the cache gauges, 473 x 128 = 60,544 bytes apart per VM.',
    scenario: nestedSplit('2xmin'),
  },
  {
    name: 'guest-fork',
    title: 'Guest fork: one rmap, a thousand entries',
    caption:
      "Under shadow paging, every guest process that maps a shared page adds one SPTE to that gfn's rmap. " +
      'With tail_count (141705b78381, v6.4) a count reads the head descriptor only; with spte_count it walks all 72 descriptors. Then every other child exits: spte_count keeps 72 half-empty descriptors, tail_count packs the 500 survivors into 36.',
    scenario: {
      ...FORK_WORLD,
      ops: [
        { op: 'fork', gfn: 0x400, count: 1000 },
        { op: 'rmap_count', gfn: 0x400 },
        // Every other child exits: its PTE write traps and the SPTE leaves the rmap.
        { op: 'guest_unmap', as: 1, count: 500, step: 2 },
        { op: 'rmap_count', gfn: 0x400 },
      ],
    },
  },
  {
    name: 'rmap-fifteen-years',
    title: 'One rmap across fifteen years',
    caption:
      'The guest-fork workload under the four rmap list eras at once (open the Eras view): 1,000 SPTEs of one gfn take 250 kvm_rmap_desc of 40 bytes (2007–2011), 334 pte_list_desc of 32 (v3.6–v5.14) or 72 of 128 (v5.15+). ' +
      'Half the children exit and 500 new ones fill the holes, where add before v6.4 counts only the descriptors it walks. ' +
      'Then step the two single forks: the 1,001st add returns 996 in 2.6.37 (its full last descriptor left out), 1,000 elsewhere; the 1,002nd returns 1,001 > RMAP_RECYCLE_THRESHOLD in every era, and the rmap is zapped.',
    scenario: {
      ...FORK_WORLD,
      ops: [
        { op: 'fork', gfn: 0x400, count: 1000 },
        { op: 'rmap_count', gfn: 0x400 },
        { op: 'guest_unmap', as: 1, count: 500, step: 2 },
        { op: 'fork', gfn: 0x400, count: 500 },
        // One add each, so Next operation lands on entries 1,001 and 1,002 in every era alike.
        { op: 'fork', gfn: 0x400, count: 1 },
        { op: 'fork', gfn: 0x400, count: 1 },
        { op: 'rmap_count', gfn: 0x400 },
      ],
    },
  },
  {
    name: 'direct-no-gfns',
    title: 'Direct pages without gfns',
    caption:
      '2032a93d66fa (v2.6.36) stopped giving direct shadow pages a second page of gfns, since their gfns follow from sp->gfn: about 50% less MMU memory with TDP. ' +
      'Map 16 MiB at 4 KiB through the shadow MMU and read the memory figures; set gfnsForDirectPages to see the old cost.',
    scenario: {
      format: 'kvm-mmu-scenario/1',
      options: { tdp: true, tdpMmu: false, gfnsForDirectPages: false },
      vm: { memslots: [{ baseGfn: 0, npages: 1 << 20 }], vcpus: 1 },
      ops: [{ op: 'fault', kind: 'tdp', gfn: 0, count: 4096 }],
    },
  },
  {
    name: 'tdp-mmu-fault',
    title: 'A TDP MMU fault, default settings',
    caption:
      'kvm_tdp_mmu_page_fault tops up the vCPU caches (mmu_topup_memory_caches, maybe_indirect false) and takes the root and each new table from them (tdp_mmu_alloc_sp): every TDP MMU page is a struct kvm_mmu_page, 184-byte header and all. ' +
      'The first 4 KiB fault builds 4 pages (16,384 bytes of spt, 736 of headers) and leaves 159,200 bytes in vcpu0’s caches. ' +
      'The last fault lands inside a 2 MiB mapping: since 6.2 (c4b33d28ea51) it splits the huge SPTE in place, 512 SPTEs and no flush; pick 6.1 to see it zapped with a ranged flush instead.',
    scenario: {
      format: 'kvm-mmu-scenario/1',
      options: { tdp: true, tdpMmu: true },
      vm: { memslots: [{ baseGfn: 0, npages: 1 << 20 }], vcpus: 1 },
      ops: [
        { op: 'fault', kind: 'tdp', gfn: 0 },
        { op: 'fault', kind: 'tdp', gfn: 0x200, level: 2, hostLevel: 2 },
        { op: 'fault', kind: 'tdp', gfn: 0x205 },
      ],
    },
  },
  {
    name: 'shrinker',
    title: 'The MMU shrinker',
    caption:
      'Until 6.12 the MMU shrinker zapped the oldest shadow pages of one VM per call; 6.13 removed it, and a 2024 proposal to free per-vCPU page caches instead never landed. ' +
      'Build 800 shadow pages with a guest fork, then shrink: see which pages go and how many bytes come back.',
    scenario: {
      format: 'kvm-mmu-scenario/1',
      options: { tdp: false, tdpMmu: false, shrinker: 'zap-oldest-batch' },
      vm: { memslots: [{ baseGfn: 0, npages: 1 << 20 }], vcpus: 1, nMaxMmuPages: 4096 },
      ops: [
        { op: 'fork', gfn: 0x400, count: 200 },
        { op: 'shrink', nrToScan: 128 },
      ],
    },
  },
  {
    name: 'split-16g',
    title: 'Stress: a 16 GiB nested split',
    caption:
      'Sixteen nested 1 GiB pages split to 4 KiB when dirty logging starts: 8,208 new shadow pages and 4.2 million SPTEs, the scale the split caches and their mmu_lock drops were designed for. ' +
      'Open the tree to see every page, and the caches to watch split_page_header_cache run out every 40 pages.',
    scenario: {
      format: 'kvm-mmu-scenario/1',
      options: { tdp: true, tdpMmu: true },
      vm: { memslots: [{ baseGfn: 0, npages: 17 * GiB }], vcpus: 1, guestTablesGfn: 16 * GiB },
      ops: [
        { op: 'fault', kind: 'nested', gfn: 0, gva: 0, level: 3, hostLevel: 3, count: 16 },
        { op: 'split' },
      ],
    },
  },
  {
    name: 'chain-10k',
    title: 'Stress: one rmap of 10,000 descriptors',
    caption:
      'One head with 140,000 SPTEs: 10,000 full descriptors. With tail_count, an add or a count still reads only the head descriptor. ' +
      'Scroll the chain: only the rows in view are drawn.',
    scenario: {
      format: 'kvm-mmu-scenario/1',
      options: {},
      ops: [
        { op: 'add', head: 0, spte: 's1', count: 140_000 },
        { op: 'count', head: 0 },
      ],
    },
  },
  ...(['tail_count', 'spte_count'] as const).map((rmap): Preset => ({
    name: `rmap-${rmap.replace('_', '-')}-30`,
    title: `rmap list, ${rmap}: 30 adds, one remove`,
    caption:
      rmap === 'tail_count'
        ? 'v6.4+ prepends a new head descriptor when the head is full, so every tail stays full. Removing the oldest entry moves the head’s last entry into the hole.'
        : 'v5.15–v6.3 appends descriptors and fills holes from the same descriptor, so a hole stays where it was made and add must walk to it. Removing s1 moves the oldest descriptor’s own last entry, s14, into its slot 0.',
    scenario: {
      format: 'kvm-mmu-scenario/1',
      options: { rmap },
      ops: [
        ...Array.from({ length: 30 }, (_, i) => ({ op: 'add' as const, head: 0, spte: s(i + 1) })),
        { op: 'remove', head: 0, spte: s(1) },
      ],
    },
  })),
];

/** What the page opens on. */
export const DEFAULT_PRESET = 'rmap-tail-count-30';

export function presetByName(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}
