import { describe, expect, it } from 'vitest';
import { decodeDoc, encodeDoc, formatHash, parseHash } from './urlState';

describe('urlState', () => {
  it('round-trips a preset link', () => {
    const s = { preset: 'guest-fork', step: 1200, view: 'chain' };
    expect(parseHash(formatHash(s))).toEqual(s);
  });

  it('round-trips a document through deflate and base64url', async () => {
    const json = JSON.stringify({
      format: 'kvm-mmu-scenario/1',
      ops: Array.from({ length: 50 }, (_, i) => ({ op: 'add', head: 0, spte: i })),
    });
    const enc = await encodeDoc(json);
    expect(enc).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(enc.length).toBeLessThan(json.length);
    expect(await decodeDoc(enc)).toBe(json);
  });

  it('ignores a step that is not a whole number', () => {
    expect(parseHash('#preset=x&step=-3').step).toBeUndefined();
  });
});
