/**
 * What the real files never show, on version 6 files built by datTestkit.ts from 6.12's format
 * files: two CPUs merged by time (a tie goes to the first CPU), lost events with and without a
 * count, time extends, absolute time stamps, discarded events, a long record (type_len 0),
 * events we skip, big endian, no uname, the text rendering, and a format that is not what we read.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../mmutraceFormats';
import type { TraceGap, TraceMarker } from '../traceParser';
import { bytesSource } from './byteSource';
import { DatError } from './datError';
import { parseDat, type DatSummary } from './datReader';
import { buildDatV6, type TestDat, type TestPage } from './datTestkit';

const FORMATS = new URL('../../../test/traces/formats/', import.meta.url);
const file = (p: string) => readFileSync(new URL(p, FORMATS), 'utf8');
const fmt = (system: string, name: string, k = 'linux-6.12') => ({
  system,
  text: file(`${k}/${system}.${name}.format`),
});
// A small event of a system the reader does not read.
const SCHED = `name: sched_wakeup
ID: 300
format:
\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;
\tfield:char comm[16];\toffset:8;\tsize:16;\tsigned:0;
\tfield:pid_t pid;\toffset:24;\tsize:4;\tsigned:1;

print fmt: "comm=%s pid=%d", REC->comm, REC->pid
`;

const base = (cpus: TestPage[][], more: Partial<TestDat> = {}): TestDat => ({
  formats: [
    fmt('ftrace', 'print'),
    fmt('kvmmmu', 'kvm_mmu_set_spte'),
    fmt('kvmmmu', 'kvm_mmu_get_page'),
    fmt('kvmmmu', 'fast_page_fault'),
    fmt('kvm', 'kvm_exit'),
    { system: 'sched', text: SCHED },
  ],
  headerPage: file('linux-7.3/header_page'),
  headerEvent: file('linux-7.3/header_event'),
  cpus,
  uname: 'Linux host 6.12.95+deb12-amd64 x86_64',
  ...more,
});

const spte = (delta: number, gfn: number) => ({
  delta,
  format: 'kvm_mmu_set_spte',
  fields: {
    gfn,
    spte: 0x80000000aabafa21n,
    sptep: 0xc2be008 + gfn * 8,
    level: 1,
    r: 1,
    x: 0,
    u: 0,
  },
});

interface Got {
  items: (TraceEvent | TraceMarker | TraceGap)[];
  summary: DatSummary;
}

async function read(t: TestDat, withText = false): Promise<Got> {
  const items: Got['items'] = [];
  const summary = await parseDat(bytesSource(buildDatV6(t)), {
    withText,
    onEvent: (e) => items.push(e),
    onMarker: (m) => items.push(m),
    onGap: (g) => items.push(g),
  });
  return { items, summary };
}

const TWO_CPUS: TestPage[][] = [
  [
    {
      ts: 1_000_000_000,
      records: [
        spte(100, 1),
        { delta: 0, format: 'print', fields: { ip: 0, buf: 'realtrace: hello\n' } },
        { extend: 3_000_000_000 }, // past 2^27 ns
        spte(0, 2),
        { padding: 12 }, // a discarded event: its delta counts
        spte(5, 3),
      ],
    },
    { ts: 9_000_000_000, records: [{ stamp: 2 ** 40 + 7 }, spte(1, 4)], missed: 12 },
  ],
  [
    {
      ts: 1_000_000_100, // the same time as CPU 0's first: CPU 0 goes first
      records: [
        spte(0, 10),
        { delta: 50, format: 'sched_wakeup', fields: { comm: 'swapper', pid: 1 }, pid: 0 },
        {
          delta: 50,
          format: 'print',
          fields: { ip: 0, buf: 'realtrace: ' + 'x'.repeat(150) + '\n' }, // type_len 0
        },
      ],
      missed: 'unknown',
    },
  ],
];

describe('a synthetic version 6 trace.dat', () => {
  it('merges CPUs by time and keeps every notice in place', async () => {
    const { items, summary } = await read(base(TWO_CPUS));
    const shape = items.map((x) =>
      'event' in x
        ? `${x.line} cpu${x.cpu} ${x.event} ${'gfn' in x ? x.gfn : ''} ${Math.round(x.ts * 1e9)}`
        : 'text' in x
          ? `${x.line} cpu${x.cpu} marker ${x.text.length} ${Math.round(x.ts * 1e9)}`
          : `${x.line} cpu${x.cpu} gap ${x.lost}`,
    );
    expect(shape).toEqual([
      '1 cpu0 kvm_mmu_set_spte 1 1000000100',
      '2 cpu0 marker 16 1000000100',
      '3 cpu1 gap null',
      '4 cpu1 kvm_mmu_set_spte 10 1000000100',
      // line 5: sched_wakeup, counted and skipped
      '6 cpu1 marker 161 1000000200',
      '7 cpu0 kvm_mmu_set_spte 2 4000000100',
      '8 cpu0 kvm_mmu_set_spte 3 4000000106',
      '9 cpu0 gap 12',
      `10 cpu0 kvm_mmu_set_spte 4 ${2 ** 40 + 8}`,
    ]);
    expect(summary).toMatchObject({
      lines: 10,
      events: 8,
      markers: 2,
      gaps: 2,
      lost: 12,
      counts: { kvm_mmu_set_spte: 5, tracing_mark_write: 2, sched_wakeup: 1 },
      skipped: { sched_wakeup: 1 },
    });
    expect(summary.dat.kernel).toMatchObject({ value: '6.12', how: 'seen' });
    expect(items[0]).toMatchObject({
      spteHi: 0x80000000,
      spteLo: 0xaabafa21,
      w: false,
      x: false,
      u: false,
      at: 0xc2be010,
    });
  });

  it('reads a big-endian file alike', async () => {
    const le = await read(base(TWO_CPUS));
    const be = await read({ ...base(TWO_CPUS), bigEndian: true });
    expect(be.items).toEqual(le.items);
  });

  it('tells the kernel from the formats when there is no uname', async () => {
    const { summary } = await read({ ...base(TWO_CPUS), uname: undefined });
    expect(summary.dat.kernel).toMatchObject({ value: '6.12', how: 'seen' });
    expect(summary.dat.kernel.why).toMatch(/error_code is a u64/);
  });

  it('renders a record as TASK-PID [CPU] SECONDS: NAME: field=value', async () => {
    const { items } = await read(base(TWO_CPUS), true);
    expect((items[0] as { text: string }).text).toBe(
      'vmm-225 [000] 1.000000100: kvm_mmu_set_spte: gfn=0x1 spte=0x80000000aabafa21 sptep=0xc2be010 level=1 r=1 x=0 u=0',
    );
    expect((items[1] as TraceMarker).lineText).toBe(
      'vmm-225 [000] 1.000000100: print: ip=0x0 buf=realtrace: hello',
    );
  });

  it('refuses a format whose field we read has another size, naming event and field', async () => {
    const page = fmt('kvmmmu', 'kvm_mmu_get_page');
    const wide = page.text.replace(
      '__u32 role;\toffset:24;\tsize:4;',
      '__u64 role;\toffset:24;\tsize:8;',
    );
    const t = {
      ...base(TWO_CPUS),
      formats: [
        ...base([]).formats.filter((f) => !f.text.includes('kvm_mmu_get_page')),
        { system: 'kvmmmu', text: wide },
      ],
    };
    await expect(read(t)).rejects.toThrow(
      new DatError(
        'event formats',
        null,
        "kvmmmu:kvm_mmu_get_page's field role is 8 bytes; the reader knows it as 4",
      ),
    );
    const none = {
      ...t,
      formats: [
        ...t.formats.slice(0, -1),
        { system: 'kvmmmu', text: page.text.replace(/^.*root_count.*\n/m, '') },
      ],
    };
    await expect(read(none)).rejects.toThrow(
      /kvm_mmu_get_page has no field root_count, which the reader needs/,
    );
  });
});
