/**
 * Trace text cut into batches of whole lines for the page. tracefs's trace_pipe hands out reads
 * that end anywhere in a line; the parser on the page takes any text, but a batch that ends on a
 * line boundary lets the page count events per batch and lets a test check what it got. A batch
 * goes out every `intervalMs` or once it holds `maxBytes`, whichever comes first: at 200,000
 * events/s (about 100 bytes each) that is about 1 MB/s, twenty 50 ms batches a second.
 */
export interface BatcherOptions {
  maxBytes: number;
  intervalMs: number;
}

export const DEFAULT_BATCH: BatcherOptions = { maxBytes: 64 * 1024, intervalMs: 50 };

export class LineBatcher {
  private pending = '';
  private whole: string[] = [];
  private wholeBytes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly emit: (batch: string) => void,
    private readonly opts: BatcherOptions = DEFAULT_BATCH,
  ) {}

  /** Text as read; a trailing partial line waits for the rest. */
  push(text: string): void {
    const all = this.pending + text;
    const cut = all.lastIndexOf('\n');
    if (cut < 0) {
      this.pending = all;
      return;
    }
    this.pending = all.slice(cut + 1);
    this.whole.push(all.slice(0, cut + 1));
    this.wholeBytes += cut + 1;
    if (this.wholeBytes >= this.opts.maxBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.opts.intervalMs);
  }

  /** Sends what whole lines there are. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.wholeBytes === 0) return;
    const batch = this.whole.join('');
    this.whole = [];
    this.wholeBytes = 0;
    this.emit(batch);
  }

  /** The end of the input: a last line without its newline still counts. */
  end(): void {
    if (this.pending) {
      this.whole.push(this.pending + '\n');
      this.wholeBytes += this.pending.length + 1;
      this.pending = '';
    }
    this.flush();
  }
}
