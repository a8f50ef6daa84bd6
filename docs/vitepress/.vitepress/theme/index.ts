// Loads the element on the client only (pages are rendered in Node at build time), after Vue has
// hydrated the page, and upgrades the new page's ```kvm-mmu-viz blocks after each navigation.
import DefaultTheme from 'vitepress/theme';
import { nextTick, onMounted, watch } from 'vue';
import { useRoute } from 'vitepress';

async function upgrade() {
  await import('kvm-mmu-viz'); // defines <kvm-mmu-viz>; its first pass upgrades the blocks
  await nextTick();
  window.kvmMmuViz?.run(); // blocks already upgraded are skipped
}

export default {
  extends: DefaultTheme,
  setup() {
    // eslint-disable-next-line react-hooks/rules-of-hooks -- Vue's composable, not a React hook
    const route = useRoute();
    onMounted(() => void upgrade());
    watch(
      () => route.path,
      () => void upgrade(),
    );
  },
};
