/**
 * A legend row drawn in SVG (an exported picture has no HTML to wrap text for it): each item a
 * key and its words, laid left to right and wrapped to the width. Text is monospace so that its
 * width is known without measuring (0.6 em a character, DejaVu Sans Mono and its kin).
 */
import type { ReactNode } from 'react';

export const LEGEND_FONT = 11.5;
/** The width of `n` characters of legend text. */
export const legendChars = (n: number) => n * 0.6 * LEGEND_FONT;
export const LEGEND_LINE = 18;
const KEY_W = 14;
const GAP = 18;

export interface LegendItem {
  /** Draws the key in a 14×12 box at (x, y), its top left. */
  key: (x: number, y: number) => ReactNode;
  text: string;
  /** The key's width, when it is not the 14 px box (a word, as the chain's "new"). */
  keyW?: number;
}

export function legendHeight(items: readonly LegendItem[], width: number): number {
  return placeLegend(items, width).lines * LEGEND_LINE;
}

function placeLegend(items: readonly LegendItem[], width: number) {
  let x = 0;
  let line = 0;
  const at = items.map((item) => {
    const w = (item.keyW ?? KEY_W) + 4 + legendChars(item.text.length);
    if (x > 0 && x + w > width) {
      x = 0;
      line++;
    }
    const p = { item, x, line };
    x += w + GAP;
    return p;
  });
  return { at, lines: items.length ? line + 1 : 0 };
}

/** The legend with its first line's top at y. */
export function SvgLegend({
  items,
  x,
  y,
  width,
}: {
  items: readonly LegendItem[];
  x: number;
  y: number;
  width: number;
}) {
  return (
    <g className="x-legend" aria-hidden="true">
      {placeLegend(items, width).at.map(({ item, x: dx, line }) => {
        const top = y + line * LEGEND_LINE + 2;
        return (
          <g key={item.text}>
            {item.key(x + dx, top)}
            <text className="x-legend-text" x={x + dx + (item.keyW ?? KEY_W) + 4} y={top + 10.5}>
              {item.text}
            </text>
          </g>
        );
      })}
    </g>
  );
}
