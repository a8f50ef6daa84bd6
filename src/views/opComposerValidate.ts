/**
 * From the composer's text fields to an op of the scenario language. The zod `scenarioOp` schema
 * stays the judge: this file only turns "0x400" into 1024, leaves empty fields out, and cuts
 * zod's messages to what fits under a field.
 */
import { scenarioOp } from '../scenario/schema';
import type { FieldDef, OpDef } from './opComposerFields';

/** Form state: text for inputs and selects, booleans for checkboxes. */
export type FieldValues = Record<string, string | boolean>;

/**
 * A select's value: values are shared between ops (so a gfn carries over), and a value one op
 * allows ("tdp" for fault) may be no option of another (guest_unmap): then its first option,
 * which is what the browser shows.
 */
export function selectValue(f: FieldDef, v: string | boolean | undefined): string {
  const opts = f.options ?? [];
  return opts.some((o) => o.value === v) ? (v as string) : (opts[0]?.value ?? '');
}

/** "0x400" → 1024, "1_000" → 1000, "12" → 12; null when it is not an integer literal. */
export function parseNumber(text: string): number | null {
  const t = text.trim().replace(/_/g, '');
  const n = /^-?0x[0-9a-f]+$/i.test(t)
    ? (t.startsWith('-') ? -1 : 1) * parseInt(t.replace(/^-/, ''), 16)
    : /^-?\d+$/.test(t)
      ? Number(t)
      : NaN;
  return Number.isSafeInteger(n) ? n : null;
}

export type Validation =
  | { ok: true; op: Record<string, unknown> }
  | { ok: false; errors: Record<string, string>; formError: string | null };

/**
 * The op as the scenario language writes it (SPTEs stay "sN"), or an error per field. Fields
 * left empty are left out, so zod reports a missing required one and the model applies its
 * default to an optional one.
 */
export function validateOp(def: OpDef, values: FieldValues): Validation {
  const input: Record<string, unknown> = { op: def.op };
  const local: Record<string, string> = {};
  for (const f of def.fields) {
    const v = values[f.key];
    if (f.type === 'flag') {
      const on = v === undefined ? (f.defaultValue ?? false) : v === true;
      if (on !== (f.defaultValue ?? false)) input[f.key] = on;
      continue;
    }
    const text = f.type === 'select' ? selectValue(f, v) : typeof v === 'string' ? v.trim() : '';
    if (text === '') continue;
    if (f.type === 'select') input[f.key] = f.numeric ? Number(text) : text;
    else if (f.type === 'spte') input[f.key] = /^\d+$/.test(text) ? Number(text) : text;
    else {
      const n = parseNumber(text);
      if (n === null) local[f.key] = 'not a number: write it in decimal or 0x hex';
      else input[f.key] = n;
    }
  }
  const r = scenarioOp.safeParse(input);
  if (r.success && Object.keys(local).length === 0) return { ok: true, op: input };
  const errors: Record<string, string> = {};
  let formError: string | null = null;
  for (const issue of r.success ? [] : r.error.issues) {
    const key = issue.path[0];
    if (typeof key === 'string' && def.fields.some((f) => f.key === key)) {
      errors[key] ??= shortMessage(issue.message);
    } else formError ??= issue.message;
  }
  return { ok: false, errors: { ...errors, ...local }, formError };
}

/** zod's wording, cut to what fits under a field: "Too big: expected number to be <=3" → "at most 3". */
export function shortMessage(message: string): string {
  if (/received undefined/.test(message)) return 'required';
  if (/expected int, received number/.test(message)) return 'a whole number';
  const m = /^Too (small|big): expected number to be ([<>]=?)(-?\d+)/.exec(message);
  if (m) {
    const bound = Number(m[3]).toLocaleString('en-US');
    if (m[2] === '>=') return `at least ${bound}`;
    if (m[2] === '<=') return `at most ${bound}`;
    return m[2] === '>' ? `more than ${bound}` : `less than ${bound}`;
  }
  return message.replace(/^Invalid (input|option): /, '');
}
