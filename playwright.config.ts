import { defineConfig } from '@playwright/test';
import type { ShellKind } from './test/e2e/fixtures';

/**
 * The same specs run in two projects: the real renderer and core through the browser host in
 * the system Chromium, and the packaged app through Playwright's _electron wherever an Electron
 * binary exists (the fixture skips that project with a printed reason elsewhere).
 */
export default defineConfig<object, { shell: ShellKind }>({
  testDir: './test/e2e',
  outputDir: './test-results/playwright',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [['list']],
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
  projects: [
    {
      name: 'browser-host',
      use: { shell: 'host' },
    },
    { name: 'electron', use: { shell: 'electron' } },
  ],
});
