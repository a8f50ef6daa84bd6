import { describe, expect, it } from 'vitest';
import { elementAttributes, inlineScenarioText } from './react';
import { readSettings } from './settings';

describe('KvmMmuViz props as the element attributes', () => {
  it('writes each set prop as the attribute the element reads, and no others', () => {
    expect(elementAttributes({ preset: 'guest-fork', step: 12, views: 'chain' })).toEqual({
      preset: 'guest-fork',
      step: '12',
      views: 'chain',
    });
    expect(elementAttributes({})).toEqual({});
  });

  it('gives the element the settings the props name', () => {
    const attrs = elementAttributes({
      src: 'fork.json',
      step: 0,
      views: ['tree', 'caches'],
      controls: 'full',
      theme: 'dark',
      autoplay: false,
    });
    const settings = readSettings((name) => attrs[name] ?? null);
    expect(settings).toEqual({
      scenario: { key: 'src:fork.json', src: 'fork.json' },
      step: 0,
      views: ['tree', 'caches'],
      controls: 'full',
      theme: 'dark',
      autoplay: false,
    });
    expect(
      readSettings((name) => elementAttributes({ autoplay: true })[name] ?? null).autoplay,
    ).toBe(true);
  });
});

describe('an inline scenario in a script block', () => {
  it('cannot end the block early, and reads back as the same document', () => {
    const doc = { format: 'kvm-mmu-scenario/1' as const, name: '</script><b>', ops: [] };
    const text = inlineScenarioText(doc);
    expect(text).not.toContain('<');
    expect(JSON.parse(text)).toEqual(doc);
    expect(inlineScenarioText('{"name":"<x>"}')).toBe('{"name":"\\u003cx>"}');
  });
});
