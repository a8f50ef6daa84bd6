/**
 * trace-cmd report's own forms of an event, line by line: -N's raw fields, the kvm plugin's
 * text (and its old role layout, undone by the release's), the waiting for the first MiB to tell
 * the release, and the messages when such a line is wrong. The real runs are reportForms.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { TraceEvent } from './mmutraceFormats';
import { importTraceFile } from './nodeImport';
import { parseTraceText } from './parseTraceText';
import { scanRawFields } from './rawFields';
import { TraceParseError } from './traceErrors';
import { TraceParser } from './traceParser';

const HEAD = '             vmm-240   [000]     4.692119: ';
const line = (body: string) => HEAD + body + '\n';
const ROOT_73 = line(
  'kvm_mmu_get_page:     new sp gfn 10 4 q0 wux invalid !pae !nxe wp smep root 0 sync',
);

function errorOf(text: string): TraceParseError {
  try {
    parseTraceText(text);
  } catch (e) {
    if (e instanceof TraceParseError) return e;
    throw e;
  }
  throw new Error('parsed without an error');
}

describe('report -N raw fields', () => {
  it('reads decimal, negative, padded and hex values; 2^53 and more as bigints', () => {
    const s = ' a=16 b=-11 c= 5 d=0xffff8b690c182080 e=18446744073709551615';
    expect(scanRawFields(s, 0, s.length)).toEqual({
      fields: { a: 16, b: -11, c: 5, d: 0xffff8b690c182080n, e: 18446744073709551615n },
    });
    const bad = ' gfn=16 role=ARRAY[00]';
    expect(scanRawFields(bad, 0, bad.length)).toEqual({
      error: { pos: 13, expect: 'a number for role' },
    });
  });

  it('gives the event the kernel text gives, its role split by the release', () => {
    const raw = (role: number) =>
      line(
        `kvm_mmu_get_page:     [FAILED TO PARSE] mmu_valid_gen=0 gfn=16 role=${role} root_count=0 unsync=0 created=1`,
      );
    // 6.12: level 4, wux (7 << 8), efer_nx (bit 12), ad (bit 16 clear).
    const [e612] = parseTraceText(raw(0x1704)).events;
    expect(e612).toMatchObject({ gfn: 0x10, level: 4, access: 7, eferNx: true, invalid: false });
    // 7.3 (told by bit 11, ACC_EXEC_MASK): rwux is 0xf << 8, efer_nx bit 13.
    const [e73] = parseTraceText(raw(0x2f04)).events;
    expect(e73).toMatchObject({ level: 4, access: 7, accessRead: true, eferNx: true });
    expect(e73).not.toHaveProperty('unprinted');
  });

  it('says at its line what is wrong with the fields', () => {
    expect(
      errorOf(line('kvm_mmu_get_page:     [FAILED TO PARSE] mmu_valid_gen=0 gfn=zz')).message,
    ).toBe('line 1: kvm_mmu_get_page: expected a number for gfn, got "zz"');
    expect(
      errorOf(line('kvm_mmu_prepare_zap_page: [FAILED TO PARSE] mmu_valid_gen=0 gfn=16')).message,
    ).toBe('line 1: kvm_mmu_prepare_zap_page: no field role');
  });
});

describe("the kvm plugin's lines", () => {
  const at = (events: TraceEvent[], i: number) => events[i] as Record<string, unknown>;

  it('reads its role by the old layout and gives the fields as the release has them', () => {
    // 6.x: the plugin's names are the kernel's bits; "!pae" is 8-byte, "wp" cr0_wp.
    // A root's access (ACC_ALL) tells the layout: "wux" without "invalid" is before 7.2.
    const { events: all } = parseTraceText(
      line('kvm_mmu_get_page:     new sp gfn 10 4 q0 wux !pae nxe wp root 0 sync') +
        line('kvm_mmu_get_page:     existing sp gfn 12 2 q0 w-x !pae nxe wp root 0 sync') +
        line('kvm_mmu_prepare_zap_page: 1 q3 -u- pae !nxe !wp root 2 unsync'),
    );
    const events = all.slice(1);
    expect(at(events, 0)).toMatchObject({
      created: false,
      gfn: 0x12,
      level: 2,
      access: 3,
      has4ByteGpte: false,
      eferNx: true,
      unprinted: ['mmuValidGen', 'adDisabled'],
    });
    expect(at(events, 1)).toMatchObject({
      level: 1,
      quadrant: 3,
      access: 4,
      has4ByteGpte: true,
      eferNx: false,
      rootCount: 2,
      unsync: true,
      unprinted: ['mmuValidGen', 'adDisabled', 'gfn'],
    });
    expect(Number.isNaN(at(events, 1).gfn)).toBe(true);
  });

  it('on 7.3 its "invalid" is ACC_EXEC_MASK and its "wp" efer_nx', () => {
    const { events } = parseTraceText(ROOT_73);
    expect(at(events, 0)).toMatchObject({
      gfn: 0x10,
      level: 4,
      access: 7,
      accessRead: true,
      invalid: false,
      eferNx: true,
    });
  });

  it("reads kvm_exit's own form, without the vCPU, intr_info and error_code", () => {
    const { events } = parseTraceText(
      line('kvm_exit:             reason EXIT_NPF rip 0x1000 info 200000006 10000'),
    );
    expect(at(events, 0)).toMatchObject({
      reason: 'EXIT_NPF',
      guestRipLo: 0x1000,
      info1Hi: 2,
      info1Lo: 6,
      info2Lo: 0x10000,
      unprinted: ['vcpuId', 'intrInfo', 'errorCode', 'requests'],
    });
  });
});

describe('waiting for the release', () => {
  it('holds what follows a report line until the first MiB (or the end) has told the release, in order', () => {
    const seen: string[] = [];
    const p = new TraceParser({
      onEvent: (e) => seen.push(`${e.line} ${e.event}`),
      onMarker: (m) => seen.push(`${m.line} marker`),
    });
    p.push(
      line('kvm_mmu_paging_element: pte 11023 level 4') +
        ROOT_73 +
        line('print:                tracing_mark_write: phase 1') +
        line('kvm_mmu_paging_element: pte 12023 level 3'),
    );
    expect(seen).toEqual(['1 kvm_mmu_paging_element']);
    expect(p.end()).toMatchObject({ pluginLines: 1, rawLines: 0 });
    expect(seen).toEqual([
      '1 kvm_mmu_paging_element',
      '2 kvm_mmu_get_page',
      '3 marker',
      '4 kvm_mmu_paging_element',
    ]);
  });

  it('with the release given, nothing waits', () => {
    const seen: TraceEvent[] = [];
    const p = new TraceParser({ onEvent: (e) => seen.push(e), kernel: '6.12' });
    p.push(ROOT_73);
    // 6.12's layout: bit 11 is invalid, and the access is the plugin's 3 bits.
    expect(seen[0]).toMatchObject({ level: 4, access: 7, invalid: true });
  });
});

describe('trace-cmd report around the events', () => {
  it('skips its preamble and sub-buffer marks, and reads several CPUs interleaved', () => {
    const { events, summary } = parseTraceText(
      [
        'version = 7',
        'cpus=2',
        'CPU 1 is empty',
        'CPU:0 [SUBBUFFER START] [4692119000:0x1000]',
        '             vmm-240   [000]     4.692119: kvm_mmu_set_dirty_bit: gpa 19000',
        '             vmm-241   [001]     4.692120: kvm_mmu_set_accessed_bit: gpa 19000',
      ].join('\n'),
    );
    expect(events.map((e) => [e.line, e.cpu, e.pid])).toEqual([
      [5, 0, 240],
      [6, 1, 241],
    ]);
    expect(summary).toMatchObject({ lines: 6, events: 2, gaps: 0 });
  });
});

describe('a gfn-less plugin line the replay cannot place', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plugin-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is not replayed, and says so at its line, naming where every field is', async () => {
    const url = new URL('../../test/traces/linux-6.12/shadow-alias/report.txt.gz', import.meta.url);
    const lines = gunzipSync(readFileSync(url)).toString('utf8').split('\n');
    // An exit between the unsync and its SPTE: that SPTE's gfn can no longer name the page.
    const at = lines.findIndex((l) => l.includes('kvm_mmu_unsync_page:'));
    const head = lines[at]!.slice(0, lines[at]!.indexOf('kvm_mmu_unsync_page:'));
    lines.splice(at + 1, 0, head + 'kvm_exit:             reason EXIT_NPF rip 0x109f info 0 0');
    const path = join(dir, 'report.txt');
    writeFileSync(path, lines.join('\n'));
    const { summary } = await importTraceFile(path);
    const first = summary.contradictions[0]!;
    expect(first).toMatchObject({ line: at + 1, fn: 'kvm_unsync_page' });
    expect(first.message).toMatch(/^the kvm plugin prints no gfn, and 2 pages have this role/);
    expect(first.message).toMatch(
      /`trace-cmd report -N`, or the trace\.dat itself, has every field/,
    );
    // What follows from it says where it may come from.
    for (const c of summary.contradictions.slice(1))
      expect(c.message).toMatch(
        /after line \d+, which was not replayed: may come from it|kvm plugin/,
      );
  });
});
