/**
 * For the tests: a version 6 trace.dat built from format files and records, to check what the
 * real files never show (several CPUs, lost events, time extends, padding, big endian, a kernel
 * without a uname). It writes the layout datReader.ts reads, from the same documents.
 */
import { parseFormat } from './formats';

export interface TestEvent {
  delta: number;
  format: string;
  fields: Record<string, number | bigint | string>;
  pid?: number;
}

export type TestRecord = TestEvent | { extend: number } | { stamp: number } | { padding: number };

export interface TestPage {
  ts: number;
  records: TestRecord[];
  /** RB_MISSED_EVENTS: a count stored after the data, or 'unknown' (not stored). */
  missed?: number | 'unknown';
}

export interface TestDat {
  /** Format files: "system:text" pairs; the ftrace ones go to the ftrace part. */
  formats: { system: string; text: string }[];
  headerPage: string;
  headerEvent: string;
  cpus: TestPage[][];
  uname?: string;
  bigEndian?: boolean;
  cmdlines?: string;
}

const PAGE = 4096;

class Out {
  bytes: number[] = [];
  constructor(readonly le: boolean) {}
  n(v: number | bigint, size: number): this {
    let x = BigInt.asUintN(size * 8, BigInt(v));
    const b: number[] = [];
    for (let i = 0; i < size; i++, x >>= 8n) b.push(Number(x & 0xffn));
    this.bytes.push(...(this.le ? b : b.reverse()));
    return this;
  }
  str(s: string, nul = true): this {
    this.bytes.push(...new TextEncoder().encode(s));
    if (nul) this.bytes.push(0);
    return this;
  }
  raw(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.bytes.push(b[i]!);
    return this;
  }
}

function recordData(t: TestDat, name: string, fields: TestEvent): number[] {
  const f = t.formats
    .map((x) => parseFormat(x.text, x.system, 'test'))
    .find((x) => x.name === name)!;
  const all = f.fields();
  const len = Math.max(...all.map((x) => x.offset + x.size));
  const bytes = new Array<number>(len).fill(0);
  const put = (offset: number, size: number, v: number | bigint) => {
    const w = new Out(!t.bigEndian).n(v, size);
    w.bytes.forEach((b, i) => (bytes[offset + i] = b));
  };
  put(f.field('common_type')!.offset, 2, f.id);
  put(f.field('common_pid')!.offset, 4, fields.pid ?? 225);
  for (const [k, v] of Object.entries(fields.fields)) {
    const x = f.field(k)!;
    if (typeof v === 'string') bytes.push(...new TextEncoder().encode(v), 0);
    else put(x.offset, x.size, v);
  }
  while (bytes.length % 4) bytes.push(0);
  return bytes;
}

function page(t: TestDat, p: TestPage): number[] {
  const le = !t.bigEndian;
  const data = new Out(le);
  const head = (typeLen: number, delta: number) =>
    data.n(le ? ((delta << 5) | typeLen) >>> 0 : ((typeLen << 27) | delta) >>> 0, 4);
  for (const r of p.records) {
    if ('format' in r) {
      const d = recordData(t, r.format, r);
      if (d.length <= 28 * 4) head(d.length / 4, r.delta).raw(d);
      else
        head(0, r.delta)
          .n(d.length + 4, 4)
          .raw(d);
    } else if ('extend' in r) head(30, r.extend % 2 ** 27).n(Math.floor(r.extend / 2 ** 27), 4);
    else if ('stamp' in r) head(31, r.stamp % 2 ** 27).n(Math.floor(r.stamp / 2 ** 27), 4);
    else
      head(29, 1)
        .n(r.padding, 4)
        .raw(new Array<number>(r.padding - 4).fill(0));
  }
  const size = data.bytes.length;
  let flags = size;
  if (p.missed !== undefined) flags |= 0x80000000 | (p.missed === 'unknown' ? 0 : 0x40000000);
  const out = new Out(le)
    .n(p.ts, 8)
    .n(flags >>> 0, 8)
    .raw(data.bytes);
  if (typeof p.missed === 'number') out.n(p.missed, 8);
  while (out.bytes.length < PAGE) out.bytes.push(0);
  return out.bytes;
}

export function buildDatV6(t: TestDat): Uint8Array {
  const o = new Out(!t.bigEndian);
  o.raw([0x17, 0x08, 0x44]).str('tracing', false).str('6');
  o.raw([t.bigEndian ? 1 : 0, 8]).n(PAGE, 4);
  o.str('header_page').n(t.headerPage.length, 8).str(t.headerPage, false);
  o.str('header_event').n(t.headerEvent.length, 8).str(t.headerEvent, false);
  const ftrace = t.formats.filter((f) => f.system === 'ftrace');
  o.n(ftrace.length, 4);
  for (const f of ftrace) o.n(f.text.length, 8).str(f.text, false);
  const systems = [...new Set(t.formats.filter((f) => f.system !== 'ftrace').map((f) => f.system))];
  o.n(systems.length, 4);
  for (const s of systems) {
    const fs = t.formats.filter((f) => f.system === s);
    o.str(s).n(fs.length, 4);
    for (const f of fs) o.n(f.text.length, 8).str(f.text, false);
  }
  o.n(0, 4).n(0, 4); // kallsyms, printk
  const cmdlines = t.cmdlines ?? '225 vmm\n';
  o.n(cmdlines.length, 8).str(cmdlines, false);
  o.n(t.cpus.length, 4).str('options  ', true);
  if (t.uname !== undefined)
    o.n(5, 2)
      .n(t.uname.length + 1, 4)
      .str(t.uname);
  o.n(0, 2).str('flyrecord', true);
  const table = o.bytes.length;
  o.raw(new Array<number>(16 * t.cpus.length).fill(0));
  while (o.bytes.length % PAGE) o.bytes.push(0);
  const fix = new Out(!t.bigEndian);
  for (const pages of t.cpus) {
    fix.n(o.bytes.length, 8).n(pages.length * PAGE, 8);
    for (const p of pages) o.raw(page(t, p));
  }
  fix.bytes.forEach((b, i) => (o.bytes[table + i] = b));
  return Uint8Array.from(o.bytes);
}
