/**
 * kernelText prints an event back as its kernel printed it: every event line of every real run
 * (each trace.txt.gz under ../shared/traces/real/) comes out of the parser and back to the same text.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { resolveKernelRelease } from '../model/kernelVersions';
import type { TraceEvent } from './mmutraceFormats';
import { kernelText } from './printEvent';
import { TraceParser } from './traceParser';

const REAL = new URL('../../../shared/traces/real/', import.meta.url);
const RUNS = existsSync(REAL)
  ? readdirSync(REAL)
      .filter((k) => k.startsWith('linux-'))
      .flatMap((k) => readdirSync(new URL(`${k}/`, REAL)).map((run) => `${k}/${run}`))
  : [];

describe.skipIf(RUNS.length === 0)('kernelText', () => {
  it.each(RUNS)('%s: prints every event as its line', (run) => {
    const kernel = resolveKernelRelease(run.split('/')[0]!.slice('linux-'.length)).version;
    const events: (TraceEvent & { text?: string })[] = [];
    const p = new TraceParser({ withText: true, onEvent: (e) => events.push(e) });
    p.push(gunzipSync(readFileSync(new URL(`${run}/trace.txt.gz`, REAL))).toString('utf8'));
    p.end();
    expect(events.length).toBeGreaterThan(1000);
    for (const e of events) {
      const line = e.text!;
      const body = line.slice(line.indexOf(`: ${e.event}: `) + 2).trimEnd();
      expect(kernelText(e, kernel).trimEnd()).toBe(body); // "pferr 0 ": empty flags
    }
  });
});
