/**
 * The ten shared real traces as presets: the same five workloads on Linux 6.1 (spte_count rmap
 * lists) and 6.12 (tail_count, bit-63 empty SPTEs). Kernel and module parameters are as each
 * trace's meta.txt records them (a trace does not print npt/tdp_mmu). Captions say what the
 * guest did and what to look at.
 */
import type { KernelVersion } from '../model/kernelVersions';

export interface TracePreset {
  name: string;
  title: string;
  caption: string;
  kernel: Extract<KernelVersion, '6.1' | '6.12' | '7.3'>;
  /** The folder under test/traces/linux-<kernel>/. */
  workload: string;
  tdp: boolean;
  tdpMmu: boolean;
}

interface Workload {
  workload: string;
  title: string;
  caption: string;
  tdp: boolean;
  tdpMmu: boolean;
}

const WORKLOADS: Workload[] = [
  {
    workload: 'shadow-alias',
    title: 'shadow paging, one gfn behind 1000 PTEs',
    caption:
      'Shadow paging (npt=0). The guest points 1000 PTEs at gfn 0x400 and touches them one by one: its rmap grows to 1000 entries (open the chain view at the end of phase 2). ' +
      'Then PTEs are cleared (the PT page goes unsync, synced on a CR3 reload), re-pointed with INVLPG, and a page directory written three times is zapped for write flooding. ' +
      'At the teardown, kvm_mmu_zap_all_fast prints used_pages: the model must hold as many pages.',
    tdp: false,
    tdpMmu: false,
  },
  {
    workload: 'tdp-shadowmmu-thp',
    title: 'NPT with the shadow MMU, 2 MiB pages and dirty logging',
    caption:
      'NPT, tdp_mmu=0: 8 MiB backed by 2 MiB THP gives huge SPTEs; turning dirty logging on makes 4 KiB faults replace them (direct level-1 pages appear in the tree), logging off lets them grow back. ' +
      'Watch the rmaps at level 2 empty and the level-1 ones fill.',
    tdp: true,
    tdpMmu: false,
  },
  {
    workload: 'tdp-shadowmmu-thp-la57',
    title: 'the same with a 5-level NPT root',
    caption:
      'As the 2 MiB / dirty-logging trace, with a 5-level root: one more level in the tree, and one more page in used_pages at the teardown.',
    tdp: true,
    tdpMmu: false,
  },
  {
    workload: 'tdp-tdpmmu-thp',
    title: 'NPT with the TDP MMU: eager splitting',
    caption:
      'NPT, tdp_mmu=1: enabling dirty logging eagerly splits each 2 MiB SPTE (kvm_mmu_split_huge_page) into a page of 512; every SPTE change is a kvm_tdp_mmu_spte_changed. ' +
      'TDP MMU pages have no rmaps and do not count in used_pages (0 at the teardown); the root is freed without an event.',
    tdp: true,
    tdpMmu: true,
  },
  {
    workload: 'nested-shadowmmu-thp',
    title: 'nested: an L2 behind shadowed NPT tables',
    caption:
      'The guest is a small hypervisor running an L2 with nested paging: guest_mode shadow pages shadow its NPT tables (gfns 0x17–0x19), beside L1’s own direct pages. ' +
      'Open the tree to see both roots; dirty logging turns the nested huge SPTEs into 4 KiB ones.',
    tdp: true,
    tdpMmu: false,
  },
  {
    workload: 'nested-tdpmmu-alias',
    title: 'nested with the TDP MMU: four L2 ranges on one L1 range',
    caption:
      'NPT, nested=1, tdp_mmu=1: L1’s memory is in the TDP MMU, the L2’s in guest_mode shadow pages. Four 8 MiB L2 ranges alias the same L1 memory, two read/write, two read-only. ' +
      'Turning dirty logging on splits all 16 nested huge SPTEs in the shadow MMU (the untraced 512 SPTEs are inferred through the model’s own split): the aliases of one access share a child, so the second split of each gfn takes 512 pte_list_desc from split_desc_cache, and the next one waits for a top-up (errno -11). ' +
      'The kvm-stats lines check pages_4k (+4096) and mmu_cache_miss at every phase.',
    tdp: true,
    tdpMmu: true,
  },
];

/** The shared runs of each kernel (Linux 7.3: two of them). */
const RUNS: Record<TracePreset['kernel'], string[] | null> = {
  '6.1': null,
  '6.12': null,
  '7.3': ['shadow-alias', 'tdp-tdpmmu-thp'],
};

export const TRACE_PRESETS: TracePreset[] = (['6.1', '6.12', '7.3'] as const).flatMap((kernel) =>
  WORKLOADS.filter((w) => RUNS[kernel]?.includes(w.workload) ?? true).map((w) => ({
    ...w,
    name: `trace-${kernel}-${w.workload}`,
    title: `Linux ${kernel} trace: ${w.title}`,
    kernel,
  })),
);

export function tracePresetByName(name: string): TracePreset | undefined {
  return TRACE_PRESETS.find((p) => p.name === name);
}
