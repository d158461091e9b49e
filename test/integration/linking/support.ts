/**
 * Shared by the linking tests: a core on a temp folder whose secrets, logs and renderer-bound
 * output are all recorded (for the token scan). The scripted "browser" for the sandbox's sign-in
 * pages lives with the sandbox (test/sandbox/sign-in-pages.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { LinkFlow, LinkUpdate } from '@shared/linking';
import type { Account } from '@shared/model';
import { createCore, type Core, type CoreOptions } from '../../../electron/core/app';
import { createLogger, formatRecord } from '../../../electron/core/log';
import { MemorySecretStore } from '../../../electron/core/secrets/memory-store';
import type { SecretStore } from '../../../electron/core/secrets/secret-store';

import { visit } from '../../sandbox/sign-in-pages.ts';
export { answerMastodon, answerThreads, visit } from '../../sandbox/sign-in-pages.ts';

export interface Harness {
  core: Core;
  dataDir: string;
  /** Every line the core logged. */
  logLines: string[];
  /** Every value the core put in the secret store, ever. */
  secretsWritten: string[];
  /** Every event payload the core emitted (what a renderer would receive). */
  emitted: unknown[];
  updates: LinkUpdate[];
  secrets: MemorySecretStore;
  /** Calls a method the way a renderer does (through the validating dispatcher), recording the answer. */
  call(method: string, input?: unknown): Promise<unknown>;
  /** Resolves with the first update for the flow in one of `phases`. */
  nextUpdate(flowId: string, phases: LinkUpdate['phase'][]): Promise<LinkUpdate>;
  close(): void;
}

/** `fileLog`: log to the data folder's log file like the app does, instead of into `logLines`. */
export function startHarness(options: Partial<CoreOptions> & { fileLog?: boolean } = {}): Harness {
  const { fileLog, ...coreOptions } = options;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'braid-link-'));
  const logLines: string[] = [];
  const secretsWritten: string[] = [];
  const emitted: unknown[] = [];
  const updates: LinkUpdate[] = [];
  const waiters: { flowId: string; phases: LinkUpdate['phase'][]; resolve: (u: LinkUpdate) => void }[] = [];
  const secrets = new MemorySecretStore();
  const recording: SecretStore = {
    get: (key) => secrets.get(key),
    set: (key, value) => {
      secretsWritten.push(value);
      return secrets.set(key, value);
    },
    delete: (key) => secrets.delete(key),
    keys: () => secrets.keys(),
  };
  const core = createCore({
    dataDir,
    secrets: recording,
    fetch: globalThis.fetch,
    clock: { now: () => Date.now() },
    shell: 'browser',
    appVersion: '0.0.0-test',
    ...(fileLog ? {} : { logger: createLogger((record) => logLines.push(formatRecord(record))) }),
    ...coreOptions,
  });
  core.events.onAny((name, payload) => {
    emitted.push({ name, payload });
    if (name !== 'accounts.linkUpdated') return;
    const update = payload as LinkUpdate;
    updates.push(update);
    for (const waiter of [...waiters]) {
      if (waiter.flowId === update.flowId && waiter.phases.includes(update.phase)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(update);
      }
    }
  });
  return {
    core,
    dataDir,
    logLines,
    secretsWritten,
    emitted,
    updates,
    secrets,
    async call(method, input) {
      const result = await core.dispatch(method, input);
      emitted.push({ method, result });
      if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
      return result.value;
    },
    nextUpdate(flowId, phases) {
      const seen = updates.find((u) => u.flowId === flowId && phases.includes(u.phase));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ flowId, phases, resolve }));
    },
    close() {
      core.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts a link, lets `answer` play the browser on the server's pages, and waits for the account. */
export async function link(h: Harness, request: object, answer: (url: string) => Promise<string>): Promise<Account> {
  const flow = (await h.call('accounts.beginLink', request)) as LinkFlow;
  await visit(await answer(flow.authorizeUrl));
  const done = await h.nextUpdate(flow.id, ['linked', 'failed']);
  expect(done.error).toBeUndefined();
  return done.account as Account;
}
