/**
 * The size of every file the custom element build leaves in dist/embed, raw and gzipped: the
 * element's script is what a docs page loads up front (budget: 150 KB gzip), its worker chunk
 * only once a widget scrolls into view. Reads the last build; run `npm run build` first.
 */
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

/** Prints the table and returns the entries for bench/results.json ("embed:<file>"). */
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
  return out;
}
