/**
 * Malformed input of every kind stops the parse with one message naming the line, the event and
 * what the print fmt says belongs there.
 */
import { describe, expect, it } from 'vitest';
import { TraceParseError } from './traceErrors';
import { parseTraceText } from './parseTraceText';
import { TraceParser } from './traceParser';

const HEAD = '             vmm-225     [000] ...1.     4.646844: ';
/** Two good lines first, so the bad one is line 3. */
const GOOD =
  '# tracer: nop\n' +
  HEAD +
  'kvm_mmu_get_page: sp gen 0 gfn 10 l4 8-byte q0 wux nxe ad root 0 sync new\n';

function errorOf(text: string): TraceParseError {
  try {
    parseTraceText(text);
  } catch (e) {
    if (e instanceof TraceParseError) return e;
    throw e;
  }
  throw new Error('parsed without an error');
}

const message = (bad: string) => errorOf(GOOD + HEAD + bad + '\n').message;

describe('a known event whose fields do not parse', () => {
  it.each([
    // cut mid-field
    [
      'kvm_mmu_get_page: sp gen 0 gfn 10 l4 8-byte q0 wux nxe ad root 0',
      'line 3: kvm_mmu_get_page: expected "sync" or "unsync" after "root 0", got end of line',
    ],
    [
      'kvm_mmu_set_spte: gfn 1 spte bfdf8a21 (r-',
      'line 3: kvm_mmu_set_spte: expected access bits like "rwx-", "r-xu" or "rwx" after "spte bfdf8a21 (", got "r-"',
    ],
    [
      'kvm_exit: vcpu 0 reason PF excp rip 0x1000 info1 0x00000000000',
      'line 3: kvm_exit: expected "info2 0x" after "info1 0x00000000000", got end of line',
    ],
    [
      'kvm_mmu_paging_element: pte 11023 lev',
      'line 3: kvm_mmu_paging_element: expected "level" after "pte 11023", got "lev"',
    ],
    // cut right after a whole word of the format: what should have followed it
    [
      'kvm_mmu_set_spte: gfn 10 spte cc10e67 (rwxu) level 1 at',
      'line 3: kvm_mmu_set_spte: expected hex digits after "level 1 at", got end of line',
    ],
    // wrong number base
    [
      'kvm_mmu_set_spte: gfn 1 spte bfdf8a21 (r-x-) level 0x1 at aae1008',
      'line 3: kvm_mmu_set_spte: expected a decimal number after "level", got "0x1"',
    ],
    [
      'kvm_mmu_spte_requested: gfn 0x13 pfn bfdac level 1',
      'line 3: kvm_mmu_spte_requested: expected hex digits after "gfn", got "0x13"',
    ],
    [
      'kvm_mmu_paging_element: pte 11023 level 1f',
      'line 3: kvm_mmu_paging_element: expected a decimal number after "level", got "1f"',
    ],
    [
      'fast_page_fault: vcpu 0 gva 10000 error_code P|W|U sptep 00000000607c85bf old cc00ae5 new cc00ae5 spurious 0 fixed 0',
      'line 3: fast_page_fault: expected "0x" and hex digits after "old", got "cc00ae5"',
    ],
    [
      'kvm_mmu_set_accessed_bit: gpa 20000000000000',
      'line 3: kvm_mmu_set_accessed_bit: expected a hex value below 2^53 after "gpa", got "20000000000000"',
    ],
    // unknown role flag or word
    [
      'kvm_mmu_get_page: sp gen 0 gfn 10 l4 8-byte q0 wux smm nxe ad root 0 sync new',
      'line 3: kvm_mmu_get_page: expected "nxe" or "!nxe" after "wux", got "smm"',
    ],
    [
      'kvm_mmu_prepare_zap_page: sp gen 0 gfn 10 l4 8-byte q0 indirect wux nxe ad root 0 sync',
      'line 3: kvm_mmu_prepare_zap_page: expected an access string ("---" to "wux") after "q0", got "indirect"',
    ],
    [
      'kvm_mmu_sync_page: sp gen 0 gfn 20 l1 8-byte q0 w-x nxe ad root 0 synced',
      'line 3: kvm_mmu_sync_page: expected "sync" or "unsync" after "root 0", got "synced"',
    ],
    [
      'kvm_mmu_get_page: sp gen 0 gfn 10 l4 16-byte q0 wux nxe ad root 0 sync new',
      'line 3: kvm_mmu_get_page: expected "4-byte" or "8-byte" after "l4", got "16-byte"',
    ],
    [
      'fast_page_fault: vcpu 0 gva 10000 error_code P|XX sptep 00000000607c85bf old 0x1 new 1 spurious 0 fixed 0',
      'line 3: fast_page_fault: expected PFERR flag names joined by "|" after "error_code", got "P|XX"',
    ],
    [
      'kvm_mmu_pagetable_walk: addr 12ee pferr 10 W',
      'line 3: kvm_mmu_pagetable_walk: expected flag names that add up to pferr 10 after "pferr 10", got "W"',
    ],
    [
      'fast_page_fault: vcpu 0 gva 10000 error_code P sptep 607c85bf old 0x1 new 1 spurious 0 fixed 0',
      'line 3: fast_page_fault: expected a pointer (16 hex digits) after "sptep", got "607c85bf"',
    ],
    // garbage
    [
      'kvm_mmu_paging_element: pte 11023 level 4 extra',
      'line 3: kvm_mmu_paging_element: expected end of line after "level 4", got "extra"',
    ],
    [
      'kvm_mmu_zap_all_fast: ~~~~',
      'line 3: kvm_mmu_zap_all_fast: expected "kvm-mmu-valid-gen", got "~~~~"',
    ],
  ])('%s', (bad, expected) => {
    expect(message(bad)).toBe(expected);
  });

  it('carries the line, the event and what was expected', () => {
    const e = errorOf(
      GOOD + HEAD + 'kvm_mmu_get_page: sp gen 0 gfn 10 l4 8-byte q0 wux nxe ad root 0\n',
    );
    expect(e).toMatchObject({
      line: 3,
      event: 'kvm_mmu_get_page',
      expected: '"sync" or "unsync"',
      after: 'root 0',
      got: null,
    });
  });

  it("reads trace-cmd's kvm plugin text, and names it when such a line is wrong", () => {
    expect(() =>
      parseTraceText(
        GOOD + HEAD + 'kvm_mmu_get_page: new sp gfn 10 4 q0 wux !pae nxe wp root 0 sync\n',
      ),
    ).not.toThrow();
    expect(message('kvm_mmu_get_page: new sp gfn 10 4 q0 wux !pae nxe wp root 0 maybe')).toBe(
      'line 3: kvm_mmu_get_page: expected "sync" or "unsync" after "root 0", got "maybe" (read as trace-cmd report\'s kvm plugin text)',
    );
    expect(message('kvm_mmu_prepare_zap_page: 2 q0 w-x !pae nxe root 0 sync')).toBe(
      'line 3: kvm_mmu_prepare_zap_page: expected "wp" or "!wp" after "nxe", got "root" (read as trace-cmd report\'s kvm plugin text)',
    );
    expect(message('kvm_exit: reason EXIT_NPF rip 0x1000 main+0x10 info 200000006 10000')).toBe(
      'line 3: kvm_exit: expected "info" after "rip 0x1000", got "main+0x10" (read as trace-cmd report\'s kvm plugin text)',
    );
  });
});

