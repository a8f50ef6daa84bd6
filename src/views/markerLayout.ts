/**
 * Where the scrubber's marker labels go. A trace's markers are the VMM's `tracing_mark_write`
 * lines ("realtrace: guest phase 2 done"): long, and bunched where the VMM did several things
 * between two MMU events (at the start, at teardown). So markers closer than a few pixels share
 * one tick ("guest HLT +4"); labels start at their tick (or end at it, near the right end) and
 * go in a few rows without overlapping, the one the position
 * is in first, then the nearest to it, so the labels around where the user looks are the ones
 * shown; a label that finds no room is a tick only (every marker is still in the marker list).
 * Pure: the component measures the width, this decides.
 */

export interface Marker {
  position: number;
  label: string;
}

export interface PlacedMarker {
  /** Where a click goes: the first marker of the tick. */
  position: number;
  /** 0..1 along the track. */
  at: number;
  /** The full labels of the markers at this tick, in order. */
  labels: string[];
  /** The label's row, or null when it found no room (a tick only). */
  row: number | null;
  /** The label as shown (the common tag dropped, long ones cut with "…", "+k" for the rest). */
  text: string;
  /** Left edge of the label, px from the track's left (meaningful when row is set). */
  left: number;
  /**
   * The label starts at its tick and runs right, or (near the right end) ends at it: either way
   * one edge of the label is on the tick, so the two read as one.
   */
  align: 'start' | 'end';
  /** The tick the position is at or after: the phase the shown step is in. */
  current: boolean;
}

export interface MarkerLayoutOptions {
  /** Track width in px (0 before it is measured: ticks only). */
  width: number;
  /** Positions run 0..total. */
  total: number;
  /** The shown position. */
  position: number;
  /** Rows of labels. */
  rows?: number;
  /** Average width of a label character, px. */
  charPx?: number;
  /** Longest label, in characters, before it is cut. */
  maxChars?: number;
  /** Shortest cut, in characters: below this a label says too little to be worth its room. */
  minChars?: number;
  /** Markers closer than this share a tick. */
  clusterPx?: number;
  /** Room between two labels of a row, px (and a label's own padding). */
  gapPx?: number;
}

/**
 * A tag every label starts with ("realtrace: ", the VMM's), dropped on the scrubber: it says
 * nothing there. Empty when the labels do not all share one.
 */
export function commonTag(labels: string[]): string {
  if (labels.length === 0) return '';
  const m = /^[\w.-]{1,24}: /.exec(labels[0]!);
  if (!m) return '';
  const tag = m[0];
  return labels.every((l) => l.startsWith(tag) && l.length > tag.length) ? tag : '';
}

/** `label` without `tag`, cut to `max` characters with "…". */
export function shortLabel(label: string, tag: string, max: number): string {
  const s = tag && label.startsWith(tag) ? label.slice(tag.length) : label;
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1)).trimEnd()}…`;
}

/** The markers grouped into ticks, and their common tag: all that does not move with the position. */
export interface MarkerTicks {
  ticks: { position: number; at: number; labels: string[] }[];
  tag: string;
}

export function markerTicks(
  markers: Marker[],
  { width, total, clusterPx = 6 }: Pick<MarkerLayoutOptions, 'width' | 'total' | 'clusterPx'>,
): MarkerTicks {
  const sorted = [...markers].sort((a, b) => a.position - b.position);
  const tag = commonTag(sorted.map((m) => m.label));
  const frac = (p: number) => (total > 0 ? Math.min(1, Math.max(0, p / total)) : 0);
  // Ticks: markers within clusterPx of a tick's first marker join it.
  const ticks: MarkerTicks['ticks'] = [];
  for (const m of sorted) {
    const at = frac(m.position);
    const last = ticks[ticks.length - 1];
    if (last && (at - last.at) * width < clusterPx) last.labels.push(m.label);
    else ticks.push({ position: m.position, at, labels: [m.label] });
  }
  return { ticks, tag };
}

/**
 * `markers`, or their ticks as markerTicks made them for the same width and total (a trace has
 * thousands of markers: the component groups them once, not at every step).
 */
export function layoutMarkers(
  markers: Marker[] | MarkerTicks,
  opts: MarkerLayoutOptions,
): PlacedMarker[] {
  const {
    width,
    total,
    position,
    rows = 2,
    charPx = 6,
    maxChars = 30,
    minChars = 10,
    gapPx = 10,
  } = opts;
  const { ticks, tag } = Array.isArray(markers) ? markerTicks(markers, opts) : markers;
  const frac = (p: number) => (total > 0 ? Math.min(1, Math.max(0, p / total)) : 0);

  let cur = -1;
  ticks.forEach((t, i) => {
    if (t.position <= position) cur = i;
  });
  const placed: PlacedMarker[] = ticks.map((t, i) => ({
    ...t,
    row: null,
    text: labelText(t.labels, tag, maxChars),
    left: 0,
    align: 'start' as const,
    current: i === cur,
  }));
  if (width <= 0) return placed;

  // The current tick first, then outwards from the position, earlier first on a tie.
  const x = frac(position) * width;
  const order = placed
    .map((p, i) => i)
    .sort((a, b) => {
      if (a === cur) return -1;
      if (b === cur) return 1;
      const d = Math.abs(placed[a]!.at * width - x) - Math.abs(placed[b]!.at * width - x);
      return d !== 0 ? d : a - b;
    });
  const taken: [number, number][][] = Array.from({ length: rows }, () => []);
  for (const i of order) {
    const p = placed[i]!;
    for (let chars = maxChars; chars >= minChars && p.row === null; chars -= 4) {
      const text = labelText(p.labels, tag, chars);
      const w = text.length * charPx + gapPx;
      if (w > width) continue;
      const x0 = p.at * width;
      const align = x0 + w <= width ? 'start' : 'end';
      const left = align === 'start' ? x0 : Math.max(0, x0 - w);
      const row = taken.findIndex((spans) => spans.every(([a, b]) => left >= b || left + w <= a));
      if (row < 0) continue;
      taken[row]!.push([left, left + w]);
      p.row = row;
      p.text = text;
      p.left = left;
      p.align = align;
    }
  }
  return placed;
}

/** One marker's short label, or the first of several with "+k". */
function labelText(labels: string[], tag: string, max: number): string {
  const more = labels.length > 1 ? ` +${labels.length - 1}` : '';
  return shortLabel(labels[0]!, tag, max - more.length) + more;
}
