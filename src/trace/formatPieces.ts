/**
 * The vocabulary the event table (mmutraceFormats.ts) is written in: a tagged template that reads
 * like the kernel's `print fmt`, whose substitutions are typed fields. Each piece records how the
 * kernel prints it (`spec`, e.g. "%llx"), so a test can rebuild every print fmt string from the
 * table and compare it with the format files the kernels wrote; and what a reader is told when
 * the text does not match (`expect`). The record type of each event is derived from its pieces,
 * so the table and the types cannot drift apart.
 *
 * 64-bit values. SPTEs, guest PTEs, guest virtual addresses and exit infos use all 64 bits (NX is
 * bit 63; 6.10+ marks empty SPTEs with bit 63), which a double cannot hold. A bigint per field
 * would cost more than the rest of the line (it is allocated), so such a field `x` becomes two
 * uint32 numbers `xHi` and `xLo`: SPTE bits are tested on them directly, and u64.ts turns a pair
 * into hex text or a bigint when one is needed. Values the kernel keeps below 2^52 — gfns, guest
 * physical addresses, and `at` (kvm_mmu_set_spte stores virt_to_phys(sptep), a host physical
 * address) — are plain numbers, and a value of 2^53 or more there is a parse error, never a
 * rounded number. (A pfn is not one of them: an MMIO fault requests KVM_PFN_NOSLOT, bit 63.)
 */

export const LIT = 0;
/** %x / %u-sized hex: below 2^32. */
export const HEX = 1;
/** %llx of a value the kernel keeps below 2^52. */
export const HEX53 = 2;
/** %llx of a full 64-bit value: two uint32 properties. */
export const HEX64 = 3;
export const DEC = 4;
export const SDEC = 5;
/** A C comparison printed with %d: 0 or 1. */
export const BIT = 6;
/**
 * %p: 16 hex digits, split like HEX64. A hashed pointer (the default) is a 32-bit hash, so Hi is 0;
 * with no_hash_pointers it is the address. trace-cmd report prints the record's unhashed value
 * through glibc's %p instead: "0xffff8b690c182080", "(nil)". Numbers, not text: a 16-character
 * slice would keep the whole chunk it came from alive for as long as the record lives.
 */
export const PTR = 7;
/** __print_flags over the PFERR_* bits. */
export const FLAGS = 8;
/**
 * access_str[role.access]: "---" .. "wux" (w, u, x) before 7.2, "----" .. "rwux" (r, w, u, x) from
 * 7.2 (ACC_READ_MASK). Either form gives `access` in the 3-bit numbering the model uses; the
 * 4-letter form adds the read bit as its own property.
 */
export const ACCESS = 9;
/**
 * kvm_mmu_set_spte's "(%s%s%s%s)": r, w, x and u. Up to 6.18 there is no u letter when the SPTE
 * format has no user bit (u == -1: EPT); 7.3 prints `REC->u ? "u" : "-"`, so -1 shows as "u".
 */
export const SPTE_ACCESS = 10;
/** A "%s" that is either a fixed word or empty: role.direct ? " direct" : "". */
export const OPT = 11;
/** "%snxe": "!" or "" before a fixed word. */
export const BANG = 12;
/** One of a few words: "sync" / "unsync", "new" / "existing". */
export const ONE_OF = 13;
/** Free text up to a fixed delimiter (kvm_exit's symbolic reason, which may hold spaces). */
export const UNTIL = 14;

/** One piece of a print fmt. Every piece has every property, so the scanner's loads stay monomorphic. */
export interface Piece<O = unknown> {
  readonly k: number;
  /** How the kernel's print fmt writes this piece. */
  readonly spec: string;
  /** Property name in the record ('' for literals); Hi/Lo are appended for HEX64. */
  readonly name: string;
  readonly nameHi: string;
  readonly nameLo: string;
  /** The literal, the OPT / BANG word, UNTIL's delimiter, or ACCESS's read-bit property. */
  readonly text: string;
  /** `text` as character codes: the scanner compares them faster than the string's. */
  readonly codes: Uint16Array;
  /** ONE_OF's words, and the value each stands for. */
  readonly words: readonly string[];
  readonly values: readonly unknown[];
  /** BANG: the property is true when "!" is absent (efer_nx), else when present (ad_disabled). */
  readonly invert: boolean;
  /** HEX64 printed with %#llx: "0x" before any value but zero. */
  readonly alt: boolean;
  /** A second print of a property already read (pferr's flags after pferr): must agree with it. */
  readonly same: boolean;
  /** What a reader is told the text should hold here. */
  readonly expect: string;
  /**
   * The first release that prints this piece ('' for every kernel the table covers): fields added
   * at the end of a line. An older kernel's line ends before them, and their properties are absent.
   */
  readonly since: string;
  /** The first piece of a `since` group: the line may end here. */
  readonly opens: boolean;
  /** Phantom: the properties this piece adds to a record. */
  readonly __out?: O;
}

export interface EventFormat<T extends readonly unknown[] = readonly unknown[]> {
  readonly pieces: readonly Piece[];
  /** Phantom: the substitutions, for the record type. */
  readonly __fields?: T;
}

function piece<O>(
  k: number,
  spec: string,
  name: string,
  expect: string,
  more?: Partial<Omit<Piece, '__out'>>,
): Piece<O> {
  return {
    k,
    spec,
    name,
    nameHi: name + 'Hi',
    nameLo: name + 'Lo',
    text: '',
    codes: new Uint16Array(0),
    words: [],
    values: [],
    invert: false,
    alt: false,
    same: false,
    expect,
    since: '',
    opens: false,
    ...more,
  };
}

