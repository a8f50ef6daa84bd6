import { describe, expect, it } from 'vitest';
import { handedScenario, readSettings, settingsFromHash } from './settings';

describe('embed settings', () => {
  it('reads the hash of embed.html', () => {
    const s = settingsFromHash(
      '#preset=guest-fork&step=12&views=chain,tree&controls=full&theme=dark&autoplay=1',
    );
    expect(s).toEqual({
      scenario: { key: 'preset:guest-fork', preset: 'guest-fork' },
      step: 12,
      views: ['chain', 'tree'],
      controls: 'full',
      theme: 'dark',
      autoplay: true,
    });
  });

  it('falls back to defaults for what is missing or unknown', () => {
    const s = settingsFromHash('#preset=x&step=-1&views=graph&controls=lots&theme=pink');
    expect(s).toEqual({
      scenario: { key: 'preset:x', preset: 'x' },
      views: ['chain'],
      controls: 'minimal',
      theme: 'auto',
      autoplay: false,
    });
    expect(settingsFromHash('').scenario).toBeNull();
  });

  it('takes the app link’s `view` and drops repeated views', () => {
    expect(settingsFromHash('#doc=abc&view=tree').views).toEqual(['tree']);
    expect(settingsFromHash('#preset=p&views=Stats, caches,stats').views).toEqual([
      'stats',
      'caches',
    ]);
  });

  it('prefers a document, then a file, then a preset', () => {
    const attrs: Record<string, string> = { preset: 'p', src: 'a.json', doc: 'zz' };
    const get = (n: string) => attrs[n] ?? null;
    expect(readSettings(get).scenario).toEqual({ key: 'doc:zz', doc: 'zz' });
    delete attrs.doc;
    expect(readSettings(get).scenario).toEqual({ key: 'src:a.json', src: 'a.json' });
  });

  it('reads boolean attributes as HTML does, except an explicit "false"', () => {
    const autoplay = (v: string | null) =>
      readSettings((n) => (n === 'autoplay' ? v : null)).autoplay;
    expect([autoplay(''), autoplay('autoplay'), autoplay('false'), autoplay(null)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('gives every handed-over scenario a new key, so it loads even if named before', () => {
    const a = handedScenario({ preset: 'guest-fork' });
    const b = handedScenario({ preset: 'guest-fork' });
    expect(a.key).not.toBe(b.key);
  });
});
