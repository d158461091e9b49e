import { describe, expect, it } from 'vitest';
import type { AccountRecord } from '../../../../electron/core/db/accounts-repo';
import { presetServers } from '../../../../electron/core/networks/threads/presets';
import { normalizeContextFor, threadsHostsOf } from '../../../../electron/core/timeline/context';
import { personKeyOf, SELF_PERSON_KEY } from '../../../../electron/core/timeline/people';

const servers = Object.values(presetServers('http://127.0.0.1:4100', '2026-01-01T00:00:00.000Z'));

function account(over: Partial<AccountRecord>): AccountRecord {
  return {
    id: 'a1',
    network: 'threads',
    server: 'http://127.0.0.1:4100',
    remoteId: '1',
    handle: 'braid_demo',
    displayName: 'Demo',
    avatarUrl: null,
    status: 'ok',
    statusMessage: null,
    linkedAt: '2026-01-01T00:00:00.000Z',
    threadsServerId: 'sandbox',
    tokenIssuedAt: null,
    tokenExpiresAt: null,
    ...over,
  };
}

describe('the normalizers’ context', () => {
  it('lists Threads servers by host, API and web side, never as URLs', () => {
    const hosts = threadsHostsOf(servers);
    expect(hosts).toEqual(expect.arrayContaining(['graph.threads.net', 'threads.net', 'threads.com', '127.0.0.1:4100']));
    expect(hosts.some((host) => host.includes('/'))).toBe(false);
  });

  it('knows the user on both networks, so their own cross-posts share a person key', () => {
    const threads = account({});
    const mastodon = account({ id: 'a2', network: 'mastodon', server: 'http://127.0.0.1:4200', handle: 'braid_demo@127.0.0.1:4200' });
    const ctx = normalizeContextFor(mastodon, [threads, mastodon], servers);
    expect(ctx.accountId).toBe('a2');
    // Their Threads account seen from Mastodon (federated), and their Mastodon account itself.
    expect(personKeyOf({ network: 'mastodon', handle: 'braid_demo@127.0.0.1:4100' }, ctx)).toBe(SELF_PERSON_KEY);
    expect(personKeyOf({ network: 'mastodon', handle: 'braid_demo@127.0.0.1:4200' }, ctx)).toBe(SELF_PERSON_KEY);
    expect(personKeyOf({ network: 'mastodon', handle: 'mona@127.0.0.1:4200' }, ctx)).not.toBe(SELF_PERSON_KEY);
  });
});
