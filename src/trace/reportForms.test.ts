/**
 * The three files of each real run (test/traces/<kernel>/<run>/): trace.txt.gz (the kernel's
 * text), report.txt.gz (`trace-cmd report`, whose kvm plugin reprints the page and exit events)
 * and report-N.txt.gz (`trace-cmd report -N`, raw fields where libtraceevent cannot parse a print
 * fmt). The importer must tell the same settings from all three, a -N report must replay exactly
 * as the text does, and the plugin's report must give the same events, pages and checks, with
 * every page it names placed where the text places it (or flagged at its line).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MmuWorld } from '../model/mmuOps';
import type { TraceEvent } from './mmutraceFormats';
import { importTraceFile } from './nodeImport';
import { parseTraceFile } from './nodeStream';
import { installTraceReplay, replayKernelEvent } from './replay/replayKernelEvent';
import type { ImportSummary } from './traceImport';
import { importKernelOptions, sniffTrace, SNIFF_BYTES, TraceImport } from './traceImport';
import { TraceParser } from './traceParser';

const ROOT = new URL('../../test/traces/', import.meta.url);
const RUNS = readdirSync(ROOT)
  .filter((d) => /^linux-\d/.test(d))
  .flatMap((k) => readdirSync(new URL(`${k}/`, ROOT)).map((name) => `${k}/${name}`));
const FORMS = ['trace.txt.gz', 'report.txt.gz', 'report-N.txt.gz'] as const;

const pathOf = (run: string, file: string) => new URL(`${run}/${file}`, ROOT).pathname;
const textOf = (run: string, file: string) =>
  gunzipSync(readFileSync(pathOf(run, file))).toString('utf8');

/** An event as the text gives it, without its place in the file and what its form leaves out. */
function comparable(e: TraceEvent, unprinted: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = { ...e };
  for (const k of ['line', 'text', 'unprinted', ...unprinted]) delete out[k];
  // trace-cmd prints the raw pointer (glibc's %p), the kernel a hashed one.
  if (e.event === 'fast_page_fault') {
    delete out.sptepHi;
    delete out.sptepLo;
  }
  return out;
}

async function eventsOf(run: string, file: string) {
  const events: TraceEvent[] = [];
  const markers: string[] = [];
  const summary = await parseTraceFile(pathOf(run, file), {
    onEvent: (e) => events.push(e),
    onMarker: (m) => markers.push(m.text),
  });
  return { events, markers, summary };
}

/** Every kernel event's replay summary, in order: which page each line was replayed on. */
function opSummaries(run: string, file: string): string[] {
  const text = textOf(run, file);
  const settings = sniffTrace(text.slice(0, SNIFF_BYTES));
  const world = new MmuWorld(
    { memslots: [], vcpus: 1, rmapHeads: 0 },
    importKernelOptions(settings),
  );
  const state = installTraceReplay(world);
  const out: string[] = [];
  const imp = new TraceImport((ev) => {
    world.vm.opIndex++;
    out.push(`${ev.ev}: ${replayKernelEvent(world.vm, state, ev)}`);
  });
  const p = new TraceParser(imp.handlers);
  p.push(text);
  p.end();
  return out;
}

/** What a replay concluded, without line numbers (the forms' headers differ in length). */
function outcome(s: ImportSummary) {
  const noLines = (t: string) => t.replace(/line \d+/g, 'line N');
  return {
    events: s.events,
    pages: s.pages,
    usedPages: s.usedPages.map((u) => [u.kernel, u.model]),
    kernelStats: s.kernelStats.map((k) => [k.scope, k.name, k.kernel, k.model, k.agrees]),
    kernelStatsChecked: s.kernelStatsChecked,
    contradictions: s.contradictions.map((c) => [c.fn, noLines(c.message)]),
    inferences: s.inferences.byKind,
    rmaps: s.rmaps,
    teardown: s.teardown,
  };
}

it('holds the three forms of every run', () => {
  expect(RUNS).toHaveLength(14);
  for (const run of RUNS)
    for (const f of FORMS) expect(() => readFileSync(pathOf(run, f))).not.toThrow();
});

describe.each(RUNS)('%s', (run) => {
  it('tells the same kernel and parameters, and how it knew each, from all three forms', () => {
    const [text, ...reports] = FORMS.map((f) => sniffTrace(textOf(run, f).slice(0, SNIFF_BYTES)));
    for (const r of reports)
      for (const key of ['kernel', 'tdp', 'tdpMmu', 'host'] as const)
        expect([key, r[key].value, r[key].how]).toEqual([key, text![key].value, text![key].how]);
    expect(text!.host).toMatchObject({ value: 'amd', how: 'seen' });
  });

  it('report -N gives the very events of the text; the plugin all but what it leaves out', async () => {
    const text = await eventsOf(run, 'trace.txt.gz');
    const raw = await eventsOf(run, 'report-N.txt.gz');
    const plugin = await eventsOf(run, 'report.txt.gz');
    expect(raw.summary.rawLines).toBeGreaterThan(0);
    expect(plugin.summary.pluginLines).toBeGreaterThan(0);
    for (const form of [raw, plugin]) {
      expect(form.markers).toEqual(text.markers);
      expect(form.summary.counts).toEqual(text.summary.counts);
      expect(form.events).toHaveLength(text.events.length);
    }
    raw.events.forEach((e, i) => expect(comparable(e)).toEqual(comparable(text.events[i]!)));
    plugin.events.forEach((e, i) => {
      // kvm_exit's reason is the plugin's own name for the same code ("EXIT_NPF" for "npf").
      const lost = [...(e.unprinted ?? []), ...(e.event === 'kvm_exit' ? ['reason'] : [])];
      const want = comparable(text.events[i]!, lost);
      const got = comparable(e, lost);
      // The plugin's kvm_exit has no requests field (6.14+) either.
      if (e.event === 'kvm_exit') {
        delete want.requestsHi;
        delete want.requestsLo;
      }
      expect(got).toEqual(want);
    });
  });

  it('replays report -N exactly as the text', async () => {
    const text = (await importTraceFile(pathOf(run, 'trace.txt.gz'))).summary;
    const raw = (await importTraceFile(pathOf(run, 'report-N.txt.gz'))).summary;
    expect(outcome(raw)).toEqual(outcome(text));
    expect(opSummaries(run, 'report-N.txt.gz')).toEqual(opSummaries(run, 'trace.txt.gz'));
  });

  it("replays the plugin's report with the same events, pages and checks, each page where the text has it", async () => {
    const text = outcome((await importTraceFile(pathOf(run, 'trace.txt.gz'))).summary);
    const s = (await importTraceFile(pathOf(run, 'report.txt.gz'))).summary;
    const plugin = outcome(s);
    // What the plugin left out is inferred, each inference of its own kind; nothing else differs.
    const { plugin: placed = 0, ...others } = plugin.inferences as Record<string, number>;
    expect(placed).toBeGreaterThan(0);
    expect({ ...plugin, inferences: others }).toEqual(text);
    // No line was left unplaced, and every page a gfn-less line names is the text's own.
    expect(s.contradictions.filter((c) => /kvm plugin/.test(c.message))).toEqual([]);
    expect(opSummaries(run, 'report.txt.gz')).toEqual(opSummaries(run, 'trace.txt.gz'));
  });
});
