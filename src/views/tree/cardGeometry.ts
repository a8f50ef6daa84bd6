/**
 * The fixed geometry of a page card, shared by the layout, both renderers and hit-testing:
 * three text lines over the 32 x 16 entry grid, the fold toggle, a block's bracket and label.
 */
/** One entry cell: 5 px and a 1 px gap. */
export const PITCH = 6;
export const GRID_COLS = 32;
export const GRID_ROWS = 16;
export const PAD = 8;
export const LINE_H = 14;
/** Top-left of the grid inside a card: three text lines above it. */
export const GRID_X = PAD;
export const GRID_Y = PAD + 3 * LINE_H + 4;
export const PAGE_W = GRID_X + GRID_COLS * PITCH + PAD;
export const PAGE_H = GRID_Y + GRID_ROWS * PITCH + PAD;
/** The fold toggle, at the right end of the third text line. */
export const TOGGLE = { x: PAGE_W - PAD - 16, y: PAD + 2 * LINE_H + 1, w: 16, h: 12 };
/** A block's bracket runs this far left of its cards; its label sits in a band above them. */
export const BRACKET_DX = 14;
export const BLOCK_LABEL_H = 22;
