/**
 * The one way reading a trace.dat stops: a message that says where (the part of the file, the CPU,
 * the byte offset) and why, so that a damaged or unexpected file is a sentence, never a stack.
 */

export class DatError extends Error {
  override readonly name = 'DatError';
  constructor(
    /** The part of the file: "initial header", "options", "event formats", "CPU 1 data", ... */
    readonly where: string,
    /** Byte offset in the file, or null when the problem is not at one place. */
    readonly offset: number | null,
    readonly why: string,
  ) {
    super(`trace.dat ${where}${offset === null ? '' : ` at byte ${offset}`}: ${why}`);
  }
}
