import { describe, expect, it } from 'vitest';
import { checkVm } from '../model/vmInvariants';
import { PRESETS } from './presets';
import { figures, runScenario } from './runScenario';
import { parseScenario } from './schema';

describe('scenario documents', () => {
  it('reports every problem with its JSON path', () => {
    const r = parseScenario({
      format: 'kvm-mmu-scenario/1',
      options: { rmap: 'tail-count' },
      vm: { memslots: [{ baseGfn: 0, npages: 0 }] },
      ops: [{ op: 'fault', kind: 'tdp', gfn: '12' }, { op: 'teleport' }],
    });
    expect(r.ok).toBe(false);
    const paths = !r.ok ? r.problems.map((p) => p.path) : [];
    expect(paths).toEqual(
      expect.arrayContaining(['options.rmap', 'vm.memslots[0].npages', 'ops[0].gfn', 'ops[1].op']),
    );
  });

  it('stops at an op the kernel would refuse, with the ops before it applied', () => {
    const parsed = parseScenario({
      format: 'kvm-mmu-scenario/1',
      options: { tdp: true, tdpMmu: false },
      vm: { memslots: [{ baseGfn: 0, npages: 4096 }] },
      ops: [
        { op: 'fault', kind: 'tdp', gfn: 1 },
        { op: 'add', head: 0, spte: 's1' },
        { op: 'remove', head: 0, spte: 's2' },
        { op: 'fault', kind: 'tdp', gfn: 2 },
      ],
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const run = runScenario(parsed.scenario);
    expect(run.error).toEqual({
      index: 2,
      message: expect.stringMatching(
        /^ops\[2\] \(remove\): pte_list_remove: SPTE s2 \(0x18\) is not in rmap head 0; the kernel hits KVM_BUG_ON_DATA_CORRUPTION: the VM is marked bugged \(BUG\(\) only with CONFIG_BUG_ON_DATA_CORRUPTION=y\)$/,
      ),
    });
    expect(run.results).toHaveLength(2);
    expect(figures(run).rmap.entries).toBe(1);
  });

  it('says BUG() for a corrupt rmap before 6.6 (52e322eda3d4 made it KVM_BUG_ON_DATA_CORRUPTION)', () => {
    const parsed = parseScenario({
      format: 'kvm-mmu-scenario/1',
      kernel: '6.4',
      ops: [{ op: 'remove', head: 0, spte: 's2' }],
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(runScenario(parsed.scenario).error?.message).toMatch(
      /is not in rmap head 0; the kernel hits BUG\(\)$/,
    );
  });
});

describe('presets', () => {
  it('tdp-mmu-fault shows the figures its caption gives (kvm_tdp_mmu_page_fault, tdp_mmu_alloc_sp)', () => {
    const preset = PRESETS.find((p) => p.name === 'tdp-mmu-fault')!;
    const parsed = parseScenario(preset.scenario);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const first = runScenario({ ...parsed.scenario, ops: parsed.scenario.ops.slice(0, 1) });
    const m = figures(first).memory;
    const cached = Object.values(m.cacheBytes).reduce((a, b) => a + b, 0);
    expect({ spt: m.sptBytes, headers: m.headerBytes, cached }).toEqual({
      spt: 16_384,
      headers: 736,
      cached: 159_200,
    });
    expect(preset.caption).toContain('16,384 bytes of spt, 736 of headers');
    expect(preset.caption).toContain('159,200 bytes');
    const all = runScenario(parsed.scenario);
    expect(all.results.at(-1)!.cost).toMatchObject({ tlbFlushes: 0, rangeFlushes: 0 });
    expect(all.world.vm.stat.pages_4k).toBe(1 + 512);
  });

  it.each(PRESETS.map((p) => [p.name, p] as const))(
    '%s runs clean and keeps the VM consistent',
    (_name, preset) => {
      const parsed = parseScenario(preset.scenario);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      const run = runScenario(parsed.scenario, { onOp: () => undefined });
      expect(run.error).toBeNull();
      // The 16 GiB split's 4.2 M entries are checked by the model's own tests at 1 GiB.
      if (preset.name !== 'split-16g') checkVm(run.world.vm);
      expect(preset.caption.split('. ').length).toBeGreaterThanOrEqual(2);
    },
    30_000,
  );
});
