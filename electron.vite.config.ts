import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const sharedAlias = { '@shared': resolve(import.meta.dirname, 'shared') };

export default defineConfig({
  main: {
    resolve: { alias: sharedAlias },
    build: {
      rolldownOptions: {
        input: {
          // The Electron entry and the browser host share the core; the host never imports electron.
          index: resolve(import.meta.dirname, 'electron/main/index.ts'),
          host: resolve(import.meta.dirname, 'electron/host/cli.ts'),
        },
      },
    },
  },
  preload: {
    resolve: { alias: sharedAlias },
    build: {
      // Sandboxed preloads cannot require node_modules: bundle everything into one CommonJS file.
      externalizeDeps: false,
      isolatedEntries: true,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    resolve: { alias: sharedAlias },
    plugins: [svelte({ configFile: resolve(import.meta.dirname, 'svelte.config.js') })],
    build: {
      rolldownOptions: { input: { index: resolve(import.meta.dirname, 'renderer/index.html') } },
    },
  },
});
