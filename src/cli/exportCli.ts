/**
 * The export command's work: arguments, the scenario (a file or a preset), the step, the SVG.
 * Every failure is one clear line and a non-zero exit: 2 for a wrong command line, 1 for a
 * scenario or step that does not work.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { isKernelVersion, KERNEL_VERSIONS } from '../model/kernelVersions';
import { PRESETS } from '../scenario/presets';
import { MmuSession, type Source } from '../worker/mmuSession';
import { EXPORT_VIEWS, exportSvg, type ExportCss, type ExportView } from './exportSvg';
import { paletteOf, type ExportTheme } from './exportTheme';

export interface Io {
  /** The SVG (or the PNG's bytes), when there is no --out. */
  out(data: string | Uint8Array): void;
  err(line: string): void;
}

const USAGE =
  'usage: npm run export -- <scenario.json | --preset NAME> [--step N] ' +
  `[--view ${EXPORT_VIEWS.join('|')}] [--kernel VERSION] [--format svg|png] [--theme light|dark] ` +
  '[--out FILE] [--width PX]';

class Failure extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

const usage = (msg: string) => new Failure(`${msg}\n${USAGE}`, 2);

export async function runExport(argv: string[], io: Io): Promise<number> {
  try {
    await exportOnce(argv, io);
    return 0;
  } catch (e) {
    if (!(e instanceof Failure)) throw e;
    io.err(`export: ${e.message}`);
    return e.code;
  }
}

async function exportOnce(argv: string[], io: Io): Promise<void> {
  const args = readArgs(argv);
  const session = new MmuSession();
  const loaded = await session.load(args.source);
  if (!loaded.ok) {
    const problems = 'problems' in loaded ? loaded.problems : [];
    const lines = problems
      .slice(0, 20)
      .map((p) => `  ${p.path}${p.line ? ` (line ${p.line})` : ''}: ${p.message}`);
    throw new Failure([`${args.what} is not a scenario that loads:`, ...lines].join('\n'), 1);
  }
  const { total } = loaded.info;
  const step = args.step ?? total;
  if (step > total) {
    throw new Failure(`--step ${step} is past the end: ${args.what} has steps 0 to ${total}`, 1);
  }
  const snapshot = await session.snapshot(step, {
    chain: { kind: 'focus' },
    tree: args.view === 'tree',
  });
  const svg = exportSvg(snapshot, args.view, readCss(), args.width, args.theme);
  const data = args.format === 'png' ? toPng(svg) : svg;
  if (!args.out) return io.out(data);
  try {
    writeFileSync(args.out, data);
  } catch (e) {
    throw new Failure(`cannot write ${args.out}: ${(e as Error).message}`, 1);
  }
  io.err(`wrote ${args.out}: ${args.view} of ${args.what} at step ${step} of ${total}`);
}

/**
 * The SVG drawn to a PNG by rsvg-convert (librsvg): the renderer of GNOME, ImageMagick and the
 * kernel's docs build, so the PNG is what those pipelines make of the SVG. $RSVG_CONVERT names
 * another binary (the tests use it for the missing case).
 */
function toPng(svg: string): Uint8Array {
  const bin = process.env.RSVG_CONVERT || 'rsvg-convert';
  const r = spawnSync(bin, ['--format', 'png'], { input: svg, maxBuffer: 1 << 30 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new Failure(
        `--format png needs rsvg-convert, which is not installed (Debian: apt-get install librsvg2-bin)`,
        1,
      );
    throw new Failure(`rsvg-convert failed: ${r.error.message}`, 1);
  }
  if (r.status !== 0) {
    const why = r.stderr.toString().trim().split('\n')[0] || `exit status ${r.status}`;
    throw new Failure(`rsvg-convert failed: ${why}`, 1);
  }
  return new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength);
}

interface Args {
  source: Source;
  /** How messages name the scenario. */
  what: string;
  step?: number;
  view: ExportView;
  format: 'svg' | 'png';
  theme: ExportTheme;
  out?: string;
  width: number;
}

function readArgs(argv: string[]): Args {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    throw usage((e as Error).message);
  }
  const { values: v, positionals } = parsed;
  const view = v.view ?? 'chain';
  if (!isView(view)) throw usage(`--view ${view}: one of ${EXPORT_VIEWS.join(', ')}`);
  const format = v.format ?? 'svg';
  if (format !== 'svg' && format !== 'png') throw usage(`--format ${format}: svg or png`);
  const theme = v.theme ?? 'light';
  if (theme !== 'light' && theme !== 'dark') throw usage(`--theme ${theme}: light or dark`);
  const width = v.width === undefined ? 960 : Number(v.width);
  if (!Number.isInteger(width) || width < 320) throw usage(`--width ${v.width}: 320 or more`);
  if (v.step !== undefined && !/^\d+$/.test(v.step))
    throw usage(`--step ${v.step}: a step number (0 or more)`);
  const out: Args = { ...readSource(v.preset, positionals), view, format, theme, width };
  if (v.kernel !== undefined) {
    if (!isKernelVersion(v.kernel))
      throw usage(`--kernel ${v.kernel}: one of ${KERNEL_VERSIONS.join(', ')}`);
    out.source = { ...out.source, kernel: v.kernel };
  }
  if (v.step !== undefined) out.step = Number(v.step);
  if (v.out) out.out = v.out;
  return out;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      preset: { type: 'string' },
      step: { type: 'string' },
      view: { type: 'string' },
      out: { type: 'string' },
      width: { type: 'string' },
      kernel: { type: 'string' },
      format: { type: 'string' },
      theme: { type: 'string' },
    },
  });
}

function isView(view: string): view is ExportView {
  return (EXPORT_VIEWS as readonly string[]).includes(view);
}

function readSource(preset: string | undefined, files: string[]): Pick<Args, 'source' | 'what'> {
  if (preset !== undefined) {
    if (files.length) throw usage('give a scenario file or --preset, not both');
    if (!PRESETS.some((p) => p.name === preset))
      throw usage(`no preset named "${preset}"; presets: ${PRESETS.map((p) => p.name).join(', ')}`);
    return { source: { preset }, what: `preset ${preset}` };
  }
  if (files.length !== 1) throw usage('give one scenario file, or --preset NAME');
  const file = files[0]!;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Failure(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code}`, 1);
  }
  return { source: { text, name: basename(file, '.json') }, what: file };
}

/** The stylesheets, read beside this file's sources (src/). */
function readCss(): ExportCss {
  const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
  const palette = paletteOf(read('../app.css'));
  return {
    chain: palette + '\n' + read('../views/ChainView.css'),
    tree: read('../views/tree/TreeSvg.css'),
    caches: palette,
  };
}
