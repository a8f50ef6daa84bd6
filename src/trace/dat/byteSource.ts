/**
 * Where a trace.dat's bytes come from: read at any offset, so that only the parts being decoded
 * are in memory. A Node file handle (nodeStream.ts), a browser Blob or File, and bytes already in
 * memory all give one.
 */

export interface ByteSource {
  /** The file's size in bytes. */
  readonly size: number;
  /** Up to `length` bytes at `offset` (fewer only at the end of the file). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length)),
  };
}

/** A Blob or File (the browser's, or Node's): each read is a slice of it. */
export function blobSource(blob: Blob): ByteSource {
  return {
    size: blob.size,
    read: async (offset, length) =>
      new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
  };
}
