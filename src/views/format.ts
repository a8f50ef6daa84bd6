/**
 * Number formats the panels share. Counts get thousands separators (262,144 SPTEs reads at a
 * glance, 262144 does not); bytes are binary units, since every size here is a power-of-two
 * multiple (4 KiB pages, 128-byte descriptors) and decimal kB would hide that.
 */
const counts = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return counts.format(n);
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

/** 184 → "184 B", 6144 → "6 KiB", 70912 → "69.3 KiB", 2109440 → "2.0 MiB", 2^30 → "1 GiB". */
export function formatBytes(n: number): string {
  if (Math.abs(n) < 1024) return `${formatCount(n)} B`;
  let v = n / 1024;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  // One decimal below 100, none above. Only an exact size drops the decimal: "2 MiB" would
  // claim that 515 pages (2.01 MiB) are exactly two.
  const text = Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) < 100 ? 1 : 0);
  return `${text} ${UNITS[u]}`;
}

/** Exact bytes for tooltips and screen readers: "70,912 bytes". */
export function exactBytes(n: number): string {
  return `${formatCount(n)} ${n === 1 ? 'byte' : 'bytes'}`;
}
