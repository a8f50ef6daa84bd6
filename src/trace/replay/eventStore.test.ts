/**
 * The packed event store gives back what was put in: every event of every real trace (its text
 * and its kvm plugin report), deep and
 * strictly equal (holes in a walk's tables included), and arbitrary events of every kind.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TraceImport } from '../traceImport';
import { TraceParser } from '../traceParser';
import { KernelEventStore } from './eventStore';
import type { FaultContext, KernelEvent, PrintedPage, Spte64 } from './kernelEvents';

const ROOT = 'test/traces';
const RUNS = readdirSync(ROOT)
  .filter((k) => k.startsWith('linux-'))
  .flatMap((k) => readdirSync(`${ROOT}/${k}`).map((run) => `${ROOT}/${k}/${run}`))
  // The kvm plugin's report too: its pages carry pluginText, NaN gfns, gfnFrom and walkGfn.
  .flatMap((run) => [`${run}/trace.txt.gz`, `${run}/report.txt.gz`]);

function eventsOf(file: string): KernelEvent[] {
  const events: KernelEvent[] = [];
  const parser = new TraceParser(new TraceImport((ev) => events.push(ev)).handlers);
  parser.push(gunzipSync(readFileSync(file)).toString('utf8'));
  parser.end();
  return events;
}

describe('KernelEventStore', () => {
  it.each(RUNS)('gives back every event of %s', (file) => {
    const events = eventsOf(file);
    const store = new KernelEventStore();
    for (const ev of events) store.push(ev);
    expect(store.length).toBe(events.length);
    for (let i = 0; i < events.length; i++) {
      expect(store.lineOf(i)).toBe(events[i]!.line);
      expect(store.get(i)).toStrictEqual(events[i]);
    }
    // Seven slots an event (a short trace: one chunk, at most twice what is filled), plus the faults. walks.
    expect(store.bytes / events.length).toBeLessThan(140);
  });

  // Plain objects, as the importer makes (fast-check's records have no prototype by default).
  const rec = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> =>
    fc.record(model, { noNullPrototype: true });
  const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
  const spte: fc.Arbitrary<Spte64> = rec({ hi: u32, lo: u32 });
  const gfn = fc.oneof(fc.constant(2 ** 40), fc.integer({ min: 0, max: 2 ** 40 }));
  const line = fc.integer({ min: 1, max: 2 ** 32 });
  const seq = fc.integer({ min: -1, max: 2 ** 30 });
  const page: fc.Arbitrary<PrintedPage> = rec({
    gen: u32,
    gfn,
    level: fc.integer({ min: 1, max: 5 }),
    has4ByteGpte: fc.boolean(),
    quadrant: fc.integer({ min: 0, max: 3 }),
    direct: fc.boolean(),
    access: fc.integer({ min: 0, max: 15 }),
    invalid: fc.boolean(),
    eferNx: fc.boolean(),
    adDisabled: fc.boolean(),
    rootCount: u32,
    unsync: fc.boolean(),
  });
  const tables = fc.array(fc.option(gfn, { nil: undefined }), { maxLength: 6 }).map((ts) => {
    const out: number[] = [];
    out.length = ts.length;
    ts.forEach((t, l) => {
      if (t !== undefined) out[l] = t;
    });
    return out;
  });
  const fault: fc.Arbitrary<FaultContext | null> = fc.option(
    rec({ seq: fc.nat(), page: gfn, tables }),
    { nil: null },
  );
  const event: fc.Arbitrary<KernelEvent> = fc.oneof(
    rec({ ev: fc.constant('get_page' as const), line, page, created: fc.boolean(), fault }),
    rec({
      ev: fc.constant('set_spte' as const),
      line,
      gfn,
      level: fc.integer({ min: 1, max: 5 }),
      spte,
      w: fc.boolean(),
      x: fc.boolean(),
      u: fc.option(fc.boolean(), { nil: null }),
      at: gfn,
      fault,
    }),
    rec({ ev: fc.constantFrom('prepare_zap' as const, 'sync_page' as const), line, page }),
    rec({ ev: fc.constant('unsync_page' as const), line, page }),
    rec({ ev: fc.constant('zap_all_fast' as const), line, gen: u32, usedPages: u32 }),
    rec({
      ev: fc.constant('tdp_spte_changed' as const),
      line,
      asId: fc.integer({ min: 0, max: 1 }),
      gfn,
      level: fc.integer({ min: 1, max: 5 }),
      old: spte,
      new: spte,
      faultSeq: seq,
    }),
    rec({
      ev: fc.constant('split_huge_page' as const),
      line,
      gfn,
      level: fc.integer({ min: 1, max: 5 }),
      spte,
      errno: fc.integer({ min: -4095, max: 0 }),
    }),
    rec({ ev: fc.constant('page_fault' as const), line, seq: fc.nat() }),
    rec({
      ev: fc.constant('fast_page_fault' as const),
      line,
      faultSeq: seq,
      fixed: fc.boolean(),
      page: gfn,
      old: spte,
      new: spte,
    }),
    rec({ ev: fc.constant('gap' as const), line, lost: fc.option(fc.nat(), { nil: null }) }),
    rec({
      ev: fc.constant('kvm_stats' as const),
      line,
      scope: fc.constantFrom('vm' as const, 'vcpu0' as const, 'vcpus' as const),
      values: fc.array(rec({ name: fc.string(), value: fc.nat() }), { maxLength: 4 }),
    }),
  );

  it('gives back arbitrary events of every kind, in any order', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        const store = new KernelEventStore();
        for (const ev of events) store.push(ev);
        events.forEach((ev, i) => expect(store.get(i)).toStrictEqual(ev));
      }),
      { numRuns: 300 },
    );
  });
});
