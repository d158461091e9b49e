/** @type {import('@sveltejs/vite-plugin-svelte').SvelteConfig} */
export default {
  compilerOptions: {
    // Runes everywhere: no legacy reactive statements or on: directives slip in.
    runes: true,
  },
};
