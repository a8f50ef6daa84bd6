/**
 * What a link holds: the scenario (a preset's name, or the document itself, deflated and
 * base64url-encoded with the browser's own CompressionStream), the step and the view.
 * `#preset=guest-fork&step=1200&view=chain` or `#doc=...&step=3&view=tree`.
 */
import { fmtLimit, LIMITS } from './limits';
import { readAtMost } from './readAtMost';
export interface UrlState {
  preset?: string;
  /** Deflated, base64url-encoded scenario JSON. */
  doc?: string;
  step?: number;
  view?: string;
  /** Compare mode: kernel option overrides for the second pane, as JSON. */
  compare?: string;
  /** The kernel version to run the scenario as. */
  kernel?: string;
}

export function parseHash(hash: string): UrlState {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const out: UrlState = {};
  const preset = p.get('preset');
  if (preset) out.preset = preset;
  const doc = p.get('doc');
  if (doc) out.doc = doc;
  const step = Number(p.get('step'));
  if (p.has('step') && Number.isInteger(step) && step >= 0) out.step = step;
  const view = p.get('view');
  if (view) out.view = view;
  const compare = p.get('compare');
  if (compare) out.compare = compare;
  const kernel = p.get('kernel');
  if (kernel) out.kernel = kernel;
  return out;
}

export function formatHash(s: UrlState): string {
  const p = new URLSearchParams();
  if (s.preset) p.set('preset', s.preset);
  if (s.doc) p.set('doc', s.doc);
  if (s.step !== undefined) p.set('step', String(s.step));
  if (s.view) p.set('view', s.view);
  if (s.compare) p.set('compare', s.compare);
  if (s.kernel) p.set('kernel', s.kernel);
  return '#' + p.toString();
}

export async function encodeDoc(json: string): Promise<string> {
  const stream = new Blob([json]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A #doc= that does not decode, or inflates past the document limit. */
export class LinkError extends Error {
  override readonly name = 'LinkError';
}

/**
 * The document a #doc= carries. It is inflated chunk by chunk and refused as soon as it passes
 * LIMITS.docBytes, so a small link cannot make megabytes (a deflate bomb) before it is refused.
 */
export async function decodeDoc(text: string): Promise<string> {
  if (text.length > LIMITS.docBytes)
    throw new LinkError(`the link's document is over ${fmtLimit(LIMITS.docBytes)} characters`);
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  let bin: string;
  try {
    bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  } catch {
    throw new LinkError("the link's document is not base64url text");
  }
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  let json: Uint8Array | null;
  try {
    json = await readAtMost(inflated, LIMITS.docBytes);
  } catch {
    throw new LinkError("the link's document is not deflate-compressed (cut short when pasted?)");
  }
  if (!json)
    throw new LinkError(
      `the link's document inflates past ${fmtLimit(LIMITS.docBytes)} bytes, the limit of a document`,
    );
  return new TextDecoder().decode(json);
}
