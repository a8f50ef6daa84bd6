/**
 * The two ways the model refuses. Both are thrown before any state changes (KvmBugError) or
 * mean the model itself is wrong (InvariantError); callers at the edges turn them into messages.
 */
import { hex } from './hex';

/** What the kernel would hit BUG() / KVM_BUG_ON_DATA_CORRUPTION on. The model refuses instead. */
export class KvmBugError extends Error {
  override readonly name = 'KvmBugError';
  constructor(
    /** The kernel check this mirrors, e.g. "pte_list_remove: SPTE not in rmap". */
    readonly check: string,
    readonly head: number,
    readonly spte: number,
    message: string,
  ) {
    super(message);
  }
}

/** A broken data-structure rule: a bug in the model, named after the rule (and BUG_ON) it breaks. */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
  constructor(
    readonly rule: string,
    detail: string,
  ) {
    super(`invariant ${rule} broken: ${detail}`);
  }
}

/** Formats an SPTE pointer the way the kernel prints pointers. */
export const fmtPtr = hex;
