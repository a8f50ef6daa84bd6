/** A failure the CLI prints as one message (with its fix) and an exit status, never a stack. */
export class LiveError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'LiveError';
  }
}
