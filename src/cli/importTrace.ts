/**
 * npm run import -- <trace[.gz]> [--kernel VERSION] [--tdp on|off] [--tdp-mmu on|off]
 *   [--ept on|off] [--host intel|amd] [--json]
 * --ept on|off is kvm_intel's parameter: --tdp on|off on an Intel host, whose TDP SPTEs have EPT's
 * layout (R/W/X in bits 0-2, A/D in 8-9); --host says the CPU alone (shadow paging is the x86
 * layout on either). Without them the host is told from kvm_exit's reasons, or assumed AMD.
 * Replays a kvmmmu trace (tracefs or trace-cmd report text, plain or gzip) through the model and
 * prints a summary, or with --json one document (src/trace/traceImport.ts ImportSummary). Exit
 * status: 0 when the replay agrees with the kernel's own numbers, 1 on any contradiction, 2 on a
 * parse error or bad arguments.
 */
import { err, out, outJson } from './terminal';
import { parseArgs } from 'node:util';
import { KERNEL_VERSIONS } from '../model/kernelVersions';
import { importTraceFile } from '../trace/nodeImport';
import { TraceParseError } from '../trace/traceErrors';
import { parseKernelFlag, type ImportOptions, type ImportSummary } from '../trace/traceImport';
import { OUTSIDE_MMU } from '../trace/replay/kvmStats';
import { spteLayoutOf } from '../trace/replay/spteBits';

// A reader that stops early (`| head`) closes the pipe: that ends the output, it is no error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

function usage(msg?: string): never {
  if (msg) err(msg);
  err(
    'usage: npm run import -- <trace[.gz]> [--kernel VERSION] [--tdp on|off] [--tdp-mmu on|off]\n' +
      '         [--ept on|off] [--host intel|amd] [--json]\n' +
      '  --ept on|off: kvm_intel ept=1/0, the same as --tdp on|off and --host intel',
  );
  process.exit(2);
}

function onOff(name: string, v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === 'on' || v === 'off') return v === 'on';
  usage(`--${name} ${v}: on or off`);
}

let cli: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      kernel: { type: 'string' },
      tdp: { type: 'string' },
      'tdp-mmu': { type: 'string' },
      ept: { type: 'string' },
      host: { type: 'string' },
    },
  });
}
try {
  cli = parse();
} catch (e) {
  usage((e as Error).message);
}
const { values, positionals } = cli;
if (positionals.length !== 1) usage();
const path = positionals[0]!;
const given: ImportOptions = {};
if (values.kernel !== undefined) {
  try {
    // Any release (7.3, 6.6.12, 7.3.4+deb13-amd64 as uname -r prints it): the newest modelled at or below it.
    given.kernel = parseKernelFlag(values.kernel);
  } catch (e) {
    usage(`${(e as Error).message} (modelled: ${KERNEL_VERSIONS.join(', ')})`);
  }
}
const tdp = onOff('tdp', values.tdp);
const tdpMmu = onOff('tdp-mmu', values['tdp-mmu']);
if (tdp !== undefined) given.tdp = tdp;
if (tdpMmu !== undefined) given.tdpMmu = tdpMmu;
const ept = onOff('ept', values.ept);
if (values.host !== undefined && values.host !== 'intel' && values.host !== 'amd')
  usage(`--host ${values.host}: intel or amd`);
if (ept !== undefined) {
  if (tdp !== undefined && tdp !== ept)
    usage(`--ept ${values.ept} contradicts --tdp ${values.tdp}`);
  if (values.host === 'amd') usage("--ept is kvm_intel's parameter: not with --host amd");
  given.ept = ept;
}
if (values.host !== undefined) given.host = values.host;

let summary: ImportSummary;
try {
  summary = (await importTraceFile(path, given)).summary;
} catch (e) {
  if (e instanceof TraceParseError) {
    err(`${path}: ${e.message}`);
    process.exit(2);
  }
  err(`${path}: ${(e as Error).message}`);
  process.exit(2);
}

if (values.json) outJson(summary);
else printSummary(path, summary);
// exitCode, not exit(): a JSON document larger than a pipe's buffer must be written out first.
process.exitCode = summary.contradictions.length > 0 ? 1 : 0;

function printSummary(file: string, s: ImportSummary): void {
  const setting = (name: string, v: { value: unknown; how: string; why: string }) =>
    `${name} ${String(v.value)} (${v.how}: ${v.why})`;
  out(`${file}: ${s.lines} lines, ${s.replayed} events replayed`);
  out(`  ${setting('kernel', s.kernel)}`);
  out(`  ${setting('tdp', s.tdp)}; ${setting('tdp_mmu', s.tdpMmu)}`);
  const layout = spteLayoutOf(s.host.value, s.tdp.value);
  out(`  ${setting('host', s.host)}; SPTEs read in the ${layout} layout`);
  const events = Object.entries(s.events)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  out(`  events: ${events}`);
  if (Object.keys(s.skipped).length)
    out(
      `  skipped: ${Object.entries(s.skipped)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
  out(`  markers: ${s.markers.length}; lost: ${s.lost.events} event(s) in ${s.lost.gaps} gap(s)`);
  const p = s.pages;
  out(
    `  pages: ${p.created} created, ${p.reused} reused, ${p.zapped} zapped, ${p.live} live (+${p.liveTdpMmu} TDP MMU)`,
  );
  for (const u of s.usedPages)
    out(
      `  line ${u.line}: kvm_mmu_zap_all_fast used_pages ${u.kernel} (kernel), ${u.model} (model) ${u.kernel === u.model ? 'agree' : 'DISAGREE'}`,
    );
  const k = s.kernelStatsChecked;
  if (k.total > 0)
    out(
      `  KVM statistics: ${k.total} values checked at kvm-stats lines, ${k.agree} agree; not modelled: ${
        s.notModelled
          .filter((n) => n.why !== OUTSIDE_MMU)
          .map((n) => n.name)
          .join(', ') || 'none'
      } (and ${s.notModelled.filter((n) => n.why === OUTSIDE_MMU).length} outside the MMU)`,
    );
  const r = s.rmaps;
  out(
    `  rmaps: peak ${r.peak.heads} heads, longest ${r.peak.maxChain}, ${r.peak.descriptors} descriptors; at the end ${r.end.heads} / ${r.end.maxChain} / ${r.end.descriptors}`,
  );
  out(`  teardown: ${s.teardown.note}`);
  const kinds = Object.entries(s.inferences.byKind)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  out(`  inferred (not in the trace): ${s.inferences.total} (${kinds})`);
  if (s.contradictions.length === 0)
    out('  no contradiction: the replay agrees with the kernel’s own numbers');
  for (const c of s.contradictions) out(`  CONTRADICTION line ${c.line}: ${c.message}`);
}
