import { describe, expect, it } from 'vitest';
import { personKeyOf, selfKeyOf, SELF_PERSON_KEY } from '../../../../electron/core/timeline/people';
import type { NormalizeContext } from '../../../../electron/core/timeline/types';

const ctx = (overrides: Partial<NormalizeContext> = {}): NormalizeContext => ({
  accountId: 'acc-1',
  server: 'https://mastodon.social',
  threadsHosts: ['threads.net', '127.0.0.1:4100'],
  selfKeys: new Set(),
  ...overrides,
});

const verifiedLink = (href: string): { value: string; verifiedAt: string | null } => ({
  value: `<a href="${href}" rel="me nofollow noopener" target="_blank"><span class="invisible">https://www.</span><span class="">${href.replace(/^https?:\/\/(www\.)?/, '')}</span><span class="invisible"></span></a>`,
  verifiedAt: '2026-10-01T12:00:00.000+00:00',
});

describe('personKeyOf', () => {
  it('keys a Threads author by the web host of their profile, lower case and without www.', () => {
    expect(personKeyOf({ network: 'threads', handle: 'Alice_B', url: 'https://www.threads.net/@Alice_B' }, ctx({ server: 'https://graph.threads.net' }))).toBe(
      'threads:threads.net:alice_b',
    );
  });

  it("falls back to the account's server host for a Threads author without a URL", () => {
    expect(personKeyOf({ network: 'threads', handle: 'alice', url: null }, ctx({ server: 'http://127.0.0.1:4100' }))).toBe('threads:127.0.0.1:4100:alice');
    expect(personKeyOf({ network: 'threads', handle: 'alice' }, ctx({ server: 'https://graph.threads.net' }))).toBe('threads:threads.net:alice');
  });

  it('gives the federated copy of a Threads account the same key as the Threads account', () => {
    const threads = personKeyOf({ network: 'threads', handle: 'alice', url: 'https://www.threads.net/@alice' }, ctx());
    expect(personKeyOf({ network: 'mastodon', handle: 'alice@threads.net' }, ctx())).toBe(threads);
    expect(personKeyOf({ network: 'mastodon', handle: 'Alice@www.threads.net' }, ctx())).toBe(threads);
    expect(personKeyOf({ network: 'mastodon', handle: 'alice@threads.com' }, ctx())).toBe(threads);
  });

  it('links a Mastodon account to a Threads profile only through a verified field', () => {
    const verified = personKeyOf({ network: 'mastodon', handle: 'ally@mastodon.social', fields: [{ value: 'Cats', verifiedAt: null }, verifiedLink('https://www.threads.net/@alice')] }, ctx());
    expect(verified).toBe('threads:threads.net:alice');
    const unverified = personKeyOf({ network: 'mastodon', handle: 'ally@mastodon.social', fields: [{ ...verifiedLink('https://www.threads.net/@alice'), verifiedAt: null }] }, ctx());
    expect(unverified).toBe('mastodon:ally@mastodon.social');
  });

  it('accepts a bare verified URL but not links to other hosts, other schemes or non-profile pages', () => {
    expect(personKeyOf({ network: 'mastodon', handle: 'ally@m.example', fields: [{ value: 'http://threads.net/@Alice/', verifiedAt: '2026-01-01T00:00:00Z' }] }, ctx())).toBe('threads:threads.net:alice');
    for (const href of ['https://evil.example/@alice', 'https://threads.net/@alice/post/ABC', 'javascript://threads.net/@alice', 'https://threads.net/alice'])
      expect(personKeyOf({ network: 'mastodon', handle: 'ally@m.example', fields: [verifiedLink(href)] }, ctx()), href).toBe('mastodon:ally@m.example');
  });

  it('keys other Mastodon accounts by user@host, adding the server host to local handles', () => {
    expect(personKeyOf({ network: 'mastodon', handle: 'Bob@Fosstodon.org' }, ctx())).toBe('mastodon:bob@fosstodon.org');
    expect(personKeyOf({ network: 'mastodon', handle: 'bob' }, ctx())).toBe('mastodon:bob@mastodon.social');
  });

  it("answers 'self' for the user's own linked accounts", () => {
    const selfKeys = new Set([selfKeyOf({ network: 'threads', handle: 'me', server: 'https://graph.threads.net' }, 'www.threads.net'), selfKeyOf({ network: 'mastodon', handle: 'me@mastodon.social', server: 'https://mastodon.social' })]);
    const c = ctx({ selfKeys });
    expect(personKeyOf({ network: 'threads', handle: 'me', url: 'https://www.threads.net/@me' }, c)).toBe(SELF_PERSON_KEY);
    expect(personKeyOf({ network: 'mastodon', handle: 'me@threads.net' }, c)).toBe(SELF_PERSON_KEY);
    expect(personKeyOf({ network: 'mastodon', handle: 'me' }, c)).toBe(SELF_PERSON_KEY);
    expect(personKeyOf({ network: 'mastodon', handle: 'me@other.example' }, c)).toBe('mastodon:me@other.example');
  });
});

describe('selfKeyOf', () => {
  it('builds the keys personKeyOf gives to those accounts', () => {
    expect(selfKeyOf({ network: 'threads', handle: 'Me', server: 'https://graph.threads.net' }, 'www.threads.net')).toBe('threads:threads.net:me');
    expect(selfKeyOf({ network: 'threads', handle: 'me', server: 'http://127.0.0.1:4100' })).toBe('threads:127.0.0.1:4100:me');
    expect(selfKeyOf({ network: 'threads', handle: 'me', server: 'https://graph.threads.com' })).toBe('threads:threads.net:me');
    expect(selfKeyOf({ network: 'mastodon', handle: '@Me@Mastodon.Social', server: 'https://mastodon.social' })).toBe('mastodon:me@mastodon.social');
    expect(selfKeyOf({ network: 'mastodon', handle: 'me', server: 'https://mastodon.social' })).toBe('mastodon:me@mastodon.social');
  });
});
