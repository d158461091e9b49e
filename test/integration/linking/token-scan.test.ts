/**
 * Tokens and client secrets never leave the keychain: after linking both networks, checking,
 * refreshing, re-linking and unlinking, no token or secret value appears in the SQLite files,
 * the log file, or anything the renderer was sent (method answers and events).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/index.ts';
import { answerMastodon, answerThreads, link, startHarness } from './support';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: false });
  sandbox.mastodon.admin.createAccount({ username: 'ada', password: 'ada-password' });
  sandbox.threads.admin.createUser({ username: 'lin', password: 'lin-password' });
});
afterAll(() => sandbox.stop());

/** Every token or secret any server handed out during the test, seen on the wire. */
function recordingFetch(seen: Set<string>): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const copy = response.clone();
    const text = await copy.text().catch(() => '');
    for (const key of ['access_token', 'client_secret', 'refresh_token']) {
      for (const match of text.matchAll(new RegExp(`"${key}":"([^"]+)"`, 'g'))) if (match[1]) seen.add(match[1]);
    }
    return response;
  };
}


it('finds no token or secret in SQLite, the log, or anything sent to the renderer', async () => {
  const onTheWire = new Set<string>();
  const h = startHarness({
    fileLog: true,
    fetch: recordingFetch(onTheWire),
    sandboxThreadsUrl: sandbox.threads.origin,
    clock: { now: () => sandbox.clock.now() },
  });
  try {
    const mastodon = (instance: string) => ({ network: 'mastodon', instance });
    const ada = { username: 'ada', password: 'ada-password' };
    const lin = { username: 'lin', password: 'lin-password' };
    const mastodonAnswer = async (url: string) => (await answerMastodon(url, ada)).location ?? '';
    const masto = await link(h, mastodon(sandbox.mastodon.origin), mastodonAnswer);
    const threads = await link(h, { network: 'threads', serverId: 'sandbox' }, (url) => answerThreads(url, lin));
    await link(h, mastodon(sandbox.mastodon.origin), mastodonAnswer); // re-link replaces the token
    await h.call('threadsServers.save', {
      name: 'Custom',
      apiBase: sandbox.threads.origin,
      authorizeUrl: `${sandbox.threads.origin}/oauth/authorize`,
      appId: 'custom-app',
      appSecret: 'custom-app-secret-value',
      redirectUri: 'https://braid.example/cb',
      allowsLoopback: false,
      usesPkce: false,
    });
    await h.call('threadsServers.list');
    sandbox.clock.advance(25 * 60 * 60_000);
    expect(await h.core.health.refreshDue()).toBe(1);
    await h.call('accounts.recheck');
    sandbox.threads.admin.revokeToken((await h.secrets.get(`account:${threads.id}:token`)) ?? '');
    await h.call('accounts.recheck');
    await h.call('accounts.unlink', { accountId: masto.id });
    h.core.log.info('test', 'end of scenario');
  } finally {
    h.core.close();
  }

  const secrets = new Set([...h.secretsWritten, ...onTheWire]);
  expect(h.secretsWritten.length).toBeGreaterThanOrEqual(6); // 2 Mastodon tokens + client secret, 2 Threads tokens, custom app secret
  expect(onTheWire.size).toBeGreaterThanOrEqual(5);
  const files = readdirSync(h.dataDir)
    .filter((name) => name.startsWith('braid.sqlite3'))
    .map((name) => join(h.dataDir, name));
  const logDir = join(h.dataDir, 'logs');
  const logs = readdirSync(logDir).map((name) => join(logDir, name));
  const log = logs.map((file) => readFileSync(file, 'utf8')).join('\n');
  expect(log).toContain('end of scenario');
  expect(log).toContain('linked');
  const haystacks: [string, string][] = [
    ...files.map((file): [string, string] => [file, readFileSync(file).toString('latin1')]),
    ['log', log],
    ['sent to the renderer', JSON.stringify(h.emitted)],
  ];
  expect(JSON.stringify(h.emitted)).toContain('"accounts.linkUpdated"');
  for (const secret of secrets) {
    for (const [where, text] of haystacks) expect(text.includes(secret), `a secret (${secret.slice(0, 4)}…) in ${where}`).toBe(false);
  }
  h.close();
});
