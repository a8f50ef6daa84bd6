/**
 * What the canvas's colours follow, as one key: the system scheme and the nearest `data-theme`
 * above the element (the page's, or an embed's mount inside a shadow root). The canvas must
 * repaint, and read its CSS colours again, when either flips, which CSS alone cannot tell it:
 * an embed's theme attribute changes at runtime, the system's scheme with the OS.
 */
import { useCallback, useSyncExternalStore } from 'react';
import type { RefObject } from 'react';

const QUERY = '(prefers-color-scheme: dark)';

/** The element's ancestors, out through shadow roots to the document's root. */
function ancestors(el: Element | null): Element[] {
  const out: Element[] = [];
  for (let n: Node | null = el; n;) {
    if (n instanceof Element) out.push(n);
    n = n.parentNode ?? (n instanceof ShadowRoot ? n.host : null);
  }
  return out;
}

export function useThemeKey(ref: RefObject<Element | null>): string {
  const subscribe = useCallback(
    (onChange: () => void) => {
      if (typeof window === 'undefined') return () => {};
      const mq = window.matchMedia?.(QUERY);
      mq?.addEventListener('change', onChange);
      const watch = new MutationObserver(onChange);
      const targets = ancestors(ref.current);
      for (const el of targets.length ? targets : [document.documentElement])
        watch.observe(el, { attributes: true, attributeFilter: ['data-theme'] });
      return () => {
        mq?.removeEventListener('change', onChange);
        watch.disconnect();
      };
    },
    [ref],
  );
  const key = () => {
    const dark = typeof window !== 'undefined' && !!window.matchMedia?.(QUERY).matches;
    const theme = ancestors(ref.current).find((el) => el.hasAttribute('data-theme'));
    return `${dark ? 'dark' : 'light'}:${theme?.getAttribute('data-theme') ?? 'auto'}`;
  };
  return useSyncExternalStore(subscribe, key, () => 'light:auto');
}
