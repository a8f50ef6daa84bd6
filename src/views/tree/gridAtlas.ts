/**
 * Every page's 512 entries as 32 x 16 pixels of one atlas bitmap, a pixel per entry in its kind's
 * colour. The canvas then draws a page's grid with one scaled drawImage (crisp cells when zoomed
 * in, the kinds' average when zoomed out) instead of 512 rectangles: 8,210 pages are 4.2 million
 * cells, far too many to fill one by one at 30 frames a second.
 */
import { GRID_COLS, GRID_ROWS } from './treeLayout';

const PER_PAGE = GRID_COLS * GRID_ROWS;
const PER_ROW = 64;
/** 64 x 256 pages = a 2048 x 4096 bitmap (32 MiB). Past that, pages get their average colour. */
export const ATLAS_CAPACITY = PER_ROW * 256;

export interface GridAtlas {
  image: HTMLCanvasElement | null;
  /** Source rectangle of page n's grid in `image`, or null past the capacity. */
  source(n: number): [number, number] | null;
  /** Page n's entry colours mixed by count, as a CSS colour: what a tiny page shows. */
  average: string[];
}

/** `colors` per entry kind (ENTRY_EMPTY .. ENTRY_LINK), as [r, g, b]. */
export function buildAtlas(
  entries: Uint8Array,
  pages: number,
  colors: [number, number, number][],
): GridAtlas {
  const average: string[] = [];
  const counts = [0, 0, 0, 0];
  for (let n = 0; n < pages; n++) {
    counts.fill(0);
    for (let i = n * PER_PAGE; i < (n + 1) * PER_PAGE; i++) counts[entries[i]!]!++;
    let r = 0;
    let g = 0;
    let b = 0;
    for (let k = 0; k < 4; k++) {
      const c = colors[k]!;
      r += c[0] * counts[k]!;
      g += c[1] * counts[k]!;
      b += c[2] * counts[k]!;
    }
    average.push(
      `rgb(${Math.round(r / PER_PAGE)},${Math.round(g / PER_PAGE)},${Math.round(b / PER_PAGE)})`,
    );
  }

  const inAtlas = Math.min(pages, ATLAS_CAPACITY);
  const source = (n: number): [number, number] | null =>
    n < inAtlas ? [(n % PER_ROW) * GRID_COLS, Math.floor(n / PER_ROW) * GRID_ROWS] : null;
  if (inAtlas === 0 || typeof document === 'undefined') return { image: null, source, average };

  const image = document.createElement('canvas');
  image.width = PER_ROW * GRID_COLS;
  image.height = Math.ceil(inAtlas / PER_ROW) * GRID_ROWS;
  const ctx = image.getContext('2d')!;
  const data = ctx.createImageData(image.width, image.height);
  const px = new Uint32Array(data.data.buffer);
  // ImageData is RGBA in memory: on little-endian hosts (all browsers' targets) one u32 = ABGR.
  const packed = colors.map(([r, g, b]) => ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0);
  for (let n = 0; n < inAtlas; n++) {
    const [sx, sy] = source(n)!;
    for (let row = 0; row < GRID_ROWS; row++) {
      const src = n * PER_PAGE + row * GRID_COLS;
      const dst = (sy + row) * image.width + sx;
      for (let c = 0; c < GRID_COLS; c++) px[dst + c] = packed[entries[src + c]!]!;
    }
  }
  ctx.putImageData(data, 0, 0);
  return { image, source, average };
}
