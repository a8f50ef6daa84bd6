/**
 * A replayed trace's kernel events, packed: seven float64 slots per event in one growing array,
 * and each fault's context (its walk) once in a table of its own, instead of an object graph of
 * a few hundred bytes per event. A 1 GB trace has some seven million events; as objects they do
 * not fit in a browser tab. Hand-written because no library packs a TypeScript union: each
 * frequent kind has its layout below, and every other kind (the rare kvm_stats and gap events,
 * and any added later) is kept as its object, the record pointing at it.
 *
 * Slot 0 holds line * 16 + kind for every record. Numbers are stored whole: a float64 holds
 * gfns, frames, SPTE halves and lines exactly; small fields share a slot (see `role`).
 */
import { f64, Growable } from '../../lib/growable';
import type { FaultContext, KernelEvent, PrintedPage, Spte64 } from './kernelEvents';

const SLOTS = 7;

/** The packed kinds' codes (slot 0's low 4 bits); OTHER keeps the object itself. */
const KIND = {
  get_page: 0,
  set_spte: 1,
  prepare_zap: 2,
  sync_page: 3,
  unsync_page: 4,
  zap_all_fast: 5,
  tdp_spte_changed: 6,
  split_huge_page: 7,
  page_fault: 8,
  fast_page_fault: 9,
} as const;
const OTHER = 15;
const KIND_NAME = Object.keys(KIND) as (keyof typeof KIND)[];

/** Records per chunk (the records are kept in chunks, for the reason Growable gives). */
const CHUNK_BITS = 14;
const MASK = (1 << CHUNK_BITS) - 1;

export class KernelEventStore {
  private readonly chunks: Float64Array[] = [];
  private n = 0;
  private readonly others: KernelEvent[] = [];
  private readonly faults = new FaultTable();

  get length(): number {
    return this.n;
  }

  lineOf(i: number): number {
    return Math.floor(this.chunks[i >>> CHUNK_BITS]![(i & MASK) * SLOTS]! / 16);
  }

  get bytes(): number {
    return (
      this.chunks.reduce((n, c) => n + c.byteLength, 0) +
      this.faults.bytes +
      this.others.length * 256
    );
  }

  push(ev: KernelEvent): void {
    const r = this.chunkFor(this.n);
    const o = (this.n++ & MASK) * SLOTS;
    const kind = (KIND as Record<string, number>)[ev.ev] ?? OTHER;
    r[o] = ev.line * 16 + kind;
    switch (ev.ev) {
      case 'get_page':
        putPage(r, o, ev.page, ev.created);
        r[o + 5] = this.faults.ref(ev.fault);
        break;
      case 'set_spte':
        r[o + 1] = ev.gfn;
        r[o + 2] = ev.level | (+ev.w << 4) | (+ev.x << 5) | ((ev.u === null ? 2 : +ev.u) << 6);
        putSpte(r, o + 3, ev.spte);
        r[o + 5] = ev.at;
        r[o + 6] = this.faults.ref(ev.fault);
        break;
      case 'prepare_zap':
      case 'sync_page':
      case 'unsync_page':
        putPage(r, o, ev.page, false);
        r[o + 5] = ev.page.gfnFrom ?? 0;
        r[o + 6] = ev.page.walkGfn ?? -1;
        break;
      case 'zap_all_fast':
        r[o + 1] = ev.gen;
        r[o + 2] = ev.usedPages;
        break;
      case 'tdp_spte_changed':
        r[o + 1] = ev.gfn;
        r[o + 2] = ev.asId + ev.level * 256 + (ev.faultSeq + 1) * 65536;
        putSpte(r, o + 3, ev.old);
        putSpte(r, o + 5, ev.new);
        break;
      case 'split_huge_page':
        r[o + 1] = ev.gfn;
        r[o + 2] = ev.level;
        r[o + 3] = ev.errno;
        putSpte(r, o + 4, ev.spte);
        break;
      case 'page_fault':
        r[o + 1] = ev.seq;
        break;
      case 'fast_page_fault':
        r[o + 1] = ev.page;
        r[o + 2] = (ev.faultSeq + 1) * 2 + +ev.fixed;
        putSpte(r, o + 3, ev.old);
        putSpte(r, o + 5, ev.new);
        break;
      default:
        r[o + 1] = this.others.push(ev) - 1;
    }
  }