describe('a line without the shape of an event line', () => {
  it.each([
    ['hello world', 'line 3: expected "TASK-PID [CPU] TIMESTAMP: EVENT: FIELDS", got "hello"'],
    [
      '             vmm-225     [000] .....     4.6',
      'line 3: expected ": " after the timestamp, got end of line',
    ],
    [
      '             vmm-225     [000] .....     soon: kvm_exit: vcpu 0',
      'line 3: expected a timestamp after the CPU column, got "soon:"',
    ],
    [
      '             vmm-225     [000] .....     4.646844: kvm_mmu_set_spte',
      'line 3: expected an event name followed by ":", got "kvm_mmu_set_spte"',
    ],
    [
      '             vmm-225     [000] .....     4.646844: two words: x',
      'line 3: expected an event name followed by ":", got "two"',
    ],
  ])('%s', (bad, expected) => {
    expect(errorOf(GOOD + bad + '\n').message).toBe(expected);
  });

  it('a truncated last line, without its newline, fails at end()', () => {
    const p = new TraceParser();
    p.push(GOOD + HEAD + 'kvm_mmu_set_spte: gfn 13 spte bfdac');
    expect(() => p.end()).toThrow(
      'line 3: kvm_mmu_set_spte: expected "(" after "spte bfdac", got end of line',
    );
  });

  it('bytes that are not text say what they are', () => {
    expect(() => new TraceParser().push('\x1f\x8b\x08\x00')).toThrow(
      'line 1: expected trace text, got gzip data (decompress it first)',
    );
    expect(() => new TraceParser().push('\x17\x08\x44tracing6\0')).toThrow(/trace-cmd trace\.dat/);
    const p = new TraceParser();
    p.push(GOOD);
    expect(() => p.push('x'.repeat(2 ** 20 + 1))).toThrow(
      'line 3: expected a line of trace text, got over 1 MiB without a newline',
    );
  });

  it('a parser stays stopped: push and end throw the same error again', () => {
    const p = new TraceParser();
    let first: unknown;
    try {
      p.push(GOOD + 'garbage\n');
    } catch (e) {
      first = e;
    }
    expect(first).toBeInstanceOf(TraceParseError);
    expect(() => p.push(GOOD)).toThrow(first as Error);
    expect(() => p.end()).toThrow(first as Error);
  });
});
