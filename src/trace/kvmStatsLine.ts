/**
 * KVM's statistics written into a trace as marker lines (the shared traces' VMM, and
 * scripts/kvm-stats-marker.sh on a user's host): `kvm-stats vm NAME=VALUE ...` and
 * `kvm-stats vcpu0 NAME=VALUE ...` (`vcpus` for sums over all vCPUs), every stat in the kernel's
 * order with its raw u64 value; histograms as `NAME=[INDEX:COUNT,...]`; a long line split as
 * `vm[1/2]`, `vm[2/2]`. The format is the shared traces' README's.
 */

export type KvmStatsScope = 'vm' | 'vcpu0' | 'vcpus';

export interface KvmStatsLine {
  scope: KvmStatsScope;
  values: { name: string; value: number }[];
  /** Histograms and values past 2^53, which no model figure is compared with. */
  skipped: string[];
}

const LINE = /(?:^|\s)kvm-stats (vm|vcpu0|vcpus)(?:\[\d+\/\d+\])?((?: [a-z0-9_]+=\S+)*)\s*$/;
const PAIR = /([a-z0-9_]+)=(\S+)/g;

/** The statistics a marker line carries, or null when it is not a kvm-stats line. */
export function parseKvmStatsLine(text: string): KvmStatsLine | null {
  const m = LINE.exec(text);
  if (!m) return null;
  const out: KvmStatsLine = { scope: m[1] as KvmStatsScope, values: [], skipped: [] };
  for (const [, name, raw] of m[2]!.matchAll(PAIR)) {
    const value = /^\d+$/.test(raw!) ? Number(raw) : NaN;
    if (Number.isSafeInteger(value)) out.values.push({ name: name!, value });
    else out.skipped.push(name!);
  }
  return out;
}
