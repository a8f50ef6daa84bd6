/**
 * The text of a replayed trace's lines, for the step view, without keeping the file in memory.
 * A plain-text file is read again where a step shows a line: while it streams past, LineIndex
 * notes the byte offset of every 1024th line, so one line is one small Blob slice away. A gzip
 * file cannot be read from the middle, so its event lines are kept, deflated in blocks (fflate):
 * about a tenth of their size.
 */
import { deflateSync, inflateSync } from 'fflate';

export interface SourceLines {
  /** The text of `line` (1-based), which is the trace's `op`-th event line. */
  text(op: number, line: number): Promise<string>;
  /** Bytes held in memory. */
  readonly bytes: number;
}

/** Lines per index entry: a lookup reads at most this many lines (~150 KB of trace text). */
const LINES_PER_ENTRY = 1024;

/** Byte offsets of lines 1, 1025, 2049, ... of a byte stream, found as it passes. */
export class LineIndex {
  private starts = new Float64Array(64);
  private entries = 1;
  private offset = 0;
  private line = 1;

  /** Counts the newlines of the next chunk of the stream. */
  feed(chunk: Uint8Array): void {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) {
      this.line++;
      if ((this.line - 1) % LINES_PER_ENTRY === 0) this.note(this.offset + i + 1);
    }
    this.offset += chunk.length;
  }

  /** The byte range that holds `line`, and its place in that range. */
  rangeOf(line: number): { from: number; to: number; skip: number } | null {
    const k = Math.floor((line - 1) / LINES_PER_ENTRY);
    if (line < 1 || k >= this.entries) return null;
    return {
      from: this.starts[k]!,
      to: k + 1 < this.entries ? this.starts[k + 1]! : this.offset,
      skip: (line - 1) % LINES_PER_ENTRY,
    };
  }

  get bytes(): number {
    return this.starts.byteLength;
  }

  private note(at: number): void {
    if (this.entries === this.starts.length) {
      const more = new Float64Array(this.starts.length * 2);
      more.set(this.starts);
      this.starts = more;
    }
    this.starts[this.entries++] = at;
  }
}

/** A plain-text trace's lines, read from the file (a File stays on disk) when asked for. */
export class FileLines implements SourceLines {
  constructor(
    private readonly file: Blob,
    private readonly index: LineIndex,
  ) {}

  async text(_op: number, line: number): Promise<string> {
    const r = this.index.rangeOf(line);
    if (!r) return '';
    try {
      const chunk = await this.file.slice(r.from, r.to).text();
      return (chunk.split('\n')[r.skip] ?? '').replace(/\r$/, '');
    } catch {
      return '(the file can no longer be read: was it changed or moved since it was opened?)';
    }
  }

  get bytes(): number {
    return this.index.bytes;
  }
}

/** Event lines per deflated block: ~150 KB of text, inflated in well under a millisecond. */
const LINES_PER_BLOCK = 1024;

/** A gzip trace's event lines, kept deflated in blocks of 1024 in the order they came. */
export class PackedLines implements SourceLines {
  private blocks: Uint8Array[] = [];
  private open: string[] = [];
  private held = 0;
  private last: { k: number; lines: string[] } | null = null;
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  push(text: string): void {
    this.open.push(text);
    if (this.open.length === LINES_PER_BLOCK) this.seal();
  }

  async text(op: number): Promise<string> {
    const k = Math.floor(op / LINES_PER_BLOCK);
    if (k === this.blocks.length) return this.open[op % LINES_PER_BLOCK] ?? '';
    if (k > this.blocks.length) return '';
    if (this.last?.k !== k)
      this.last = { k, lines: this.decoder.decode(inflateSync(this.blocks[k]!)).split('\n') };
    return this.last.lines[op % LINES_PER_BLOCK] ?? '';
  }

  get bytes(): number {
    return this.held + this.open.reduce((n, s) => n + 2 * s.length, 0);
  }

  private seal(): void {
    // Level 1: the cheapest deflate; trace text still shrinks about twelvefold.
    const block = deflateSync(this.encoder.encode(this.open.join('\n')), { level: 1 });
    this.blocks.push(block);
    this.held += block.byteLength;
    this.open = [];
  }
}
