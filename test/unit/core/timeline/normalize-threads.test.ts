import { Post } from '@shared/timeline';
import { describe, expect, it } from 'vitest';
import { NormalizeError } from '../../../../electron/core/timeline/normalize-error';
import { normalizeMastodonStatus } from '../../../../electron/core/timeline/normalize-mastodon';
import { normalizeThreadsMedia, type ThreadsNormalizeOptions } from '../../../../electron/core/timeline/normalize-threads';
import { textToHtml } from '../../../sandbox/threads/ap-objects.ts';
import { sanitizeHtml } from '../../../sandbox/mastodon/sanitize.ts';
import { renderText } from '../../../sandbox/mastodon/text.ts';
import { mastodonAccount, mastodonCtx, mastodonStatus, threadsCtx, threadsMedia } from './fixtures';

const ctx = threadsCtx();

function normalize(raw: unknown, options?: ThreadsNormalizeOptions, c = ctx): ReturnType<typeof normalizeThreadsMedia> {
  const item = normalizeThreadsMedia(raw, c, options);
  Post.parse(item.post.post);
  return item;
}

describe('normalizeThreadsMedia', () => {
  it('maps a text post, reading Meta’s +0000 timestamps and building HTML from escaped text', () => {
    const { post, boost } = normalize(threadsMedia({ text: 'Morning walk <3\nby the river https://maps.example/river' }));
    expect(boost).toBeNull();
    expect(post.post).toMatchObject({
      id: 'acc-threads:18028743095012345',
      accountId: 'acc-threads',
      network: 'threads',
      remoteId: '18028743095012345',
      uri: 'https://threads.net/ap/users/17841400000000001/post/18028743095012345/',
      url: 'https://www.threads.net/@alice/post/C0dExAmPlE1',
      createdAt: '2026-11-02T10:00:00.000Z',
      editedAt: null,
      contentHtml: '<p>Morning walk &lt;3<br>by the river <a href="https://maps.example/river" rel="nofollow noopener noreferrer" target="_blank">https://maps.example/river</a></p>',
      spoilerText: '',
      sensitive: false,
      media: [],
      poll: null,
      card: null,
      quote: null,
      inReplyTo: null,
      counts: { replies: null, reposts: null, likes: null },
      emojis: [],
      topicTag: null,
      sharedToFediverse: true,
    });
    expect(post.post.author).toEqual({
      id: 'threads:graph.threads.net:17841400000000001',
      network: 'threads',
      handle: 'alice',
      displayName: 'alice',
      avatarUrl: null,
      url: 'https://www.threads.net/@alice',
      emojis: [],
      bot: false,
    });
    expect(post.link).toEqual({
      uriKey: 'threads.net/ap/users/17841400000000001/post/18028743095012345',
      urlKey: 'threads.net/@alice/post/C0dExAmPlE1',
      threadsPostId: '18028743095012345',
      personKey: 'threads:threads.net:alice',
      text: 'morning walk <3 by the river https://maps.example/river',
    });
  });

  it('leaves uri and sharing state null where the server has no extension', () => {
    const raw = threadsMedia();
    delete raw.activitypub_id;
    delete raw.is_shared_to_fediverse;
    const { post } = normalize(raw);
    expect(post.post.uri).toBeNull();
    expect(post.post.sharedToFediverse).toBeNull();
    expect(post.link.uriKey).toBeNull();
  });

  it('falls back to the username for the author id and to the server host for the person key', () => {
    const raw = threadsMedia({ owner: undefined, permalink: undefined });
    const { post } = normalize(raw, {}, threadsCtx({ server: 'http://127.0.0.1:4100' }));
    expect(post.post.author.id).toBe('threads:127.0.0.1:4100:alice');
    expect(post.post.author.url).toBeNull();
    expect(post.link.personKey).toBe('threads:127.0.0.1:4100:alice');
  });

  it('maps an image with alt text, a video with its thumbnail, and audio', () => {
    expect(normalize(threadsMedia({ media_type: 'IMAGE', media_url: 'https://scontent.cdninstagram.com/i.jpg', alt_text: 'A heron' })).post.post.media).toEqual([
      { type: 'image', url: 'https://scontent.cdninstagram.com/i.jpg', previewUrl: null, alt: 'A heron', width: null, height: null },
    ]);
    expect(normalize(threadsMedia({ media_type: 'VIDEO', media_url: 'https://scontent.cdninstagram.com/v.mp4', thumbnail_url: 'https://scontent.cdninstagram.com/v.jpg' })).post.post.media).toEqual([
      { type: 'video', url: 'https://scontent.cdninstagram.com/v.mp4', previewUrl: 'https://scontent.cdninstagram.com/v.jpg', alt: null, width: null, height: null },
    ]);
    expect(normalize(threadsMedia({ media_type: 'AUDIO', media_url: 'https://scontent.cdninstagram.com/a.m4a' })).post.post.media).toMatchObject([{ type: 'audio' }]);
  });

  it('maps a carousel to its children, each with its own alt text, skipping unusable ones', () => {
    const children = {
      data: [
        { id: '1', media_type: 'IMAGE', media_url: 'https://cdn.example/1.jpg', alt_text: 'first' },
        { id: '2', media_type: 'VIDEO', media_url: 'https://cdn.example/2.mp4', thumbnail_url: 'https://cdn.example/2.jpg' },
        { id: '3', media_type: 'IMAGE', media_url: 'javascript:alert(1)' },
        { id: '4', media_type: 'IMAGE' },
      ],
    };
    const { post } = normalize(threadsMedia({ media_type: 'CAROUSEL_ALBUM', children }));
    expect(post.post.media).toEqual([
      { type: 'image', url: 'https://cdn.example/1.jpg', previewUrl: null, alt: 'first', width: null, height: null },
      { type: 'video', url: 'https://cdn.example/2.mp4', previewUrl: 'https://cdn.example/2.jpg', alt: null, width: null, height: null },
    ]);
  });

  it('drops javascript: URLs for media, permalink and link attachments', () => {
    const { post } = normalize(threadsMedia({ media_type: 'IMAGE', media_url: 'javascript:alert(1)', permalink: 'javascript:alert(2)', link_attachment_url: 'javascript:alert(3)', activitypub_id: 'data:text/html,x' }));
    expect(post.post.media).toEqual([]);
    expect(post.post.url).toBeNull();
    expect(post.post.uri).toBeNull();
    expect(post.post.card).toBeNull();
    expect(post.post.author.url).toBeNull();
  });

  describe('polls', () => {
    const poll = {
      option_a: 'Tea',
      option_b: 'Coffee',
      option_c: 'Neither',
      option_a_votes_percentage: 62.5,
      option_b_votes_percentage: 25,
      option_c_votes_percentage: 12.5,
      total_votes: 8,
      expiration_timestamp: '2026-11-03T10:00:00+0000',
    };
    const ends = Date.parse('2026-11-03T10:00:00Z');

    it('maps options with percentages and no per-option votes', () => {
      expect(normalize(threadsMedia({ poll_attachment: poll }), { now: ends - 1 }).post.post.poll).toEqual({
        options: [
          { title: 'Tea', votes: null, percent: 62.5 },
          { title: 'Coffee', votes: null, percent: 25 },
          { title: 'Neither', votes: null, percent: 12.5 },
        ],
        totalVotes: 8,
        expiresAt: '2026-11-03T10:00:00.000Z',
        expired: false,
        multiple: false,
      });
    });

    it('decides whether the poll ended from the time it is given', () => {
      expect(normalize(threadsMedia({ poll_attachment: poll }), { now: ends }).post.post.poll?.expired).toBe(true);
      expect(normalize(threadsMedia({ poll_attachment: poll })).post.post.poll?.expired).toBe(false);
    });

    it('reads shares given as fractions as percentages', () => {
      const fractions = { ...poll, option_a_votes_percentage: 0.625, option_b_votes_percentage: 0.25, option_c_votes_percentage: 0.125 };
      expect(normalize(threadsMedia({ poll_attachment: fractions })).post.post.poll?.options.map((o) => o.percent)).toEqual([62.5, 25, 12.5]);
    });

    it('handles a new poll without votes', () => {
      const fresh = { option_a: 'Yes', option_b: 'No', option_a_votes_percentage: 0, option_b_votes_percentage: 0, total_votes: 0 };
      expect(normalize(threadsMedia({ poll_attachment: fresh })).post.post.poll).toMatchObject({ options: [{ percent: 0 }, { percent: 0 }], totalVotes: 0, expiresAt: null });
    });
  });

  it('turns a link attachment into a card titled with its host', () => {
    const { post } = normalize(threadsMedia({ text: 'Worth a read', link_attachment_url: 'https://news.example/robins?utm=x' }));
    expect(post.post.card).toEqual({ url: 'https://news.example/robins?utm=x', title: 'news.example', description: '', imageUrl: null, providerName: 'news.example' });
  });

  it('reads quotes, replies and topic tags', () => {
    const { post } = normalize(threadsMedia({ is_quote_post: true, quoted_post: { id: '111' }, is_reply: true, replied_to: { id: '222' }, root_post: { id: '200' }, topic_tag: 'Birding' }));
    expect(post.post.quote).toEqual({ remoteId: '111', url: null });
    expect(post.post.inReplyTo).toEqual({ remoteId: '222', authorHandle: null });
    expect(post.post.topicTag).toBe('Birding');
  });

  it('keys a reply that came from the Fediverse by its Fediverse author', () => {
    const raw = threadsMedia({ owner: undefined, username: 'mara@mastodon.example', permalink: 'https://mastodon.example/@mara/114', is_from_fediverse: true, fediverse_author: 'mara@mastodon.example', activitypub_id: 'https://mastodon.example/users/mara/statuses/114', is_shared_to_fediverse: false });
    const { post } = normalize(raw);
    expect(post.post.author).toMatchObject({ handle: 'mara@mastodon.example', url: null, id: 'threads:graph.threads.net:mara@mastodon.example' });
    expect(post.link.personKey).toBe('mastodon:mara@mastodon.example');
    expect(post.link.uriKey).toBe('mastodon.example/users/mara/statuses/114');
  });

  describe('reposts', () => {
    const facade = threadsMedia({ id: '18099999999999999', media_type: 'REPOST_FACADE', username: 'dana', owner: { id: '17841400000000009' }, text: undefined, permalink: 'https://www.threads.net/@dana/post/DaNa1', timestamp: '2026-11-02T12:00:00+0000', reposted_post: { id: '18028743095012345' } });

    it('shows the original with who reposted it and when', () => {
      const item = normalize(facade, { repostedPost: threadsMedia() });
      expect(item.post.post.id).toBe('acc-threads:18028743095012345');
      expect(item.post.post.author.handle).toBe('alice');
      expect(item.post.link.text).toBe('morning walk by the river');
      expect(item.boost).toEqual({
        remoteId: '18099999999999999',
        author: { id: 'threads:graph.threads.net:17841400000000009', network: 'threads', handle: 'dana', displayName: 'dana', avatarUrl: null, url: 'https://www.threads.net/@dana', emojis: [], bot: false },
        network: 'threads',
        at: '2026-11-02T12:00:00.000Z',
      });
    });

    it('refuses a repost without its original, or with the wrong one', () => {
      expect(() => normalizeThreadsMedia(facade, ctx)).toThrow(NormalizeError);
      expect(() => normalizeThreadsMedia(facade, ctx, { repostedPost: threadsMedia({ id: '1' }) })).toThrow(/is of 18028743095012345, but 1 was given/);
      expect(() => normalizeThreadsMedia(facade, ctx, { repostedPost: facade })).toThrow(NormalizeError);
    });
  });

  describe('refuses what Braid relies on when it is missing', () => {
    const cases: [string, unknown][] = [
      ['not an object', []],
      ['no id', threadsMedia({ id: undefined })],
      ['an id too large for a number', threadsMedia({ id: Number.MAX_SAFE_INTEGER + 2 })],
      ['no username', threadsMedia({ username: undefined })],
      ['no timestamp', threadsMedia({ timestamp: undefined })],
      ['an unreadable timestamp', threadsMedia({ timestamp: '17/10/2023' })],
      ['a repost whose original has no timestamp', threadsMedia({ media_type: 'REPOST_FACADE', reposted_post: { id: '1' } })],
    ];
    it.each(cases)('%s → NormalizeError', (_name, raw) => {
      expect(() => normalizeThreadsMedia(raw, ctx, { repostedPost: { id: '1', username: 'x' } })).toThrow(NormalizeError);
    });
  });
});

