import { describe, expect, it } from 'vitest';
import { CHUNK_BITS, f64, Growable, u32 } from './growable';

describe('Growable', () => {
  it('gives back what was pushed across its chunks, one by one and as one copy', () => {
    const n = (3 << CHUNK_BITS) + 17;
    const g = new Growable(f64);
    for (let i = 0; i < n; i++) g.push(i * 1.5);
    expect(g.length).toBe(n);
    for (const i of [0, 1023, 1024, (1 << CHUNK_BITS) - 1, 1 << CHUNK_BITS, n - 1])
      expect(g.get(i)).toBe(i * 1.5);
    const all = g.copy();
    expect(all.length).toBe(n);
    expect(all.every((x, i) => x === i * 1.5)).toBe(true);
    // Whole chunks and one being filled: never the doubled array's half left empty.
    expect(g.bytes).toBe((4 << CHUNK_BITS) * 8);
  });

  it('starts small: a short timeline holds a short array', () => {
    const g = new Growable(u32);
    for (let i = 0; i < 3000; i++) g.push(i);
    expect(g.bytes).toBe(4096 * 4);
    expect([...g.copy().slice(2998)]).toEqual([2998, 2999]);
  });
});