  /** The chunk record `i` goes in; the first starts small and grows (most traces are short). */
  private chunkFor(i: number): Float64Array {
    const c = i >>> CHUNK_BITS;
    const have = this.chunks[c];
    if (have && (i & MASK) * SLOTS < have.length) return have;
    const full = (MASK + 1) * SLOTS;
    const next = new Float64Array(
      c === 0 ? Math.min(full, Math.max(1024 * SLOTS, (have?.length ?? 0) * 2)) : full,
    );
    if (have) next.set(have);
    this.chunks[c] = next;
    return next;
  }

  get(i: number): KernelEvent {
    const r = this.chunks[i >>> CHUNK_BITS]!;
    const o = (i & MASK) * SLOTS;
    const line = Math.floor(r[o]! / 16);
    const kind = r[o]! % 16;
    if (kind === OTHER) return this.others[r[o + 1]!]!;
    const ev = KIND_NAME[kind]!;
    switch (ev) {
      case 'get_page':
        return {
          ev,
          line,
          page: getPage(r, o),
          created: (r[o + 3]! & CREATED) !== 0,
          fault: this.faults.get(r[o + 5]!),
        };
      case 'set_spte': {
        const bits = r[o + 2]!;
        const u = (bits >> 6) & 3;
        return {
          ev,
          line,
          gfn: r[o + 1]!,
          level: bits & 15,
          spte: getSpte(r, o + 3),
          w: (bits & 16) !== 0,
          x: (bits & 32) !== 0,
          u: u === 2 ? null : u === 1,
          at: r[o + 5]!,
          fault: this.faults.get(r[o + 6]!),
        };
      }
      case 'prepare_zap':
      case 'sync_page':
      case 'unsync_page': {
        const page = getPage(r, o);
        if (r[o + 5]! > 0) page.gfnFrom = r[o + 5]!;
        if (r[o + 6]! >= 0) page.walkGfn = r[o + 6]!;
        return { ev, line, page };
      }
      case 'zap_all_fast':
        return { ev, line, gen: r[o + 1]!, usedPages: r[o + 2]! };
      case 'tdp_spte_changed': {
        const s = r[o + 2]!;
        return {
          ev,
          line,
          asId: s % 256,
          gfn: r[o + 1]!,
          level: Math.floor(s / 256) % 256,
          old: getSpte(r, o + 3),
          new: getSpte(r, o + 5),
          faultSeq: Math.floor(s / 65536) - 1,
        };
      }
      case 'split_huge_page':
        return {
          ev,
          line,
          gfn: r[o + 1]!,
          level: r[o + 2]!,
          spte: getSpte(r, o + 4),
          errno: r[o + 3]!,
        };
      case 'page_fault':
        return { ev, line, seq: r[o + 1]! };
      case 'fast_page_fault': {
        const s = r[o + 2]!;
        return {
          ev,
          line,
          faultSeq: Math.floor(s / 2) - 1,
          fixed: s % 2 === 1,
          page: r[o + 1]!,
          old: getSpte(r, o + 3),
          new: getSpte(r, o + 5),
        };
      }
    }
  }
}

/*
 * A printed page in slots 1..4: gen, gfn, the role's small fields in one (below), root_count.
 * Bits: level 0-3, quadrant 4-5, access 6-9, has4ByteGpte 10, direct 11, invalid 12, eferNx 13,
 * adDisabled 14, unsync 15, get_page's `created` 16, pluginText 17. The gen and gfn a plugin
 * line leaves out are NaN, which a float64 slot keeps.
 */
