/**
 * What the CLIs print. A trace line or a file name can hold control characters (an ESC starts a
 * terminal escape sequence); quoted back raw, they would drive the user's terminal. Everything
 * printed goes through `safe`: control characters other than newline and tab become \xNN.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

export function safe(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const show = (parts: unknown[]) =>
  parts.map((p) => safe(typeof p === 'string' ? p : String(p))).join(' ');

/** console.log, escaped. */
export const out = (...parts: unknown[]): void => console.log(show(parts));
/** console.error, escaped. */
export const err = (...parts: unknown[]): void => console.error(show(parts));

/** A document as JSON: JSON.stringify leaves DEL and the C1 controls raw, so they become \u00NN. */
export function outJson(value: unknown): void {
  console.log(
    JSON.stringify(value, null, 2).replace(
      /[\x7f-\x9f]/g,
      (c) => `\\u00${c.charCodeAt(0).toString(16)}`,
    ),
  );
}
