/**
 * Feeds a TraceParser from a web ReadableStream of bytes — a File's stream() in the browser or a
 * fetch body — with the platform's own DecompressionStream and TextDecoderStream, so gzip and
 * UTF-8 are handled natively and a chunk at a time. Works in a worker and in Node 18+.
 */
import type { TraceParser, TraceSummary } from './traceParser';

export interface StreamHooks {
  /** Sees the bytes (gunzipped) before they are decoded: for indexing lines by byte offset. */
  onBytes?: (chunk: Uint8Array) => void;
  /** Runs after each chunk is parsed: may wait (to let messages in) or throw (to stop). */
  afterChunk?: () => void | Promise<void>;
}

/** Reads the stream to its end, gunzipping it when it starts with the gzip magic (1f 8b). */
export async function parseWebStream(
  stream: ReadableStream<Uint8Array>,
  parser: Pick<TraceParser, 'push' | 'end'>,
  hooks: StreamHooks = {},
): Promise<TraceSummary> {
  const reader = (await textOf(stream, hooks.onBytes)).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(value);
      await hooks.afterChunk?.();
    }
  } catch (e) {
    // Stop reading (and decompressing) what is left of a file that did not parse.
    await reader.cancel(e).catch(() => undefined);
    throw e;
  }
  return parser.end();
}

/** The stream's text: gunzipped when it starts with the gzip magic (1f 8b), then decoded. */
async function textOf(
  stream: ReadableStream<Uint8Array>,
  onBytes?: (chunk: Uint8Array) => void,
): Promise<ReadableStream<string>> {
  const bytes = await sniffGzip(stream);
  // The DOM types give both transforms a BufferSource writable side; a Uint8Array is one.
  const raw = bytes.gzip
    ? bytes.stream.pipeThrough(
        new DecompressionStream('gzip') as ReadableWritablePair<Uint8Array, Uint8Array>,
      )
    : bytes.stream;
  const seen = onBytes
    ? raw.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, out) {
            onBytes(chunk);
            out.enqueue(chunk);
          },
        }),
      )
    : raw;
  return seen.pipeThrough(new TextDecoderStream() as ReadableWritablePair<string, Uint8Array>);
}

/** Looks at the first chunk, then hands back a stream that still starts with it. */
async function sniffGzip(
  stream: ReadableStream<Uint8Array>,
): Promise<{ gzip: boolean; stream: ReadableStream<Uint8Array> }> {
  const reader = stream.getReader();
  const first = await reader.read();
  const head = first.done ? new Uint8Array(0) : first.value;
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  let sentFirst = first.done;
  const again = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sentFirst) {
        sentFirst = true;
        controller.enqueue(head);
        return;
      }
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { gzip, stream: again };
}
