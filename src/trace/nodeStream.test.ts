/** The Node readers: plain and gzipped streams, and a stream that fails or holds a bad line. */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseNodeStream } from './nodeStream';
import { TraceParseError } from './traceErrors';
import { TraceParser } from './traceParser';

const LINE =
  '             vmm-225     [000] .....     4.643731: kvm_mmu_paging_element: pte 11003 level 4\n';

describe('parseNodeStream', () => {
  it('reads plain and gzipped text', async () => {
    const plain = await parseNodeStream(
      Readable.from([LINE.slice(0, 30), LINE.slice(30)]),
      new TraceParser(),
      false,
    );
    const gz = gzipSync(LINE.repeat(3));
    const gzipped = await parseNodeStream(
      Readable.from([gz.subarray(0, 9), gz.subarray(9)]),
      new TraceParser(),
      true,
    );
    expect(plain.counts).toEqual({ kvm_mmu_paging_element: 1 });
    expect(gzipped.counts).toEqual({ kvm_mmu_paging_element: 3 });
  });

  it('rejects with the parse error and stops reading', async () => {
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled++;
        this.push(pulled === 3 ? 'garbage\n' : LINE);
      },
    });
    await expect(parseNodeStream(endless, new TraceParser(), false)).rejects.toBeInstanceOf(
      TraceParseError,
    );
    expect(endless.destroyed).toBe(true);
  });

  it('rejects when the gzip data is corrupt, rather than hanging', async () => {
    const gz = gzipSync(LINE.repeat(100));
    gz.writeUInt8(gz.readUInt8(gz.length - 5) ^ 0xff, gz.length - 5); // the CRC trailer
    await expect(parseNodeStream(Readable.from([gz]), new TraceParser(), true)).rejects.toThrow();
  });
});
