/**
 * scripts/kvm-stats-marker.sh against a fake /sys/kernel/debug/kvm/ in a temp folder: the lines
 * it writes to a fake trace_marker (the kernel's order, histograms left out, vcpu0 / vcpus,
 * split under 1000 bytes), and its one-line errors.
 *
 * The stat files are created in the kernel's descriptor order, as kvm_create_vm_debugfs() does:
 * on tmpfs (newest first, like debugfs) the script takes the order from the listing, elsewhere
 * from its tables; both must give the same lines.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('./kvm-stats-marker.sh', import.meta.url));

/**
 * A kvm-stats marker line as the shared traces' README describes it: `realtrace: kvm-stats`, the
 * scope (`vm`, `vcpu0`, or `vcpus` for sums), `[i/n]` on a split line, then NAME=VALUE with a raw
 * u64 or a histogram's non-zero buckets `[INDEX:COUNT,...]` / `[]`.
 */
const KVM_STATS_LINE =
  /^realtrace: kvm-stats (vm|vcpu\d+|vcpus)(\[\d+\/\d+\])?( [a-z0-9_]+=(\d+|\[(\d+:\d+(,\d+:\d+)*)?\]))+$/;

/** The README's real line (6.1, tdp-tdpmmu-thp, after `realtrace: dirty logging enabled`). */
const README_LINE =
  'realtrace: kvm-stats vm remote_tlb_flush=0 remote_tlb_flush_requests=1 mmu_shadow_zapped=0 mmu_pte_write=0 mmu_pde_zapped=0 mmu_flooded=0 mmu_recycled=0 mmu_cache_miss=0 mmu_unsync=0 pages_4k=2560 pages_2m=0 pages_1g=0 nx_lpage_splits=0 max_mmu_rmap_size=0 max_mmu_page_hash_collisions=0';

type Stat = [name: string, value: number | string];

const VM_STATS: Stat[] = [
  ['remote_tlb_flush', 3],
  ['remote_tlb_flush_requests', 5],
  ['mmu_shadow_zapped', 2],
  ['mmu_unsync', 1],
  ['pages_4k', 1010],
  ['pages_2m', 0],
  ['max_mmu_rmap_size', 999],
  ['max_mmu_page_hash_collisions', 0],
];
const VCPU_STATS: Stat[] = [
  ['halt_successful_poll', 0],
  ['halt_wait_ns', 12345],
  ['halt_poll_success_hist', 4], // bucket 0 only: left out
  ['blocking', 0],
  ['pf_fixed', 1005],
  ['exits', 1010],
  ['guest_mode', 0],
];
const pairs = (stats: Stat[]) =>
  stats
    .filter(([n]) => !n.endsWith('_hist'))
    .map(([n, v]) => `${n}=${v}`)
    .join(' ');

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * A temp root with kvm/ (VM folders PID-FD, each with its stat files, `between` made after the VM
 * stats and `extra` after the vCPU stats, mmu_rmaps_stat and vcpuN/) and an empty trace_marker.
 */
function fakeHost(
  vms: { name: string; vcpus: number; between?: Stat[]; extra?: Stat[] }[],
  base = tmpdir(),
) {
  const root = mkdtempSync(join(base, 'kvm-stats-marker-'));
  made.push(root);
  const debugfs = join(root, 'kvm');
  mkdirSync(debugfs);
  for (const vm of vms) {
    const dir = join(debugfs, vm.name);
    mkdirSync(dir);
    for (const [n, v] of [...VM_STATS, ...(vm.between ?? []), ...VCPU_STATS, ...(vm.extra ?? [])])
      writeFileSync(join(dir, n), `${v}\n`);
    writeFileSync(join(dir, 'mmu_rmaps_stat'), 'Rmap_Count:\t0\t1\t\nLevel=4K:\t0\t0\t\n');
    for (let i = 0; i < vm.vcpus; i++) {
      mkdirSync(join(dir, `vcpu${i}`));
      writeFileSync(join(dir, `vcpu${i}`, 'pid'), `${4243 + i}\n`);
      writeFileSync(join(dir, `vcpu${i}`, 'guest_mode'), '0\n');
    }
  }
  const marker = join(root, 'trace_marker');
  writeFileSync(marker, '');
  return { debugfs, marker };
}

const run = (...args: string[]) =>
  execFileSync('bash', [SCRIPT, ...args], { encoding: 'utf8', stdio: 'pipe' });

