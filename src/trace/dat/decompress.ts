/**
 * A compressed block of a version 7 trace.dat (a section, or one chunk of a CPU's data), inflated
 * into a buffer of exactly its declared size, so a hostile size cannot make it allocate more
 * than the cap, and a block that inflates to anything else is refused. zstd via fzstd, zlib (the
 * zlib format trace-cmd's compress2() writes) via fflate.
 */
import { unzlibSync } from 'fflate';
import { decompress as unzstd } from 'fzstd';
import { DatError } from './datError';

export type Codec = 'zstd' | 'zlib';

/** The compression names trace-cmd writes in the initial header ("none" is no compression). */
export function codecOf(name: string): Codec | null | undefined {
  if (name === 'none') return null;
  if (name === 'zstd' || name === 'zlib') return name;
  return undefined;
}

export function inflateBlock(
  codec: Codec,
  data: Uint8Array,
  size: number,
  where: string,
  offset: number,
  /** A buffer of at least `size` bytes to inflate into (its old bytes are overwritten). */
  into?: Uint8Array,
): Uint8Array {
  const out =
    into !== undefined && into.length >= size ? into.subarray(0, size) : new Uint8Array(size);
  let got: Uint8Array;
  try {
    if (codec === 'zlib') got = unzlibSync(data, { out });
    else {
      const frame = zstdContentSize(data);
      if (frame !== null && frame !== size)
        throw new Error(`its zstd frame holds ${frame} bytes, the block header says ${size}`);
      // fzstd tests its output argument with `w == 1`, which turns a typed array into a string
      // of all its bytes, once per frame: this makes that comparison cost nothing.
      (out as unknown as Record<symbol, () => number>)[Symbol.toPrimitive] = () => 0;
      got = unzstd(data, out);
    }
  } catch (e) {
    throw new DatError(
      where,
      offset,
      `the ${codec} data does not inflate: ${(e as Error).message}`,
    );
  }
  if (got.length !== size)
    throw new DatError(
      where,
      offset,
      `inflates to ${got.length} bytes, the block header says ${size}`,
    );
  return got;
}

/** Frame_Content_Size of a zstd frame header (RFC 8878 3.1.1.1), or null when it has none. */
function zstdContentSize(d: Uint8Array): number | null {
  if (d.length < 6 || d[0] !== 0x28 || d[1] !== 0xb5 || d[2] !== 0x2f || d[3] !== 0xfd) return null;
  const flags = d[4]!;
  const fcsFlag = flags >> 6;
  const single = (flags >> 5) & 1;
  const dictBytes = [0, 1, 2, 4][flags & 3]!;
  const fcsBytes = fcsFlag === 0 ? single : 1 << fcsFlag;
  if (fcsBytes === 0) return null;
  const at = 5 + (single ? 0 : 1) + dictBytes;
  if (at + fcsBytes > d.length) return null;
  let v = 0;
  for (let i = fcsBytes - 1; i >= 0; i--) v = v * 256 + d[at + i]!;
  return fcsBytes === 2 ? v + 256 : v;
}