const CREATED = 1 << 16;
const PLUGIN_TEXT = 1 << 17;

function putPage(r: Float64Array, o: number, p: PrintedPage, created: boolean): void {
  r[o + 1] = p.gen;
  r[o + 2] = p.gfn;
  r[o + 3] =
    p.level |
    (p.quadrant << 4) |
    (p.access << 6) |
    (+p.has4ByteGpte << 10) |
    (+p.direct << 11) |
    (+p.invalid << 12) |
    (+p.eferNx << 13) |
    (+p.adDisabled << 14) |
    (+p.unsync << 15) |
    (created ? CREATED : 0) |
    (p.pluginText ? PLUGIN_TEXT : 0);
  r[o + 4] = p.rootCount;
}

function getPage(r: Float64Array, o: number): PrintedPage {
  const b = r[o + 3]!;
  const p: PrintedPage = {
    gen: r[o + 1]!,
    gfn: r[o + 2]!,
    level: b & 15,
    has4ByteGpte: (b & (1 << 10)) !== 0,
    quadrant: (b >> 4) & 3,
    direct: (b & (1 << 11)) !== 0,
    access: (b >> 6) & 15,
    invalid: (b & (1 << 12)) !== 0,
    eferNx: (b & (1 << 13)) !== 0,
    adDisabled: (b & (1 << 14)) !== 0,
    rootCount: r[o + 4]!,
    unsync: (b & (1 << 15)) !== 0,
  };
  if (b & PLUGIN_TEXT) p.pluginText = true;
  return p;
}

function putSpte(r: Float64Array, o: number, s: Spte64): void {
  r[o] = s.hi;
  r[o + 1] = s.lo;
}

function getSpte(r: Float64Array, o: number): Spte64 {
  return { hi: r[o]!, lo: r[o + 1]! };
}

/**
 * Fault contexts, each once: the events of one fault share theirs, so an event refers to the
 * newest entry while its context is unchanged. Ref 0 is "no fault"; k + 1 is entry k. The walks'
 * tables sit end to end in one array; a level the walk did not print is a hole in `tables`, kept
 * as NaN here and as a hole again when read.
 */
class FaultTable {
  private readonly seq = new Growable(f64);
  private readonly page = new Growable(f64);
  /** Entry k's tables are flat[start(k) .. start(k + 1)). */
  private readonly start = new Growable(f64);
  private readonly flat = new Growable(f64);

  constructor() {
    this.start.push(0);
  }

  ref(f: FaultContext | null): number {
    if (!f) return 0;
    const k = this.seq.length - 1;
    if (
      k >= 0 &&
      this.seq.get(k) === f.seq &&
      this.page.get(k) === f.page &&
      this.same(k, f.tables)
    )
      return k + 1;
    this.seq.push(f.seq);
    this.page.push(f.page);
    for (let l = 0; l < f.tables.length; l++) this.flat.push(l in f.tables ? f.tables[l]! : NaN);
    this.start.push(this.flat.length);
    return this.seq.length;
  }

  get(ref: number): FaultContext | null {
    if (ref === 0) return null;
    const k = ref - 1;
    const from = this.start.get(k);
    const tables: number[] = [];
    tables.length = this.start.get(k + 1) - from;
    for (let l = 0; l < tables.length; l++) {
      const t = this.flat.get(from + l);
      if (!Number.isNaN(t)) tables[l] = t;
    }
    return { seq: this.seq.get(k), page: this.page.get(k), tables };
  }

  get bytes(): number {
    return this.seq.bytes + this.page.bytes + this.start.bytes + this.flat.bytes;
  }

  private same(k: number, tables: number[]): boolean {
    const from = this.start.get(k);
    if (this.start.get(k + 1) - from !== tables.length) return false;
    for (let l = 0; l < tables.length; l++) {
      const t = this.flat.get(from + l);
      if (l in tables ? t !== tables[l] : !Number.isNaN(t)) return false;
    }
    return true;
  }
}
