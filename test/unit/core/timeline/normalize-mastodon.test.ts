import { Post } from '@shared/timeline';
import { BraidError } from '@shared/errors';
import { describe, expect, it } from 'vitest';
import { normalizeMastodonStatus } from '../../../../electron/core/timeline/normalize-mastodon';
import { NormalizeError } from '../../../../electron/core/timeline/normalize-error';
import { mastodonAccount, mastodonCtx, mastodonStatus } from './fixtures';

const ctx = mastodonCtx();

/** Normalize and check the result against the contract's own schema. */
function normalize(raw: unknown, c = ctx): ReturnType<typeof normalizeMastodonStatus> {
  const item = normalizeMastodonStatus(raw, c);
  Post.parse(item.post.post);
  return item;
}

describe('normalizeMastodonStatus', () => {
  it('maps a status to a Post with Braid ids, the author on its home server and ISO times', () => {
    const { post, boost } = normalize(mastodonStatus());
    expect(boost).toBeNull();
    expect(post.post).toMatchObject({
      id: 'acc-masto:113456789012345678',
      accountId: 'acc-masto',
      network: 'mastodon',
      remoteId: '113456789012345678',
      uri: 'https://fosstodon.org/users/bob/statuses/113456789000000001',
      url: 'https://fosstodon.org/@bob/113456789000000001',
      createdAt: '2026-11-02T10:00:00.123Z',
      editedAt: null,
      spoilerText: '',
      sensitive: false,
      media: [],
      poll: null,
      card: null,
      quote: null,
      inReplyTo: null,
      counts: { replies: 3, reposts: 7, likes: 21 },
      topicTag: null,
      sharedToFediverse: null,
    });
    expect(post.post.author).toEqual({
      id: 'mastodon:mastodon.social:109348723',
      network: 'mastodon',
      handle: 'bob@fosstodon.org',
      displayName: 'Bob :verified_bob:',
      avatarUrl: 'https://files.mastodon.social/cache/accounts/avatars/109/348/723/original/bob.png',
      url: 'https://fosstodon.org/@bob',
      emojis: [{ shortcode: 'verified_bob', url: 'https://files.mastodon.social/emoji/vb.png' }],
      bot: false,
    });
    expect(post.link).toEqual({
      uriKey: 'fosstodon.org/users/bob/statuses/113456789000000001',
      urlKey: 'fosstodon.org/@bob/113456789000000001',
      threadsPostId: null,
      personKey: 'mastodon:bob@fosstodon.org',
      text: 'saw a robin today :robin: #birds',
    });
  });

  it("gives local accounts the server's host in their handle, and falls back to the username for an empty display name", () => {
    const { post } = normalize(mastodonStatus({ account: mastodonAccount({ acct: 'carol', username: 'carol', displayName: '' }) }));
    expect(post.post.author.handle).toBe('carol@mastodon.social');
    expect(post.post.author.displayName).toBe('carol');
    expect(post.link.personKey).toBe('mastodon:carol@mastodon.social');
  });

  it('keeps the edit time of an edited status', () => {
    const { post } = normalize(mastodonStatus({ editedAt: '2026-11-02T10:05:30.5Z' }));
    expect(post.post.editedAt).toBe('2026-11-02T10:05:30.500Z');
  });

  it('keeps content warnings and sensitive flags', () => {
    const { post } = normalize(mastodonStatus({ spoilerText: 'Spoilers: the finale', sensitive: true, content: '<p>They all lived.</p>' }));
    expect(post.post.spoilerText).toBe('Spoilers: the finale');
    expect(post.post.sensitive).toBe(true);
    expect(post.post.contentHtml).toBe('<p>They all lived.</p>');
    expect(post.link.text).toBe('they all lived.');
  });

  it('maps media types, sizes and alt text, and drops attachments without a usable URL', () => {
    const { post } = normalize(
      mastodonStatus({
        mediaAttachments: [
          { id: '1', type: 'image', url: 'https://files.example/1.jpg', previewUrl: 'https://files.example/1s.jpg', description: 'A robin on a fence', meta: { original: { width: 1200, height: 800 }, small: { width: 400, height: 267 } }, blurhash: 'x' },
          { id: '2', type: 'video', url: 'https://files.example/2.mp4', previewUrl: 'https://files.example/2.png', description: '', meta: { original: { width: 0, height: 'tall' } } },
          { id: '3', type: 'gifv', url: 'https://files.example/3.mp4', previewUrl: 'javascript:alert(1)', description: null },
          { id: '4', type: 'audio', url: 'https://files.example/4.mp3', previewUrl: null },
          { id: '5', type: 'hologram', url: 'https://files.example/5.bin', previewUrl: null },
          { id: '6', type: 'image', url: null, remoteUrl: 'https://remote.example/6.jpg', previewUrl: null },
          { id: '7', type: 'image', url: 'javascript:alert(1)', previewUrl: null },
          { id: '8', type: 'image', url: null, previewUrl: null },
        ],
      }),
    );
    expect(post.post.media).toEqual([
      { type: 'image', url: 'https://files.example/1.jpg', previewUrl: 'https://files.example/1s.jpg', alt: 'A robin on a fence', width: 1200, height: 800 },
      { type: 'video', url: 'https://files.example/2.mp4', previewUrl: 'https://files.example/2.png', alt: null, width: null, height: null },
      { type: 'gifv', url: 'https://files.example/3.mp4', previewUrl: null, alt: null, width: null, height: null },
      { type: 'audio', url: 'https://files.example/4.mp3', previewUrl: null, alt: null, width: null, height: null },
      { type: 'unknown', url: 'https://files.example/5.bin', previewUrl: null, alt: null, width: null, height: null },
      { type: 'image', url: 'https://remote.example/6.jpg', previewUrl: null, alt: null, width: null, height: null },
    ]);
  });

  it('maps polls, with hidden counts as null', () => {
    const { post } = normalize(
      mastodonStatus({
        poll: { id: '34830', expiresAt: '2026-11-03T10:00:00.000Z', expired: false, multiple: true, votesCount: 10, votersCount: 7, options: [{ title: 'Robin', votesCount: 6 }, { title: 'Wren', votesCount: null }], emojis: [] },
      }),
    );
    expect(post.post.poll).toEqual({
      options: [{ title: 'Robin', votes: 6, percent: null }, { title: 'Wren', votes: null, percent: null }],
      totalVotes: 10,
      expiresAt: '2026-11-03T10:00:00.000Z',
      expired: false,
      multiple: true,
    });
    expect(normalize(mastodonStatus({ poll: { id: '1', options: [], expired: true } })).post.post.poll).toBeNull();
  });

  it('keeps custom emoji with http(s) images only', () => {
    const { post } = normalize(
      mastodonStatus({
        emojis: [
          { shortcode: 'robin', url: 'https://files.example/robin.png', staticUrl: 'https://files.example/robin_s.png' },
          { shortcode: 'evil', url: 'javascript:alert(1)', staticUrl: 'data:image/png;base64,AAAA' },
          { shortcode: 'fallback', url: 'not a url', staticUrl: 'https://files.example/fallback_s.png' },
          { url: 'https://files.example/nameless.png' },
        ],
      }),
    );
    expect(post.post.emojis).toEqual([
      { shortcode: 'robin', url: 'https://files.example/robin.png' },
      { shortcode: 'fallback', url: 'https://files.example/fallback_s.png' },
    ]);
  });

  it('maps link cards, and drops a card or its image when the URL is not http(s)', () => {
    const card = { url: 'https://news.example/robins', title: 'Robins are back', description: 'Early this year', type: 'link', image: 'https://news.example/r.jpg', providerName: 'News Example', authorName: '' };
    expect(normalize(mastodonStatus({ card })).post.post.card).toEqual({ url: 'https://news.example/robins', title: 'Robins are back', description: 'Early this year', imageUrl: 'https://news.example/r.jpg', providerName: 'News Example' });
    expect(normalize(mastodonStatus({ card: { ...card, image: 'javascript:alert(1)', providerName: '' } })).post.post.card).toMatchObject({ imageUrl: null, providerName: null });
    expect(normalize(mastodonStatus({ card: { ...card, url: 'javascript:alert(1)' } })).post.post.card).toBeNull();
  });

  it('nulls javascript: and other non-http URLs for the avatar, profile and status links', () => {
    const { post } = normalize(
      mastodonStatus({ url: 'javascript:alert(1)', uri: 'tag:fosstodon.org,2026:objectId=1', account: mastodonAccount({ avatar: 'javascript:alert(1)', avatarStatic: 'data:image/png;base64,AA', url: 'vbscript:x' }) }),
    );
    expect(post.post.url).toBeNull();
    expect(post.post.uri).toBeNull();
    expect(post.post.author.avatarUrl).toBeNull();
    expect(post.post.author.url).toBeNull();
    expect(post.link.uriKey).toBeNull();
    expect(post.link.urlKey).toBeNull();
  });

  it('turns a reblog into the original post plus who boosted it, and when', () => {
    const original = mastodonStatus();
    const booster = mastodonAccount({ id: '42', username: 'dana', acct: 'dana', displayName: 'Dana', emojis: [], fields: [] });
    const item = normalize(mastodonStatus({ id: '113456789099999999', createdAt: '2026-11-02T11:30:00Z', account: booster, content: '', reblog: original, uri: 'https://mastodon.social/users/dana/statuses/113456789099999999/activity', url: null, repliesCount: 0 }));
    expect(item.post.post.id).toBe('acc-masto:113456789012345678');
    expect(item.post.post.author.handle).toBe('bob@fosstodon.org');
    expect(item.post.link.text).toBe('saw a robin today :robin: #birds');
    expect(item.boost).toEqual({
      remoteId: '113456789099999999',
      author: { id: 'mastodon:mastodon.social:42', network: 'mastodon', handle: 'dana@mastodon.social', displayName: 'Dana', avatarUrl: expect.any(String) as string, url: 'https://fosstodon.org/@bob', emojis: [], bot: false },
      network: 'mastodon',
      at: '2026-11-02T11:30:00.000Z',
    });
  });

  it('reads the snake_case JSON of raw REST and streaming payloads', () => {
    const snake = {
      id: '9001',
      created_at: '2026-11-02T10:00:00.123456Z',
      edited_at: '2026-11-02T10:01:00Z',
      in_reply_to_id: '9000',
      in_reply_to_account_id: '77',
      spoiler_text: 'cw',
      sensitive: true,
      uri: 'https://fosstodon.org/users/bob/statuses/9001',
      url: 'https://fosstodon.org/@bob/9001',
      replies_count: 1,
      reblogs_count: 2,
      favourites_count: 3,
      content: '<p>@<span>eve</span> agreed</p>',
      reblog: null,
      account: { id: '5', username: 'bob', acct: 'bob@fosstodon.org', display_name: 'Bob', avatar: 'https://f.example/a.png', avatar_static: 'https://f.example/s.png', url: 'https://fosstodon.org/@bob', emojis: [], bot: true, fields: [] },
      media_attachments: [{ type: 'image', url: 'https://f.example/1.jpg', preview_url: 'https://f.example/1s.jpg', description: 'alt', meta: { original: { width: 10, height: 20 } } }],
      mentions: [{ id: '77', username: 'eve', acct: 'eve@other.example', url: 'https://other.example/@eve' }],
      emojis: [{ shortcode: 'x', url: 'https://f.example/x.png', static_url: 'https://f.example/x_s.png' }],
      poll: { expires_at: null, expired: false, multiple: false, votes_count: 0, options: [{ title: 'A', votes_count: 0 }] },
      card: { url: 'https://n.example/', title: 'N', description: '', image: null, provider_name: 'N' },
    };
    const { post } = normalize(snake);
    expect(post.post).toMatchObject({
      createdAt: '2026-11-02T10:00:00.123Z',
      editedAt: '2026-11-02T10:01:00.000Z',
      spoilerText: 'cw',
      sensitive: true,
      counts: { replies: 1, reposts: 2, likes: 3 },
      inReplyTo: { remoteId: '9000', authorHandle: 'eve@other.example' },
      media: [{ type: 'image', url: 'https://f.example/1.jpg', previewUrl: 'https://f.example/1s.jpg', alt: 'alt', width: 10, height: 20 }],
      emojis: [{ shortcode: 'x', url: 'https://f.example/x.png' }],
      poll: { options: [{ title: 'A', votes: 0, percent: null }], expiresAt: null, totalVotes: 0 },
      card: { url: 'https://n.example/', providerName: 'N' },
    });
    expect(post.post.author).toMatchObject({ displayName: 'Bob', avatarUrl: 'https://f.example/a.png', bot: true });
  });

  it('names the parent author of a self-reply, and leaves it null when unknown', () => {
    expect(normalize(mastodonStatus({ inReplyToId: '1', inReplyToAccountId: '109348723' })).post.post.inReplyTo).toEqual({ remoteId: '1', authorHandle: 'bob@fosstodon.org' });
    expect(normalize(mastodonStatus({ inReplyToId: '1', inReplyToAccountId: '555' })).post.post.inReplyTo).toEqual({ remoteId: '1', authorHandle: null });
  });

  it('accepts timestamps in other precisions and offsets', () => {
    for (const [raw, iso] of [
      ['2026-11-02T10:00:00Z', '2026-11-02T10:00:00.000Z'],
      ['2026-11-02T10:00:00.123456789Z', '2026-11-02T10:00:00.123Z'],
      ['2026-11-02T12:00:00+02:00', '2026-11-02T10:00:00.000Z'],
      ['2026-11-02T10:00:00+0000', '2026-11-02T10:00:00.000Z'],
      ['2026-11-02T10:00:00', '2026-11-02T10:00:00.000Z'],
    ])
      expect(normalize(mastodonStatus({ createdAt: raw })).post.post.createdAt, raw).toBe(iso);
  });

  it('reads Mastodon 4.4 quotes, full or shallow', () => {
    const quoted = mastodonStatus({ id: '777', url: 'https://fosstodon.org/@bob/777' });
    expect(normalize(mastodonStatus({ quote: { state: 'accepted', quotedStatus: quoted } })).post.post.quote).toEqual({ remoteId: '777', url: 'https://fosstodon.org/@bob/777' });
    expect(normalize(mastodonStatus({ quote: { state: 'accepted', quoted_status_id: '778' } })).post.post.quote).toEqual({ remoteId: '778', url: null });
    expect(normalize(mastodonStatus({ quote: { state: 'deleted', quotedStatus: null } })).post.post.quote).toBeNull();
  });

  it('ignores the quote fallback paragraph in the text it links by', () => {
    const content = '<p class="quote-inline">RE: <a href="https://fosstodon.org/@bob/777">fosstodon.org/@bob/777</a></p><p>So true</p>';
    expect(normalize(mastodonStatus({ content })).post.link.text).toBe('so true');
  });

  it('reads the Threads post id from the ActivityPub id of a federated Threads post', () => {
    const federated = mastodonStatus({
      account: mastodonAccount({ id: '110', username: 'alice', acct: 'alice@threads.net', url: 'https://www.threads.net/@alice', fields: [] }),
      uri: 'https://www.threads.net/ap/users/17841400000000001/post/18028743095012345/',
      url: 'https://www.threads.net/@alice/post/C0dExAmPlE1',
    });
    const { post } = normalize(federated);
    expect(post.link).toMatchObject({
      threadsPostId: '18028743095012345',
      personKey: 'threads:threads.net:alice',
      uriKey: 'threads.net/ap/users/17841400000000001/post/18028743095012345',
      urlKey: 'threads.net/@alice/post/C0dExAmPlE1',
    });
  });

  it('reads no Threads post id for accounts on other hosts, whatever their URIs look like', () => {
    const { post } = normalize(mastodonStatus({ uri: 'https://blog.example/post/12345/' }));
    expect(post.link.threadsPostId).toBeNull();
  });

  it("keys an author who verified a Threads profile as that person, and the user's own accounts as self", () => {
    const fields = [{ name: 'Threads', value: '<a href="https://www.threads.net/@bobby" rel="me nofollow noopener" target="_blank">threads.net/@bobby</a>', verifiedAt: '2026-10-01T00:00:00.000+00:00' }];
    expect(normalize(mastodonStatus({ account: mastodonAccount({ fields }) })).post.link.personKey).toBe('threads:threads.net:bobby');
    const selfCtx = mastodonCtx({ selfKeys: new Set(['mastodon:bob@fosstodon.org']) });
    expect(normalize(mastodonStatus(), selfCtx).post.link.personKey).toBe('self');
  });

  describe('refuses what Braid relies on when it is missing', () => {
    const cases: [string, unknown][] = [
      ['not an object', 'hello'],
      ['null', null],
      ['no id', mastodonStatus({ id: undefined })],
      ['empty id', mastodonStatus({ id: '' })],
      ['no account', mastodonStatus({ account: null })],
      ['account without id', mastodonStatus({ account: mastodonAccount({ id: undefined }) })],
      ['account without acct', mastodonStatus({ account: mastodonAccount({ acct: '' }) })],
      ['no createdAt', mastodonStatus({ createdAt: undefined })],
      ['unreadable createdAt', mastodonStatus({ createdAt: 'yesterday' })],
      ['numeric createdAt', mastodonStatus({ createdAt: 1_700_000_000 })],
      ['a reblog of a status without account', mastodonStatus({ reblog: mastodonStatus({ account: undefined }) })],
      ['a reblog whose own createdAt is missing', mastodonStatus({ createdAt: null, reblog: mastodonStatus() })],
    ];
    it.each(cases)('%s → NormalizeError', (_name, raw) => {
      expect(() => normalizeMastodonStatus(raw, ctx)).toThrow(NormalizeError);
    });

    it('says what was missing, as a BraidError that can cross the bridge', () => {
      try {
        normalizeMastodonStatus(mastodonStatus({ createdAt: 'soon' }), ctx);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(BraidError);
        expect((error as BraidError).code).toBe('network.bad-response');
        expect((error as Error).message).toMatch(/113456789012345678 has no readable createdAt/);
      }
    });
  });

  it('tolerates missing optional fields and extra fields', () => {
    const minimal = { id: '1', createdAt: '2026-11-02T10:00:00Z', account: { id: '2', acct: 'x@y.example' }, somethingNew: { nested: true } };
    const { post } = normalize(minimal);
    expect(post.post).toMatchObject({ contentHtml: '', uri: null, url: null, media: [], emojis: [], counts: { replies: null, reposts: null, likes: null } });
    expect(post.post.author).toMatchObject({ handle: 'x@y.example', displayName: 'x', avatarUrl: null, bot: false });
    expect(post.link.text).toBe('');
  });
});