type One<N extends string, V> = { [K in N]: V };

export const hex = <N extends string>(name: N, spec = '%x') =>
  piece<One<N, number>>(HEX, spec, name, 'hex digits');
export const hex53 = <N extends string>(name: N, spec = '%llx') =>
  piece<One<N, number>>(HEX53, spec, name, 'hex digits');
export const hex64 = <N extends string>(name: N, spec = '%llx') =>
  piece<One<`${N}Hi` | `${N}Lo`, number>>(HEX64, spec, name, 'hex digits', {
    alt: spec.startsWith('%#'),
  });
export const dec = <N extends string>(name: N, spec = '%u') =>
  piece<One<N, number>>(DEC, spec, name, 'a decimal number');
export const sdec = <N extends string>(name: N, spec = '%d') =>
  piece<One<N, number>>(SDEC, spec, name, 'a decimal number');
export const bit = <N extends string>(name: N) =>
  piece<One<N, boolean>>(BIT, '%d', name, '"0" or "1"');
export const ptr = <N extends string>(name: N) =>
  piece<One<`${N}Hi` | `${N}Lo`, number>>(PTR, '%p', name, 'a pointer (16 hex digits)');
export const pferrFlags = <N extends string>(name: N) =>
  piece<One<N, number>>(FLAGS, '%s', name, 'PFERR flag names joined by "|"');
/** `name` gets the w/u/x bits; the 4-letter form also sets `${name}Read`. */
export const access = <N extends string>(name: N) =>
  piece<One<N, number> & Partial<One<`${N}Read`, boolean>>>(
    ACCESS,
    '%s',
    name,
    'an access string ("---" to "wux")',
    { text: `${name}Read` },
  );
export const spteAccess = () =>
  piece<{ r: boolean; w: boolean; x: boolean; u: boolean | null }>(
    SPTE_ACCESS,
    '%s%s%s%s',
    '',
    'access bits like "rwx-", "r-xu" or "rwx"',
  );
/** `word` includes its leading space, as the kernel's string does (" direct"). */
export const opt = <N extends string>(name: N, word: string) =>
  piece<One<N, boolean>>(OPT, '%s', name, `"${word.trim()}"`, { text: word });
export const bang = <N extends string>(name: N, word: string, invert: boolean) =>
  piece<One<N, boolean>>(BANG, '%s' + word, name, `"${word}" or "!${word}"`, {
    text: word,
    invert,
  });
export const oneOf = <N extends string, V>(name: N, spec: string, choices: Record<string, V>) =>
  piece<One<N, V>>(
    ONE_OF,
    spec,
    name,
    Object.keys(choices)
      .map((w) => `"${w}"`)
      .join(' or '),
    { words: Object.keys(choices), values: Object.values(choices) },
  );
export const until = <N extends string>(name: N, spec: string, delimiter: string) =>
  piece<One<N, string>>(UNTIL, spec, name, `text followed by "${delimiter}"`, { text: delimiter });

function lit(text: string, since = ''): Piece {
  const codes = Uint16Array.from(text, (c) => c.charCodeAt(0));
  return piece(LIT, text.replaceAll('%', '%%'), '', `"${text}"`, { text, codes, since });
}

/**
 * Pieces printed only from release `version` on, at the end of a line (kvm_exit's " requests
 * 0x%016llx" from 6.14): a line may end before them, and then their properties are absent.
 */
export function since<F extends EventFormat>(
  version: string,
  f: F,
): EventFormat<readonly [Piece<Partial<FieldsOf<F>>>]> {
  return { pieces: f.pieces.map((p, i) => ({ ...p, since: version, opens: i === 0 })) };
}

/** Release `kernel` is `release` or later ("6.12" is later than "6.4"). */
export function atLeast(kernel: string, release: string): boolean {
  const a = kernel.split('.').map(Number);
  const b = release.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/** The print fmt as data: literals between typed fields; a nested format is spliced in. */
export function fmt<const T extends readonly (Piece<object> | EventFormat)[]>(
  strings: TemplateStringsArray,
  ...fields: T
): EventFormat<T> {
  const pieces: Piece[] = [];
  strings.forEach((s, i) => {
    if (s !== '') pieces.push(lit(s));
    const f = fields[i];
    if (f === undefined) return;
    if ('pieces' in f) pieces.push(...f.pieces);
    else pieces.push(f);
  });
  // Adjacent literals (a nested format next to text) become one, so each literal is a whole word run.
  const merged: Piece[] = [];
  for (const p of pieces) {
    const last = merged[merged.length - 1];
    if (p.k === LIT && last?.k === LIT && last.since === p.since)
      merged[merged.length - 1] = { ...lit(last.text + p.text, p.since), opens: last.opens };
    else if (p.name !== '' && merged.some((q) => q.name === p.name))
      merged.push({ ...p, same: true });
    else merged.push(p);
  }
  return { pieces: merged };
}

/**
 * The print fmt format string the pieces stand for, as the kernel's format file writes it: as
 * release `kernel` prints it, or with every piece when no release is given.
 */
export function printFormat(f: EventFormat, kernel?: string): string {
  return f.pieces
    .filter((p) => kernel === undefined || p.since === '' || atLeast(kernel, p.since))
    .map((p) => p.spec)
    .join('');
}

type Out<P> = P extends EventFormat<infer T> ? Merge<T> : P extends Piece<infer O> ? O : never;
type Merge<T> = T extends readonly [infer H, ...infer R] ? Out<H> & Merge<R> : unknown;
/** An intersection shown as one object type. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The typed properties an event's format yields. */
export type FieldsOf<F> = Simplify<Out<F>>;
