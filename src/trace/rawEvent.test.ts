/**
 * traceEventOfRaw: raw fields give the text parser's event. The role word is checked against
 * every real run (../shared/traces/real/): report -N prints the page events as raw fields
 * ("role=14084"), and each must split, by its kernel's layout, into what the kernel printed in
 * trace.txt for the same page. The rest is checked on fields of the kernels' own formats.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { resolveKernelRelease } from '../model/kernelVersions';
import { pageRoleOfWord, ROLE_FROM_7_2, ROLE_UP_TO_7_1 } from './kernelRole';
import { parseTraceText } from './parseTraceText';
import { rawContextOf, traceEventOfRaw, type RawFields } from './rawEvent';
import { fieldsOf } from './testkit';

const REAL = new URL('../../../shared/traces/real/', import.meta.url);
const RUNS = existsSync(REAL)
  ? readdirSync(REAL)
      .filter((k) => k.startsWith('linux-'))
      .flatMap((k) => readdirSync(new URL(`${k}/`, REAL)).map((run) => `${k}/${run}`))
  : [];
const gz = (p: string) => gunzipSync(readFileSync(new URL(p, REAL))).toString('utf8');
const HEAD = { line: 7, ts: 1.5, cpu: 0, pid: 225 };

/** A raw-field line of report -N: its event and fields. */
const RAW = /\s([a-z_]+):\s+\[FAILED TO PARSE\]((?: \w+=-?\d+)+)\s*$/;

describe.skipIf(RUNS.length === 0)('role words of the real runs', () => {
  it.each(RUNS)('%s: report -N’s raw page events are trace.txt’s', (run) => {
    const kernel = resolveKernelRelease(run.split('/')[0]!.slice('linux-'.length)).version;
    const raw = gz(`${run}/report-N.txt.gz`)
      .split('\n')
      .map((l) => RAW.exec(l))
      .filter((m) => m !== null);
    expect(raw.length).toBeGreaterThan(10);
    const names = new Set(raw.map((m) => m[1]!));
    const text = parseTraceText(gz(`${run}/trace.txt.gz`)).events.filter((e) => names.has(e.event));
    expect(raw.length).toBe(text.length);
    raw.forEach((m, i) => {
      const fields: Record<string, number> = {};
      for (const kv of m[2]!.trim().split(' ')) {
        const [k, v] = kv.split('=');
        fields[k!] = Number(v);
      }
      const t = text[i]!;
      expect(traceEventOfRaw(m[1]!, fields, t, kernel)).toEqual(t);
    });
  });
});

