/**
 * Importing a trace file in Node: one pass through the parser into the model. The events of the
 * first MiB wait until that MiB has told the kernel and parameters, then everything replays as it
 * is read: memory follows the model's state, not the file's size. A trace.dat (plain or gzipped)
 * is read by the .dat reader; its kernel is the file's own (its uname option), and the rest is
 * sniffed from its first MiB of events as the kernel prints them (printEvent.ts).
 */
import type { KernelEvent } from './replay/kernelEvents';
import { installTraceReplay } from './replay/replayKernelEvent';
import { MmuWorld, replayEvent } from '../model/mmuOps';
import { DatTrace } from './dat/datReader';
import { fileKind, openDatFile, readTraceFile } from './nodeStream';
import { kernelText } from './printEvent';
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
  const kind = await fileKind(path);
  if (kind.dat) return importDatFile(path, kind.gzip, given);
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

/** A trace.dat: the same replay, its events straight from the records; throws DatError. */
async function importDatFile(
  path: string,
  gzip: boolean,
  given: ImportOptions,
): Promise<{ summary: ImportSummary; world: MmuWorld }> {
  const file = await openDatFile(path, gzip);
  try {
    const dat = await DatTrace.open(file.source, { kernel: given.kernel });
    const kernel = dat.info.kernel.value;
    let head = '';
    let started: { world: MmuWorld; settings: ImportSettings } | null = null;
    const waiting: KernelEvent[] = [];
    const start = () => {
      // The kernel is the file's; sniffTrace tells TDP, the TDP MMU and the host from the text.
      const sniffed = sniffTrace(head, { ...given, kernel });
      const settings = { ...sniffed, kernel: given.kernel ? sniffed.kernel : dat.info.kernel };
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
    const onEvent = imp.handlers.onEvent!;
    const parsed = await dat.read({
      ...imp.handlers,
      onEvent(e) {
        if (!started) {
          head += kernelText(e, kernel) + '\n';
          if (head.length >= SNIFF_BYTES) started = start();
        }
        onEvent(e);
      },
    });
    const { world, settings } = started ?? start();
    return { summary: importSummary(world, parsed, imp, settings), world };
  } finally {
    await file.close();
  }
}
