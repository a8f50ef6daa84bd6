/**
 * KVM's own statistics in a trace (kvm-stats marker lines), checked against the model's at the
 * same line: every value the model keeps (src/model/kvmStats.ts) is a check, agreeing or a
 * contradiction; every other one is listed once as "not modelled", with the reason.
 */
import { kvmVmStatValues, levelOfPagesStat, VM_STATS_NOT_MODELLED } from '../../model/kvmStats';
import { VCPU_STATS_NOT_MODELLED, type KvmVcpuStat } from '../../model/kvmVcpuStats';
import type { Kvm } from '../../model/vm';
import type { KernelEvent } from './kernelEvents';
import { kvmRmapZapCollapsibleSptes } from '../../model/collapsible';
import { spteFlags } from '../../model/sptes';
import { isLastSpte, isPresent, SPTE_ENT_PER_PAGE } from '../../model/spte';
import { agree, contradict, infer, type Replay } from './replayState';

/** The reason given for a statistic the MMU does not change (exits, halt polling, ...). */
export const OUTSIDE_MMU = 'not an MMU statistic';

/** Checks kept one by one (all are counted): a 1 GB trace must not keep a million of them. */
const KEEP_CHECKS = 20_000;

export interface KernelStatCheck {
  line: number;
  scope: 'vm' | 'vcpu0' | 'vcpus';
  name: string;
  kernel: number;
  model: number;
  /** The check agreed: equal, or within what the trace cannot account for (see checkKvmStats). */
  agrees: boolean;
}

function vcpuStatOf(vm: Kvm, scope: 'vcpu0' | 'vcpus', name: string): number | undefined {
  const vcpus = scope === 'vcpu0' ? vm.vcpus.slice(0, 1) : vm.vcpus;
  if (vcpus.length === 0 || !(name in vcpus[0]!.stat)) return undefined;
  return vcpus.reduce((n, v) => n + v.stat[name as keyof KvmVcpuStat], 0);
}

/**
 * pages_4k fell by `drop` with no traced event. The untraced kernel path that drops direct 4 KiB
 * leaves is kvm_mmu_zap_collapsible_sptes (dirty logging turned off on a slot the host maps with
 * huge pages): where it would drop exactly `drop` leaves, it ran, and the model runs it.
 */
function collapsed(x: Replay, drop: number): boolean {
  const { vm, r } = x;
  // kvm_mmu_max_mapping_level: 2 MiB where the kernel mapped it so before (the host can), unless
  // a gfn in the region is shadowed by an indirect page: account_shadowed() write-tracks it, and
  // tracking disallows huge pages over it (kvm_mmu_gfn_disallow_lpage).
  const tracked = new Set<number>();
  for (const sp of vm.livePages())
    if (!sp.role.direct && !sp.zapped) tracked.add(Math.floor(sp.gfn / 512));
  const level = (gfn: number) => {
    const region = Math.floor(gfn / 512);
    return r.hugeRegions.has(region) && !tracked.has(region) ? 2 : 1;
  };
  let n = 0;
  for (const slot of vm.memslots) n += kvmRmapZapCollapsibleSptes(vm, slot, level, true);
  if (n !== drop) return false;
  for (const slot of vm.memslots) kvmRmapZapCollapsibleSptes(vm, slot, level);
  infer(
    x,
    'kvm_mmu_zap_collapsible_sptes',
    'collapse',
    `pages_4k fell by ${drop} with no event: dirty logging was turned off, and kvm_mmu_zap_collapsible_sptes zapped the ${drop} direct 4 KiB leaves of huge-capable regions (not traced)`,
  );
  return true;
}

/** The leaves of a level the trace cannot account for: those of pages that have been unsync. */
function unseenDrops(x: Replay, level: number): number {
  let n = 0;
  for (const id of x.r.syncedUnseen) {
    const sp = x.vm.pages[id];
    if (!sp || sp.level !== level) continue;
    for (let i = 0; i < SPTE_ENT_PER_PAGE; i++) {
      const f = spteFlags(x.vm, sp, i);
      if (isPresent(f) && isLastSpte(f, level)) n++;
    }
  }
  return n;
}

export function checkKvmStats(x: Replay, e: Extract<KernelEvent, { ev: 'kvm_stats' }>): string {
  const { vm, r } = x;
  let agreed = 0;
  let disagreed = 0;
  const vmValues = e.scope === 'vm' ? kvmVmStatValues(vm) : null;
  for (const { name, value } of e.values) {
    let model = vmValues ? vmValues[name] : vcpuStatOf(vm, e.scope as 'vcpu0' | 'vcpus', name);
    if (name === 'pages_4k' && model !== undefined && value < model && collapsed(x, model - value))
      model = vm.stat.pages_4k;
    if (model === undefined) {
      const why =
        (e.scope === 'vm' ? VM_STATS_NOT_MODELLED : VCPU_STATS_NOT_MODELLED)[name] ?? OUTSIDE_MMU;
      r.statsNotModelled.set(`${e.scope === 'vm' ? 'vm' : 'vcpu'}.${name}`, why);
      continue;
    }
    const text = `${e.scope} ${name}: ${value} (kernel), ${model} (model)`;
    const level = levelOfPagesStat(name);
    const unseen = model !== value && value < model && level ? unseenDrops(x, level) : 0;
    const agrees = model === value || (value < model && value >= model - unseen);
    r.statsChecked++;
    if (agrees) r.statsAgreed++;
    if (r.kernelStats.length < KEEP_CHECKS)
      r.kernelStats.push({ line: x.line, scope: e.scope, name, kernel: value, model, agrees });
    if (!agrees) {
      disagreed++;
      contradict(x, 'kvm_get_stats', text);
    } else {
      agreed++;
      agree(
        x,
        'kvm_get_stats',
        model === value
          ? text
          : `${text}: within the ${unseen} leaves of once-unsync pages that FNAME(sync_page) or FNAME(invlpg) may have dropped without a trace`,
      );
    }
  }
  return `KVM statistics (${e.scope}): ${agreed} agree${disagreed ? `, ${disagreed} disagree` : ''}`;
}
