// kvm-mmu-viz in VitePress (not built by the tests: see docs/README.md).
import { defineConfig } from 'vitepress';

export default defineConfig({
  title: 'kvm-mmu-viz in VitePress',
  vue: {
    template: {
      // <kvm-mmu-viz> is a custom element, not a Vue component: leave it to the browser.
      compilerOptions: { isCustomElement: (tag) => tag === 'kvm-mmu-viz' },
    },
  },
  markdown: {
    config(md) {
      // A ```kvm-mmu-viz fence becomes <pre class="kvm-mmu-viz">, which the element's script turns
      // into a live widget (VitePress would otherwise highlight it as code). v-pre: Vue must not
      // read the scenario's braces as a template.
      const fence = md.renderer.rules.fence!;
      md.renderer.rules.fence = (tokens, idx, options, env, self) => {
        const token = tokens[idx]!;
        if (token.info.trim() !== 'kvm-mmu-viz') return fence(tokens, idx, options, env, self);
        return `<pre class="kvm-mmu-viz" v-pre>${md.utils.escapeHtml(token.content)}</pre>\n`;
      };
    },
  },
});
