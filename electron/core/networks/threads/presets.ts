import type { ThreadsPreset } from '@shared/linking';
import type { ThreadsServerRecord } from '../../db/threads-servers-repo';

export const DEFAULT_SANDBOX_THREADS_URL = 'http://127.0.0.1:4100';

/**
 * The sandbox's registered app (test/sandbox/index.ts THREADS_APP): a local test server, so its
 * "secret" is public. A unit test keeps the two in step.
 */
export const SANDBOX_THREADS_APP = { appId: 'braid-sandbox-app', appSecret: 'sandbox-app-secret' } as const;

/** Preset rows as they are created; the sandbox one follows `sandboxUrl` on every start. */
export function presetServers(sandboxUrl: string, now: string): Record<ThreadsPreset, ThreadsServerRecord> {
  const sandbox = sandboxUrl.replace(/\/+$/, '');
  return {
    threads: {
      id: 'threads',
      name: 'Threads',
      apiBase: 'https://graph.threads.net',
      authorizeUrl: 'https://threads.net/oauth/authorize',
      appId: '',
      redirectUri: null,
      allowsLoopback: false,
      usesPkce: false,
      preset: 'threads',
      createdAt: now,
    },
    sandbox: {
      id: 'sandbox',
      name: 'Braid sandbox',
      apiBase: sandbox,
      authorizeUrl: `${sandbox}/oauth/authorize`,
      appId: SANDBOX_THREADS_APP.appId,
      redirectUri: null,
      allowsLoopback: true,
      usesPkce: true,
      preset: 'sandbox',
      createdAt: now,
    },
  };
}