describe('the text rule 3 compares is the same on both networks', () => {
  // Real-world shapes of text: URLs (long, with query and trailing punctuation), markup-like
  // characters, entities, emoji, accents, blank lines, hashtags.
  const texts = [
    'Morning walk by the river',
    'Line one\nline two\n\nA new paragraph',
    'Read this: https://example.com/a/really/long/path/that/mastodon/cuts?x=1&y=2. Thoughts?',
    'Fish & chips <b>not bold</b> "quoted" \'single\' &amp; done',
    'Café crème ☕️ — naïve façade 😀',
    '  padded   with   spaces  ',
    'New post #Birding #birds',
  ];

  it.each(texts)('a federated Threads post: %j', (text) => {
    const threads = normalizeThreadsMedia(threadsMedia({ text }), ctx);
    // What the Mastodon server stores for the Note: Threads' HTML through Mastodon's sanitizer.
    const content = sanitizeHtml(textToHtml(text));
    const copy = normalizeMastodonStatus(
      mastodonStatus({ content, account: mastodonAccount({ acct: 'alice@threads.net', username: 'alice', fields: [] }) }),
      mastodonCtx(),
    );
    expect(copy.post.link.text).toBe(threads.post.link.text);
    expect(copy.post.link.personKey).toBe(threads.post.link.personKey);
  });

  it('a federated Threads post with a link attachment, which the Note appends', () => {
    const media = threadsMedia({ text: 'Worth a read', link_attachment_url: 'https://news.example/robins' });
    const note = `${textToHtml('Worth a read')}<p><a href="https://news.example/robins">https://news.example/robins</a></p>`;
    const copy = normalizeMastodonStatus(mastodonStatus({ content: sanitizeHtml(note) }), mastodonCtx());
    expect(copy.post.link.text).toBe(normalizeThreadsMedia(media, ctx).post.link.text);
  });

  it.each(texts)('a manual cross-post typed into Mastodon: %j', (text) => {
    const threads = normalizeThreadsMedia(threadsMedia({ text }), ctx);
    const content = renderText(text, 'https://mastodon.social', () => undefined);
    expect(normalizeMastodonStatus(mastodonStatus({ content }), mastodonCtx()).post.link.text).toBe(threads.post.link.text);
  });

  it('a manual cross-post whose Threads link preview shows the URL already in the text', () => {
    const text = 'Worth a read https://news.example/robins';
    const threads = normalizeThreadsMedia(threadsMedia({ text, link_attachment_url: 'https://news.example/robins' }), ctx);
    const content = renderText(text, 'https://mastodon.social', () => undefined);
    expect(normalizeMastodonStatus(mastodonStatus({ content }), mastodonCtx()).post.link.text).toBe(threads.post.link.text);
  });
});
