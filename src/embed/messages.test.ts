import { describe, expect, it } from 'vitest';
import { readParentMessage } from './messages';

describe('parent messages', () => {
  it('accepts the four commands', () => {
    expect(readParentMessage({ type: 'kvm-mmu-viz:goto', step: 12 })).toEqual({
      type: 'kvm-mmu-viz:goto',
      step: 12,
    });
    expect(readParentMessage({ type: 'kvm-mmu-viz:play' })?.type).toBe('kvm-mmu-viz:play');
    expect(readParentMessage({ type: 'kvm-mmu-viz:pause' })?.type).toBe('kvm-mmu-viz:pause');
    expect(readParentMessage({ type: 'kvm-mmu-viz:load', preset: 'guest-fork' })).toEqual({
      type: 'kvm-mmu-viz:load',
      preset: 'guest-fork',
    });
    const doc = { format: 'kvm-mmu-scenario/1', ops: [] };
    expect(readParentMessage({ type: 'kvm-mmu-viz:load', doc, step: 3 })).toEqual({
      type: 'kvm-mmu-viz:load',
      doc,
      step: 3,
    });
  });

  it('ignores anything else', () => {
    for (const data of [
      null,
      'kvm-mmu-viz:play',
      { type: 'kvm-mmu-viz:goto' },
      { type: 'kvm-mmu-viz:goto', step: -1 },
      { type: 'kvm-mmu-viz:goto', step: 1.5 },
      { type: 'kvm-mmu-viz:load' },
      { type: 'kvm-mmu-viz:load', preset: 'a', doc: {} },
      { type: 'kvm-mmu-viz:load', doc: [] },
      { type: 'kvm-mmu-viz:height', height: 10 },
      { type: 'webpackOk' },
    ])
      expect(readParentMessage(data)).toBeNull();
  });
});
