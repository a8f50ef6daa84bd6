/**
 * What a trace replay's step captions say about themselves (src/model/mmuStepCaption.ts): after
 * the kernel function, "(inferred) …" for what the replay put in because the trace does not say
 * it, "agrees: …" and "CONTRADICTION: …" for its checks of the kernel's own numbers. The views
 * mark them by this.
 */
export type StepMark = 'inferred' | 'agrees' | 'contradiction';

const MARKS: Record<string, StepMark> = {
  '(inferred) ': 'inferred',
  'agrees: ': 'agrees',
  'CONTRADICTION: ': 'contradiction',
};

// "mmu_set_spte: (inferred) mmu_topup_memory_caches …": the function, then the mark.
const MARKED = /^((?:[\w.]+: )?)(\(inferred\) |agrees: |CONTRADICTION: )/;

/** The mark and the caption without it (the function kept; the mark is shown as a badge). */
export function stepMark(caption: string): { mark: StepMark | null; text: string } {
  const m = MARKED.exec(caption);
  if (!m) return { mark: null, text: caption };
  return { mark: MARKS[m[2]!]!, text: m[1]! + caption.slice(m[0].length) };
}

/** The badge's words. */
export const MARK_LABEL: Record<StepMark, string> = {
  inferred: 'inferred',
  agrees: 'agrees',
  contradiction: 'contradiction',
};
