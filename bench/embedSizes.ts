/**
 * The size of every file the custom element build leaves in dist/embed, raw and gzipped: the
 * element's script is what a docs page loads up front (budget: 150 KB gzip), its worker chunk
 * only once a widget scrolls into view. Reads the last build; run `npm run build` first. Then the
 * npm package's size, packed and unpacked, as `npm pack` reports it, once `npm run
 * build:package` has built what it holds.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

/** 150 KiB. */
export const ELEMENT_BUDGET_GZIP = 150 * 1024;

export interface EmbedFileSize {
  /** Path under dist/embed, content hash left out so runs compare across builds. */
  name: string;
  bytes: number;
  gzipBytes: number;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Null when there is no build to measure. */
export function embedSizes(dir = 'dist/embed'): EmbedFileSize[] | null {
  if (!existsSync(dir)) return null;
  return filesUnder(dir)
    .sort()
    .map((path) => {
      const data = readFileSync(path);
      return {
        name: relative(dir, path).replace(/-[\w-]{8}(\.\w+)$/, '$1'),
        bytes: data.length,
        // Default level: what a web server sends.
        gzipBytes: gzipSync(data).length,
      };
    });
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`.padStart(10);

export interface PackageSize {
  /** The .tgz npm would publish. */
  packedBytes: number;
  unpackedBytes: number;
  files: number;
}

/** What the package's own build adds to dist/ (`npm run build` alone leaves it out). */
const PACKAGE_DIRS = ['dist/package', 'dist/types', 'dist/iframe'];

/** Null when the package is not built; its files as they are (no prepack build). */
export function packageSize(): PackageSize | null {
  if (!PACKAGE_DIRS.every((d) => existsSync(d))) return null;
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [entry] = JSON.parse(out) as { size: number; unpackedSize: number; entryCount: number }[];
  if (!entry) throw new Error('npm pack --dry-run --json printed no package');
  return { packedBytes: entry.size, unpackedBytes: entry.unpackedSize, files: entry.entryCount };
}

/**
 * Prints the tables and returns the entries for bench/results.json ("embed:<file>", and
 * "package" with bytes unpacked and gzipBytes packed: the tarball is the gzip of its files).
 */
export function reportEmbedSizes(): Record<string, { bytes: number; gzipBytes: number }> {
  const sizes = embedSizes();
  if (!sizes) {
    console.log('embed sizes: dist/embed not built (npm run build), left out');
    return {};
  }
  console.log('embed sizes (dist/embed):');
  const out: Record<string, { bytes: number; gzipBytes: number }> = {};
  for (const s of sizes) {
    const budget =
      s.name === 'kvm-mmu-viz.js'
        ? `  (budget ${kb(ELEMENT_BUDGET_GZIP).trim()} gzip: ${s.gzipBytes <= ELEMENT_BUDGET_GZIP ? 'ok' : 'OVER'})`
        : '';
    console.log(`  ${s.name.padEnd(26)} ${kb(s.bytes)} raw ${kb(s.gzipBytes)} gzip${budget}`);
    out[`embed:${s.name}`] = { bytes: s.bytes, gzipBytes: s.gzipBytes };
  }
  const pkg = packageSize();
  if (!pkg) {
    console.log('package size: not built (npm run build:package), left out');
    return out;
  }
  console.log(
    `npm package: ${kb(pkg.packedBytes).trim()} packed, ${kb(pkg.unpackedBytes).trim()} unpacked, ${pkg.files} files`,
  );
  out.package = { bytes: pkg.unpackedBytes, gzipBytes: pkg.packedBytes };
  return out;
}
