/**
 * Importing a trace file in Node: one pass through the parser into the model. The events of the
 * first MiB wait until that MiB has told the kernel and parameters, then everything replays as it
 * is read: memory follows the model's state, not the file's size.
 */
import type { KernelEvent } from './replay/kernelEvents';
import { installTraceReplay } from './replay/replayKernelEvent';
import { MmuWorld, replayEvent } from '../model/mmuOps';
import { readTraceFile } from './nodeStream';
import {
  importKernelOptions,
  importSpteLayout,
  importSummary,
  sniffTrace,
  SNIFF_BYTES,
  TraceImport,
  type ImportOptions,
  type ImportSettings,
  type ImportSummary,
} from './traceImport';
import { TraceParser } from './traceParser';

/** Replays a trace file through a fresh model; throws TraceParseError on a malformed line. */
export async function importTraceFile(
  path: string,
  given: ImportOptions = {},
): Promise<{ summary: ImportSummary; world: MmuWorld }> {
  let head = '';
  let started: { world: MmuWorld; settings: ImportSettings } | null = null;
  const waiting: KernelEvent[] = [];
  const start = () => {
    const settings = sniffTrace(head.slice(0, SNIFF_BYTES), given);
    const world = new MmuWorld(
      { memslots: [], vcpus: 1, rmapHeads: 0 },
      importKernelOptions(settings),
    );
    installTraceReplay(world, importSpteLayout(settings));
    for (const ev of waiting) replayEvent(world, ev);
    waiting.length = 0;
    return { world, settings };
  };
  const imp = new TraceImport((ev) => {
    if (started) replayEvent(started.world, ev);
    else waiting.push(ev);
  });
  const parser = new TraceParser(imp.handlers);
  const parsed = await readTraceFile(path, {
    push(chunk) {
      parser.push(chunk);
      if (started) return;
      head += chunk;
      if (head.length >= SNIFF_BYTES) started = start();
    },
    end() {
      const s = parser.end();
      started ??= start();
      return s;
    },
  });
  const { world, settings } = started ?? start();
  return { summary: importSummary(world, parsed, imp, settings), world };
}