describe('traceEventOfRaw', () => {
  const setSpte = { gfn: 1, spte: 0xaabafa21, sptep: 0xc2be008, level: 1, r: 1, x: 1, u: -1 };

  it('is null for an event it does not read, and says which field is missing', () => {
    expect(traceEventOfRaw('sched_switch', {}, HEAD, '6.12')).toBeNull();
    expect(traceEventOfRaw('kvm_mmu_get_page', { gfn: 1 }, HEAD, '6.12')).toBe(
      'kvm_mmu_get_page: no field mmu_valid_gen',
    );
  });

  it('prints u == -1 as no letter up to 6.18 and as "u" on 7.3', () => {
    const line = (u: string) => `gfn 1 spte aabafa21 (r-x${u}) level 1 at c2be008`;
    const text = (u: string) => fieldsOf(`vmm-240 [000] 4.701343: kvm_mmu_set_spte: ${line(u)}`);
    const strip = (e: unknown) => {
      const r = { ...(e as Record<string, unknown>) };
      for (const k of ['line', 'ts', 'cpu', 'pid']) delete r[k];
      return r;
    };
    expect(strip(traceEventOfRaw('kvm_mmu_set_spte', setSpte, HEAD, '6.12'))).toEqual(text(''));
    expect(strip(traceEventOfRaw('kvm_mmu_set_spte', setSpte, HEAD, '7.3'))).toEqual(text('u'));
  });

  it('tests fast_page_fault’s ret as its release numbers RET_PF_*', () => {
    const f = { vcpu_id: 0, cr2_or_gpa: 0x1000, error_code: 3, sptep: 0, old_spte: 0, new_spte: 0 };
    const at = (ret: number, kernel: '6.1' | '6.12') => {
      const e = traceEventOfRaw('fast_page_fault', { ...f, ret }, HEAD, kernel) as {
        spurious: boolean;
        fixed: boolean;
      };
      return [e.spurious, e.fixed];
    };
    expect([at(5, '6.1'), at(4, '6.1')]).toEqual([
      [true, false],
      [false, true],
    ]);
    expect([at(6, '6.12'), at(5, '6.12'), at(4, '6.12')]).toEqual([
      [true, false],
      [false, true],
      [false, false],
    ]);
  });

  it('takes bigints and splits 64-bit values into halves; a gfn of 2^53 is refused', () => {
    const e = traceEventOfRaw(
      'kvm_tdp_mmu_spte_changed',
      { gfn: 5, old_spte: 0x8000000000000000n, new_spte: 0x80000000aabaf6f7n, level: 1, as_id: 0 },
      HEAD,
      '6.12',
    );
    expect(e).toMatchObject({
      oldSpteHi: 0x80000000,
      oldSpteLo: 0,
      newSpteHi: 0x80000000,
      newSpteLo: 0xaabaf6f7,
    });
    expect(traceEventOfRaw('kvm_mmu_set_accessed_bit', { gpa: 2n ** 53n }, HEAD, '6.12')).toMatch(
      /gpa 0x20000000000000 is 2\^53 or more/,
    );
  });

  it('names kvm_exit’s reason as VMX and SVM print it', () => {
    const exit = (exit_reason: number, isa: number, kernel: '6.12' | '7.3' = '6.12') => {
      const raw: RawFields = {
        exit_reason,
        guest_rip: 0x1000,
        isa,
        info1: 0,
        info2: 0,
        intr_info: 0,
        error_code: 0,
        vcpu_id: 0,
      };
      return (traceEventOfRaw('kvm_exit', raw, HEAD, kernel) as { reason: string }).reason;
    };
    expect(exit(0x400, 2)).toBe('npf');
    expect(exit(0x4e, 2)).toBe('PF excp');
    expect(exit(48, 1)).toBe('EPT_VIOLATION');
    expect(exit(0x80000021, 1)).toBe('INVALID_STATE FAILED_VMENTRY');
    expect(exit(0x08000030, 1)).toBe('EPT_VIOLATION 0x8000000');
    expect(exit(0xa6, 2)).toBe('0xa6'); // idle-halt: named in 7.3's table, not 6.12's
    expect(exit(0xa6, 2, '7.3')).toBe('idle-halt');
    expect(exit(0xffffffff, 2)).toBe('0xffffffff');
  });
});

describe('role layouts', () => {
  it('splits a 6.x and a 7.3 word of the same page alike (4-bit access from 7.2)', () => {
    // The same shadow root, l4 wux nxe, on 6.1 and on 7.3 (report -N: 14084 and 28420).
    const old = pageRoleOfWord(14084, ROLE_UP_TO_7_1);
    const now = pageRoleOfWord(28420, ROLE_FROM_7_2);
    expect(old).toMatchObject({ level: 4, access: 7, eferNx: true, cr0Wp: true, accessRead: null });
    expect(now).toMatchObject({ level: 4, access: 7, eferNx: true, cr0Wp: true, accessRead: true });
    expect(pageRoleOfWord(132993, ROLE_UP_TO_7_1).guestMode).toBe(true); // 6.12's nested runs
  });

  it('takes 7.2’s layout from 7.3 on; a 7.2 kernel comes as 6.15, the older layout', () => {
    expect(rawContextOf('7.3').role).toBe(ROLE_FROM_7_2);
    expect(rawContextOf('current').role).toBe(ROLE_FROM_7_2);
    expect(rawContextOf('6.15').role).toBe(ROLE_UP_TO_7_1);
  });
});
