/**
 * Character counting per network: what the composer shows must be what the server accepts
 * (Threads: 500 user-perceived characters; Mastodon: StatusLengthValidator's rules).
 */
import { describe, expect, it } from 'vitest';
import { countGraphemes, countMastodon, countThreads } from '../../../../electron/core/compose/count';

describe('countThreads', () => {
  it('counts an emoji as one character, however many code points make it', () => {
    expect(countThreads('👍🏽')).toBe(1); // skin tone modifier
    expect(countThreads('👨‍👩‍👧')).toBe(1); // ZWJ family
    expect(countThreads('🇯🇵')).toBe(1); // regional indicator pair
    expect(countThreads('ok 🎉🎉')).toBe(5);
  });

  it('counts a letter with a combining accent as one', () => {
    expect(countThreads('cafe\u0301')).toBe(4);
  });

  it('counts CJK characters one each', () => {
    expect(countThreads('日本語のテキスト')).toBe(8);
    expect(countThreads('한국어')).toBe(3);
  });

  it('counts URLs and mentions at their full length', () => {
    const url = 'https://example.com/a/very/long/path/that/goes/on';
    expect(countThreads(`see ${url}`)).toBe(4 + url.length);
    expect(countThreads('@alice@mastodon.social')).toBe(22);
  });
});

describe('countMastodon', () => {
  it('counts every URL as the reserved length, however long it is', () => {
    expect(countMastodon('see https://example.com/a/very/long/path?with=query&and=more', '')).toBe(4 + 23);
    expect(countMastodon('http://x.io', '')).toBe(23);
    expect(countMastodon('https://example.com/a https://example.org/b', '')).toBe(23 + 1 + 23);
  });

  it('leaves trailing punctuation out of a URL', () => {
    expect(countMastodon('Read https://example.com/x.', '')).toBe(5 + 23 + 1);
    expect(countMastodon('(https://example.com/x)', '')).toBe(1 + 23 + 1);
  });

  it("uses the instance's own reserved length", () => {
    expect(countMastodon('https://example.com/', '', 30)).toBe(30);
  });

  it('counts a remote mention as its @user part only', () => {
    expect(countMastodon('@alice@mastodon.social hi', '')).toBe('@alice hi'.length);
    expect(countMastodon('@bob hi', '')).toBe(7);
    // The sandbox's domains carry a port.
    expect(countMastodon('@braid_demo@127.0.0.1:4100 yo', '')).toBe('@braid_demo yo'.length);
    expect(countMastodon('cc @a.b@x.social and @c@y.org', '')).toBe('cc @a.b and @c'.length);
  });

  it('does not take an e-mail address or a profile URL for a mention', () => {
    expect(countMastodon('me@example.com', '')).toBe(14);
    expect(countMastodon('https://mastodon.social/@alice', '')).toBe(23);
  });

  it('counts the content warning too', () => {
    expect(countMastodon('abc', 'cw')).toBe(5);
    expect(countMastodon('', 'spoilers 🎬')).toBe(10);
  });

  it('counts emoji and CJK as one each', () => {
    expect(countMastodon('👨‍👩‍👧 日本', '')).toBe(4);
  });
});

it('countGraphemes of an empty string is 0', () => {
  expect(countGraphemes('')).toBe(0);
});
