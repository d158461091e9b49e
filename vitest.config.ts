import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@shared': resolve(import.meta.dirname, 'shared') } },
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    // Native modules (better-sqlite3, keytar) are safest in separate processes.
    pool: 'forks',
    testTimeout: 15_000,
    restoreMocks: true,
  },
});
