import { describe, expect, it } from 'vitest';
import { normalizeInstance } from '../../../../electron/core/networks/mastodon/instance';

describe('normalizing what the user typed for their Mastodon server', () => {
  it.each([
    ['mastodon.social', 'https://mastodon.social', null],
    ['https://mastodon.social/', 'https://mastodon.social', null],
    ['  Mastodon.Social  ', 'https://mastodon.social', null],
    ['http://mastodon.social', 'https://mastodon.social', null],
    ['@me@mastodon.social', 'https://mastodon.social', 'me'],
    ['me@mastodon.social', 'https://mastodon.social', 'me'],
    ['https://mastodon.social/@me', 'https://mastodon.social', 'me'],
    ['127.0.0.1:4200', 'http://127.0.0.1:4200', null],
    ['@braid_demo@127.0.0.1:4200', 'http://127.0.0.1:4200', 'braid_demo'],
    ['xn--mstdon-bua.example', 'https://xn--mstdon-bua.example', null],
    ['mästdon.example', 'https://xn--mstdon-bua.example', null],
  ])('%s → %s', (typed, origin, username) => {
    expect(normalizeInstance(typed)).toMatchObject({ origin, username });
  });

  it.each(['', 'two words', 'localhost-ish', 'ftp://mastodon.social', 'https://a:b@mastodon.social', '@me'])('refuses %j', (typed) => {
    expect(() => normalizeInstance(typed)).toThrow(expect.objectContaining({ code: 'link.invalid-address' }));
  });
});
