import { describe, expect, it } from 'vitest';
import { lightCss } from './lightCss';

describe('lightCss', () => {
  it('keeps the light palette, written out, and drops the dark one', () => {
    const css = lightCss(`
      :root { --fg: #111; --accent: #05c; --ring: var(--accent); }
      @media (prefers-color-scheme: dark) { :root:not([data-theme='light']) { --fg: #eee; } }
      :root[data-theme='dark'] { --fg: #eee; }
      @media (max-width: 900px) { .a { color: var(--fg); } }
      .b { outline: 2px solid var(--ring); height: var(--h, clamp(3px, calc(1vh - 2px), 9px)); }
      .c { color: var(--unknown); }
    `);
    expect(css).toContain('@media (max-width: 900px) { .a { color: #111; } }');
    expect(css).toContain('outline: 2px solid #05c;');
    expect(css).toContain('height: clamp(3px, calc(1vh - 2px), 9px);');
    expect(css).toContain('color: var(--unknown);');
    expect(css).not.toMatch(/#eee|data-theme|prefers-color-scheme/);
  });
});