/** Runs the script expecting it to fail: its exit status and stderr. */
function fail(...args: string[]): { status: number | null; stderr: string } {
  try {
    run(...args);
  } catch (e) {
    const err = e as { status: number | null; stderr: string };
    return { status: err.status, stderr: err.stderr };
  }
  throw new Error('the script succeeded');
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').slice(0, -1);

describe('kvm-stats-marker.sh', () => {
  it('writes the vm and vcpu0 lines, in the kernel order, without histograms', () => {
    const { debugfs, marker } = fakeHost([{ name: '4242-11', vcpus: 1 }]);
    expect(run('--debugfs', debugfs, '--marker', marker)).toBe('');
    expect(readFileSync(marker, 'utf8')).toBe(
      `realtrace: kvm-stats vm ${pairs(VM_STATS)}\n` +
        `realtrace: kvm-stats vcpu0 ${pairs(VCPU_STATS)}\n`,
    );
  });

  it('gives the same lines from a tmpfs listing (debugfs order: newest first)', () => {
    const shm = '/dev/shm';
    let base: string;
    try {
      base = mkdtempSync(join(shm, 'kvm-stats-marker-base-'));
    } catch {
      return; // no /dev/shm here: the test above covers the tables' order
    }
    made.push(base);
    const { debugfs, marker } = fakeHost([{ name: '4242-11', vcpus: 1 }], base);
    run('--debugfs', debugfs, '--marker', marker);
    expect(lines(marker)).toEqual([
      `realtrace: kvm-stats vm ${pairs(VM_STATS)}`,
      `realtrace: kvm-stats vcpu0 ${pairs(VCPU_STATS)}`,
    ]);
    // With the listing's order, a name the script does not know keeps its place: made between
    // the VM and the vCPU stats, it is the last VM stat (without order it would go last).
    const later = fakeHost([{ name: '4242-11', vcpus: 1, between: [['new_vm_stat', 7]] }], base);
    run('--debugfs', later.debugfs, '--marker', later.marker);
    expect(lines(later.marker)).toEqual([
      `realtrace: kvm-stats vm ${pairs(VM_STATS)} new_vm_stat=7`,
      `realtrace: kvm-stats vcpu0 ${pairs(VCPU_STATS)}`,
    ]);
  });

  it('writes the --label line first, and vcpus (sums) with several vCPUs', () => {
    const { debugfs, marker } = fakeHost([{ name: '4242-11', vcpus: 2 }]);
    run('--debugfs', debugfs, '--marker', marker, '--label', 'phase warmup done');
    expect(lines(marker)).toEqual([
      'realtrace: phase warmup done',
      `realtrace: kvm-stats vm ${pairs(VM_STATS)}`,
      `realtrace: kvm-stats vcpus ${pairs(VCPU_STATS)}`,
    ]);
  });

  it('writes no vCPU line before the first vCPU exists', () => {
    const { debugfs, marker } = fakeHost([{ name: '4242-11', vcpus: 0 }]);
    run('--debugfs', debugfs, '--marker', marker);
    expect(lines(marker)).toEqual([`realtrace: kvm-stats vm ${pairs(VM_STATS)}`]);
  });

  it('writes lines that parse as kvm-stats', () => {
    expect(README_LINE).toMatch(KVM_STATS_LINE);
    const { debugfs, marker } = fakeHost([{ name: '4242-11', vcpus: 1 }]);
    run('--debugfs', debugfs, '--marker', marker);
    const written = lines(marker);
    expect(written).toHaveLength(2);
    for (const l of written) expect(l).toMatch(KVM_STATS_LINE);
  });

  it('splits a line of 1000 bytes or more as vcpu0[1/n] ... vcpu0[n/n]', () => {
    // Unknown names, made after the vCPU stats in name order: the vcpu0 line's tail either way.
    const extra: Stat[] = Array.from({ length: 40 }, (_, i) => [
      `zz_an_unknown_statistic_with_a_long_name_${String(i).padStart(2, '0')}`,
      String(18446744073709551615n - BigInt(i)),
    ]);
    const { debugfs, marker } = fakeHost([{ name: '4242-11', vcpus: 1, extra }]);
    run('--debugfs', debugfs, '--marker', marker);
    const [vm, ...vcpu] = lines(marker);
    expect(vm).toBe(`realtrace: kvm-stats vm ${pairs(VM_STATS)}`);
    expect(vcpu.length).toBeGreaterThan(1);
    const n = vcpu.length;
    const joined: string[] = [];
    vcpu.forEach((l, i) => {
      expect(Buffer.byteLength(l) + 1).toBeLessThanOrEqual(1000);
      expect(l).toMatch(KVM_STATS_LINE);
      const head = `realtrace: kvm-stats vcpu0[${i + 1}/${n}] `;
      expect(l.startsWith(head)).toBe(true);
      joined.push(l.slice(head.length));
    });
    expect(joined.join(' ')).toBe(`${pairs(VCPU_STATS)} ${pairs(extra)}`);
  });

  it('fails with the fix when there is no VM folder', () => {
    const { debugfs, marker } = fakeHost([]);
    const r = fail('--debugfs', debugfs, '--marker', marker);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `kvm-stats-marker: no VM folder in ${debugfs}: start the VM first (each VM gets a folder PID-FD when it is created)\n`,
    );
    const named = fail('--debugfs', debugfs, '--marker', marker, '--vm', '77-9');
    expect(named.status).toBe(1);
    expect(named.stderr).toMatch(/^kvm-stats-marker: no VM folder 77-9 in .*--vm PID-FD\n$/);
    expect(readFileSync(marker, 'utf8')).toBe('');
  });

  it('fails listing the VMs when there are two and no --vm', () => {
    const { debugfs, marker } = fakeHost([
      { name: '4242-11', vcpus: 1 },
      { name: '5151-12', vcpus: 1 },
    ]);
    const r = fail('--debugfs', debugfs, '--marker', marker);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^kvm-stats-marker: several VMs in .*: 4242-11( \([^)]*\))?, 5151-12( \([^)]*\))?; pick one with --vm PID-FD\n$/,
    );
    expect(readFileSync(marker, 'utf8')).toBe('');
    run('--debugfs', debugfs, '--marker', marker, '--vm', '5151-12');
    expect(lines(marker)).toHaveLength(2);
  });

  it('fails with the fix when trace_marker is missing', () => {
    const { debugfs, marker } = fakeHost([{ name: '4242-11', vcpus: 1 }]);
    const r = fail('--debugfs', debugfs, '--marker', `${marker}.missing`);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/mount -t tracefs nodev \/sys\/kernel\/tracing/);
  });
});
