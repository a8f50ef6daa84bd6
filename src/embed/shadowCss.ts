/**
 * The widget's CSS, as it must be inside a shadow root. The app's stylesheets set their theme
 * variables on `:root` and the base font and colours on `body`; neither exists inside a shadow
 * tree, so both become the widget's own root element, `.kmv-root`, which also carries the
 * `data-theme` override. Everything else applies unchanged: the shadow root scopes it.
 */
export const ROOT_CLASS = 'kmv-root';

export function scopeForShadow(css: string): string {
  return (
    css
      // Comments first: a comment may mention "body" or ":root" in prose.
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/:root\b/g, `.${ROOT_CLASS}`)
      // `body` as a selector (a type selector at the start of a compound), not inside names such
      // as `.view-body`.
      .replace(/(^|[\s,>~+}(])body(?=[\s,{:.[>~+)])/g, `$1.${ROOT_CLASS}`)
  );
}

const collected: string[] = [];

/**
 * The custom element's build turns each stylesheet import into a call to this (a plugin in
 * vite.embed.config.ts), in import order, so the cascade matches the app's.
 */
export function addShadowCss(css: string): void {
  collected.push(css);
}

export function collectedCss(): string {
  return scopeForShadow(collected.join('\n'));
}
