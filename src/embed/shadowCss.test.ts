import { describe, expect, it } from 'vitest';
import { scopeForShadow } from './shadowCss';

describe('scopeForShadow', () => {
  it('moves :root and body rules onto the widget root', () => {
    const css = scopeForShadow(
      ':root { --bg: #fff; }\n' +
        '@media (prefers-color-scheme: dark) {\n  :root:not([data-theme="light"]) { --bg: #000; }\n}\n' +
        ':root[data-theme="dark"] { --bg: #000; }\n' +
        'body {\n  margin: 0;\n}\n' +
        '.view-body, .tree-body { display: grid; }\n',
    );
    expect(css).toContain('.kmv-root { --bg: #fff; }');
    expect(css).toContain('.kmv-root:not([data-theme="light"]) { --bg: #000; }');
    expect(css).toContain('.kmv-root[data-theme="dark"]');
    expect(css).toContain('.kmv-root {\n  margin: 0;');
    expect(css).toContain('.view-body, .tree-body { display: grid; }');
    expect(css).not.toMatch(/:root|(^|\s)body\b/);
  });

  it('drops comments that mention the selectors', () => {
    expect(scopeForShadow('/* the body and :root */ a { color: red; }')).toBe(' a { color: red; }');
  });
});
