/**
 * The table against the kernels' own format files (test/traces/formats/linux-*): every print fmt
 * string the table stands for must be the one each kernel wrote, and every PFERR flag name each
 * kernel's __print_flags knows must be in PFERR_FLAGS with the same bit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printFormat } from './formatPieces';
import { EVENT_FORMATS, PFERR_FLAGS, type TraceEventName } from './mmutraceFormats';

const FORMATS = new URL('../../test/traces/formats/', import.meta.url);
const KERNELS = ['linux-6.1', 'linux-6.12', 'linux-6.18'];

/** The C string literals starting at `i` ("a" "b" joined), and where they end. */
function cStrings(text: string, i: number): { value: string; end: number } {
  let value = '';
  for (;;) {
    while (text[i] === ' ') i++;
    if (text[i] !== '"') return { value, end: i };
    let j = i + 1;
    while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    value += text.slice(i + 1, j);
    i = j + 1;
  }
}

/**
 * The format string an event's text follows. The role events print "%s" filled by a
 * trace_seq_printf of their own (KVM_MMU_PAGE_PRINTK), whose string replaces that "%s"; its
 * closing "%c" prints the NUL that ends it.
 */
function kernelFormat(file: string): string {
  const fmtLine = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('print fmt: '))!;
  const top = cStrings(fmtLine, 'print fmt: '.length).value;
  const inner = fmtLine.indexOf('trace_seq_printf(p, ');
  if (inner < 0) return top;
  const role = cStrings(fmtLine, inner + 'trace_seq_printf(p, '.length).value;
  return top.replace('%s', role.replace(/%c$/, ''));
}

function pferrNames(file: string): [string, number][] {
  const text = readFileSync(file, 'utf8');
  const entries = text.matchAll(/\{\s*\(*1U?L?\)*\s*<<\s*\(?(\d+)\)*\s*,\s*"(\w+)"\s*\}/g);
  return [...entries].map((m) => [m[2]!, 2 ** Number(m[1])]);
}

/** kvm_exit and kvm_page_fault are the kvm system's; the rest are kvmmmu's. */
const fileOf = (kernel: string, name: string) =>
  new URL(
    `${kernel}/${name === 'kvm_exit' || name === 'kvm_page_fault' ? 'kvm' : 'kvmmmu'}.${name}.format`,
    FORMATS,
  );

describe.each(KERNELS)('%s format files', (kernel) => {
  const files = readdirSync(new URL(`${kernel}/`, FORMATS));
  const names = Object.keys(EVENT_FORMATS) as TraceEventName[];

  it('have an entry in the table for every kvmmmu event', () => {
    const kvmmmu = files.filter((f) => f.startsWith('kvmmmu.')).map((f) => f.slice(7, -7));
    expect(kvmmmu.length).toBe(18);
    for (const name of kvmmmu) expect(names).toContain(name);
  });

  it.each(names.filter((n) => files.some((f) => f.endsWith(`.${n}.format`))))(
    '%s: the table prints the same format string',
    (name) => {
      expect(printFormat(EVENT_FORMATS[name])).toBe(kernelFormat(fileOf(kernel, name).pathname));
    },
  );

  it('name PFERR flags the table knows, with the same bits', () => {
    const known = new Map(PFERR_FLAGS);
    const seen = files
      .filter((f) => f.startsWith('kvmmmu.'))
      .flatMap((f) => pferrNames(new URL(`${kernel}/${f}`, FORMATS).pathname));
    expect(seen.length).toBeGreaterThan(0);
    for (const [name, value] of seen) expect([name, known.get(name)]).toEqual([name, value]);
  });
});

it('6.18 names PK, SS and SGX, which 6.1 and 6.12 print as hex', () => {
  const flags = (k: string) =>
    pferrNames(fileOf(k, 'fast_page_fault').pathname)
      .map(([n]) => n)
      .join('|');
  expect(flags('linux-6.1')).toBe('P|W|U|RSVD|F');
  expect(flags('linux-6.12')).toBe('P|W|U|RSVD|F');
  expect(flags('linux-6.18')).toBe('P|W|U|PK|SS|SGX|RSVD|F');
});

it("fast_page_fault's error_code is a u32 in 6.1 and a u64 from 6.12", () => {
  const field = (k: string) =>
    readFileSync(fileOf(k, 'fast_page_fault'), 'utf8').match(/field:(\w+) error_code;/)![1];
  expect(['linux-6.1', 'linux-6.12', 'linux-6.18'].map(field)).toEqual(['u32', 'u64', 'u64']);
});
