/**
 * A trace line read back for the step view: from the file by byte range (plain text), or from
 * the deflated blocks (gzip), the same text the parser saw, for every line of a real trace.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FileLines, LineIndex, PackedLines } from './sourceLines';

const REAL = 'test/traces/linux-6.12/nested-tdpmmu-alias/trace.txt.gz';

/** Feeds `bytes` to an index in uneven chunks, as a stream hands them over. */
function indexOf(bytes: Uint8Array, chunk: number): LineIndex {
  const index = new LineIndex();
  for (let i = 0; i < bytes.length; i += chunk) index.feed(bytes.subarray(i, i + chunk));
  return index;
}

describe('FileLines', () => {
  const bytes = new Uint8Array(gunzipSync(readFileSync(REAL)));
  const lines = new TextDecoder().decode(bytes).split('\n');

  it('reads every line of a real trace back from the file, whatever the chunks', async () => {
    for (const chunk of [1 << 16, 977]) {
      const file = new FileLines(new Blob([bytes]), indexOf(bytes, chunk));
      for (const n of [1, 2, 1024, 1025, 1026, 2048, 2049, 13_000, lines.length - 1])
        expect(await file.text(0, n), `line ${n}, chunks of ${chunk}`).toBe(lines[n - 1]);
    }
  });

  it('keeps 8 bytes per 1024 lines, and answers "" past the end', async () => {
    const index = indexOf(bytes, 1 << 16);
    // 8 bytes an entry, the array at most twice the entries (it doubles as it fills).
    expect(index.bytes).toBeLessThanOrEqual(Math.max(512, 16 * Math.ceil(lines.length / 1024)));
    expect(await new FileLines(new Blob([bytes]), index).text(0, lines.length + 5000)).toBe('');
  });

  it('takes the \\r off a CRLF line, and counts a multi-byte character as its bytes', async () => {
    const text = 'a\r\nb\u00e9\u4e2d\n' + 'x\n'.repeat(1100) + 'last\r\n';
    const b = new TextEncoder().encode(text);
    const file = new FileLines(new Blob([b]), indexOf(b, 3));
    expect(await file.text(0, 1)).toBe('a');
    expect(await file.text(0, 2)).toBe('b\u00e9\u4e2d');
    expect(await file.text(0, 1103)).toBe('last');
  });

  it('says so when the file can no longer be read', async () => {
    const b = new TextEncoder().encode('one\ntwo\n');
    const gone = { slice: () => ({ text: () => Promise.reject(new Error('NotReadableError')) }) };
    const file = new FileLines(gone as unknown as Blob, indexOf(b, 4));
    expect(await file.text(0, 2)).toMatch(/can no longer be read/);
  });
});

describe('PackedLines', () => {
  it('gives back each event line by its op index, sealed in blocks or not, at a tenth of the size', async () => {
    const lines = gunzipSync(readFileSync(REAL)).toString('utf8').split('\n').slice(0, 8200);
    const packed = new PackedLines();
    for (const l of lines) packed.push(l);
    for (const op of [0, 1, 1023, 1024, 2047, 4096, 8191, 8192, 8199])
      expect(await packed.text(op)).toBe(lines[op]);
    expect(await packed.text(8200)).toBe('');
    expect(await packed.text(20_000)).toBe('');
    const text = lines.reduce((n, l) => n + l.length + 1, 0);
    expect(packed.bytes).toBeLessThan(text / 5);
  });
});
