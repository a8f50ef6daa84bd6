/**
 * The table against the kernels' own format files (test/traces/formats/linux-*): every print fmt
 * string the table stands for, as each kernel prints it, must be the one that kernel wrote; each
 * kernel's __print_flags must name the PFERR flags the table says it names, with the same bits;
 * and where the arguments changed under the same string (the role's access_str[], set_spte's u),
 * the table must say which kernel prints which form.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { atLeast, printFormat } from './formatPieces';
import {
  ARGUMENT_CHANGES,
  EVENT_FORMATS,
  PFERR_FLAGS,
  PFERR_SINCE,
  ROLE_ACCESS_STR,
  type TraceEventName,
} from './mmutraceFormats';
import { fieldsOf } from './testkit';

const FORMATS = new URL('../../test/traces/formats/', import.meta.url);
const KERNELS = ['linux-6.1', 'linux-6.12', 'linux-6.18', 'linux-7.3'];
const ROLE_EVENTS = [
  'kvm_mmu_get_page',
  'kvm_mmu_prepare_zap_page',
  'kvm_mmu_sync_page',
  'kvm_mmu_unsync_page',
] as const;

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

  const release = kernel.slice('linux-'.length);

  it.each(names.filter((n) => files.some((f) => f.endsWith(`.${n}.format`))))(
    '%s: the table prints the same format string',
    (name) => {
      expect(printFormat(EVENT_FORMATS[name], release)).toBe(
        kernelFormat(fileOf(kernel, name).pathname),
      );
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

  it('name exactly the PFERR flags the table says this kernel names, in its order', () => {
    const named = PFERR_FLAGS.filter(([n]) => atLeast(release, PFERR_SINCE[n] ?? '0'));
    for (const event of ['fast_page_fault', 'kvm_mmu_pagetable_walk', 'kvm_mmu_walker_error'])
      expect(pferrNames(fileOf(kernel, event).pathname)).toEqual(named);
  });

  it("print the role's access with the access_str[] the table gives this kernel", () => {
    const want = ROLE_ACCESS_STR.filter((t) => t.since === '' || atLeast(release, t.since)).at(
      -1,
    )!.str;
    for (const event of ROLE_EVENTS)
      expect([event, accessStr(fileOf(kernel, event).pathname)]).toEqual([event, want]);
  });

  it("print kvm_mmu_set_spte's u letter as the table says", () => {
    const fmtLine = readFileSync(fileOf(kernel, 'kvm_mmu_set_spte'), 'utf8');
    const newForm = atLeast(release, ARGUMENT_CHANGES.setSpteUWithoutMinusOne);
    expect(fmtLine.includes('REC->u == -1 ? "" : (REC->u ? "u" : "-")')).toBe(!newForm);
    expect(fmtLine.includes(', REC->u ? "u" : "-",')).toBe(newForm);
  });
});

/** The strings of the role format's access_str[] = { ... }. */
function accessStr(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const body = /access_str\[\] = \{([^}]*)\}/.exec(text)![1]!;
  return [...body.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
}

it('reads every access_str[] entry as its index says: the 3-bit access, and r from 7.2', () => {
  const line = (a: string) =>
    `             vmm-1     [000] ...1.     1.000000: kvm_mmu_sync_page: sp gen 0 gfn 20 l1 8-byte q0 ${a} nxe ad root 0 sync`;
  ROLE_ACCESS_STR[0]!.str.forEach((a, i) => {
    // ACC_EXEC_MASK 1, ACC_WRITE_MASK 2, ACC_USER_MASK 4: the index is the model's number.
    const rec = fieldsOf(line(a));
    expect([a, rec.access, rec.accessRead]).toEqual([a, i, undefined]);
  });
  ROLE_ACCESS_STR[1]!.str.forEach((a, i) => {
    // ACC_READ_MASK 1, ACC_WRITE_MASK 2, ACC_USER_MASK 4, ACC_EXEC_MASK 8.
    const access = (i & 2) | (i & 4) | (i & 8 ? 1 : 0);
    const rec = fieldsOf(line(a));
    expect([a, rec.access, rec.accessRead]).toEqual([a, access, (i & 1) === 1]);
  });
});

it('6.18 and 7.3 name PK, SS and SGX, which 6.1 and 6.12 print as hex', () => {
  const flags = (k: string) =>
    pferrNames(fileOf(k, 'fast_page_fault').pathname)
      .map(([n]) => n)
      .join('|');
  expect(flags('linux-6.1')).toBe('P|W|U|RSVD|F');
  expect(flags('linux-6.12')).toBe('P|W|U|RSVD|F');
  expect(flags('linux-6.18')).toBe('P|W|U|PK|SS|SGX|RSVD|F');
  expect(flags('linux-7.3')).toBe('P|W|U|PK|SS|SGX|RSVD|F');
});

it("fast_page_fault's error_code is a u32 in 6.1 and a u64 from 6.12", () => {
  const field = (k: string) =>
    readFileSync(fileOf(k, 'fast_page_fault'), 'utf8').match(/field:(\w+) error_code;/)![1];
  expect(KERNELS.map(field)).toEqual(['u32', 'u64', 'u64', 'u64']);
});

it('7.3 adds fields at the end of kvm_exit and kvm_mmu_spte_requested, which 6.12 lacks', () => {
  const field = (k: string, event: string, name: string) =>
    readFileSync(fileOf(k, event), 'utf8').includes(` ${name};`);
  expect(field('linux-6.12', 'kvm_exit', 'requests')).toBe(false);
  expect(field('linux-7.3', 'kvm_exit', 'requests')).toBe(true);
  expect(field('linux-6.18', 'kvm_mmu_spte_requested', 'access')).toBe(false);
  expect(field('linux-7.3', 'kvm_mmu_spte_requested', 'access')).toBe(true);
  // Without a release the table stands for the newest form.
  expect(printFormat(EVENT_FORMATS.kvm_exit)).toBe(
    kernelFormat(fileOf('linux-7.3', 'kvm_exit').pathname),
  );
});
