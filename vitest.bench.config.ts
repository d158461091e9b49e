import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * `npm run bench`, second half: benchmarks that drive the real core (extensionless imports and
 * the @shared alias need Vite's resolver, so they run under vitest rather than plain Node).
 * They print numbers and fail only when something is broken, never on a number.
 */
export default defineConfig({
  resolve: { alias: { '@shared': resolve(import.meta.dirname, 'shared') } },
  test: {
    include: ['test/bench/**/*.bench-run.ts'],
    pool: 'forks',
    // Exact heap numbers need a forced collection.
    execArgv: ['--expose-gc'],
    fileParallelism: false,
    testTimeout: 15 * 60_000,
    hookTimeout: 5 * 60_000,
    // Print the tables as they come, not buffered behind each test.
    disableConsoleIntercept: true,
  },
});
