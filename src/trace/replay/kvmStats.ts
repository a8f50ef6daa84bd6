/**
 * KVM's own statistics in a trace (kvm-stats marker lines), checked against the model's at the
 * same line: every value the model keeps (src/model/kvmStats.ts) is a check, agreeing or a
 * contradiction; every other one is listed once as "not modelled", with the reason.
 */
import { VM_STATS_NOT_MODELLED, type KvmVmStat } from '../../model/kvmStats';
import { VCPU_STATS_NOT_MODELLED, type KvmVcpuStat } from '../../model/kvmVcpuStats';
import type { Kvm } from '../../model/vm';
import type { KernelEvent } from './kernelEvents';
import { agree, contradict, type Replay } from './replayState';

/** Checks kept one by one (all are counted): a 1 GB trace must not keep a million of them. */
const KEEP_CHECKS = 20_000;

export interface KernelStatCheck {
  line: number;
  scope: 'vm' | 'vcpu0' | 'vcpus';
  name: string;
  kernel: number;
  model: number;
}

/** The model's value of a VM statistic, or undefined where the model does not keep it. */
function vmStatOf(vm: Kvm, name: string): number | undefined {
  if (name === 'mmu_shadow_pages') return vm.nUsedMmuPages; // 7.x: kvm_mod_used_mmu_pages()
  return name in vm.stat ? vm.stat[name as keyof KvmVmStat] : undefined;
}

function vcpuStatOf(vm: Kvm, scope: 'vcpu0' | 'vcpus', name: string): number | undefined {
  const vcpus = scope === 'vcpu0' ? vm.vcpus.slice(0, 1) : vm.vcpus;
  if (vcpus.length === 0 || !(name in vcpus[0]!.stat)) return undefined;
  return vcpus.reduce((n, v) => n + v.stat[name as keyof KvmVcpuStat], 0);
}

export function checkKvmStats(x: Replay, e: Extract<KernelEvent, { ev: 'kvm_stats' }>): string {
  const { vm, r } = x;
  let agreed = 0;
  let disagreed = 0;
  for (const { name, value } of e.values) {
    const model = e.scope === 'vm' ? vmStatOf(vm, name) : vcpuStatOf(vm, e.scope, name);
    if (model === undefined) {
      const why =
        (e.scope === 'vm' ? VM_STATS_NOT_MODELLED : VCPU_STATS_NOT_MODELLED)[name] ??
        'not an MMU statistic';
      r.statsNotModelled.set(`${e.scope === 'vm' ? 'vm' : 'vcpu'}.${name}`, why);
      continue;
    }
    r.statsChecked++;
    if (r.kernelStats.length < KEEP_CHECKS)
      r.kernelStats.push({ line: x.line, scope: e.scope, name, kernel: value, model });
    const text = `${e.scope} ${name}: ${value} (kernel), ${model} (model)`;
    if (model === value) {
      agreed++;
      agree(x, 'kvm_get_stats', text);
    } else {
      disagreed++;
      contradict(x, 'kvm_get_stats', text);
    }
  }
  return `KVM statistics (${e.scope}): ${agreed} agree${disagreed ? `, ${disagreed} disagree` : ''}`;
}
