/**
 * The composer's rules (compose/check.ts): each warning, when it blocks, and what exactly each
 * network is sent — the same text the limits counted.
 */
import { describe, expect, it } from 'vitest';
import type { ComposeWarning, DraftMedia } from '@shared/compose';
import type { Post, TimelineEntry } from '@shared/timeline';
import { blockingMessage, checkCompose, planCompose, targetOf, type ComposeFacts, type ComposeTarget } from '../../../../electron/core/compose/check';
import { makeAuthor, makePost } from '../fixtures/post';

const THREADS = { id: 'acc-threads', server: 'https://graph.threads.net', handle: 'me' };
const MASTODON = { id: 'acc-masto', server: 'https://mastodon.social', handle: 'me@mastodon.social' };
const LIMITS = { maxCharacters: 500, charactersReservedPerUrl: 23, canQuote: false };
const IMAGE: DraftMedia = { id: 'm1', name: 'cat.png', mime: 'image/png', size: 10, alt: 'A cat' };

function facts(overrides: Partial<Omit<ComposeFacts, 'draft'>> & { draft?: Partial<ComposeFacts['draft']> } = {}): ComposeFacts {
  const { draft, ...rest } = overrides;
  return {
    draft: { text: 'Hello both networks', spoilerText: '', visibility: 'public', media: [], ...draft },
    threads: { ...THREADS, sharing: 'disabled' },
    mastodon: { ...MASTODON, limits: LIMITS },
    reply: null,
    quote: null,
    sent: [],
    ...rest,
  };
}

const codes = (warnings: readonly ComposeWarning[]) => warnings.map((w) => `${w.code}:${w.network ?? 'both'}:${w.blocks ? 'blocks' : 'warns'}`);

describe('limits', () => {
  it('counts each chosen network its own way and sends when both fit', () => {
    const check = checkCompose(facts({ draft: { text: `${'a'.repeat(470)} https://example.com/${'x'.repeat(60)}` } }));
    expect(check.limits).toEqual([
      { network: 'threads', max: 500, used: 471 + 20 + 60 },
      { network: 'mastodon', max: 500, used: 471 + 23 },
    ]);
    expect(codes(check.warnings)).toEqual(['over-limit:threads:blocks']);
    expect(check.canSend).toBe(false);
  });

  it('allows exactly 500 characters on Threads, emoji counted as one', () => {
    expect(checkCompose(facts({ mastodon: null, draft: { text: '🎉'.repeat(500) } })).canSend).toBe(true);
    const over = checkCompose(facts({ mastodon: null, draft: { text: '🎉'.repeat(501) } }));
    expect(over.warnings[0]).toMatchObject({ code: 'over-limit', network: 'threads', blocks: true });
    expect(over.warnings[0]?.message).toContain('1 characters over');
  });

  it("uses the instance's max_characters for Mastodon, counting the content warning too", () => {
    const long = 'b'.repeat(900);
    expect(checkCompose(facts({ threads: null, mastodon: { ...MASTODON, limits: { ...LIMITS, maxCharacters: 1000 } }, draft: { text: long } })).canSend).toBe(true);
    const check = checkCompose(facts({ threads: null, mastodon: { ...MASTODON, limits: { ...LIMITS, maxCharacters: 1000 } }, draft: { text: long, spoilerText: 'c'.repeat(101) } }));
    expect(check.limits).toEqual([{ network: 'mastodon', max: 1000, used: 1001 }]);
    expect(codes(check.warnings)).toEqual(['over-limit:mastodon:blocks']);
  });
});

describe('warnings', () => {
  it('no-target: nothing chosen blocks', () => {
    const check = checkCompose(facts({ threads: null, mastodon: null }));
    expect(codes(check.warnings)).toEqual(['no-target:both:blocks']);
    expect(check.limits).toEqual([]);
    expect(check.canSend).toBe(false);
  });

  it('empty: no text and no image blocks; whitespace is no text', () => {
    expect(codes(checkCompose(facts({ draft: { text: '  \n ' } })).warnings)).toEqual(['empty:both:blocks']);
    // An image alone may go to Mastodon.
    expect(checkCompose(facts({ threads: null, draft: { text: '', media: [IMAGE] } })).canSend).toBe(true);
  });

  it('threads-no-cw: a content warning with Threads chosen warns without blocking', () => {
    const check = checkCompose(facts({ draft: { spoilerText: 'food' } }));
    expect(codes(check.warnings)).toEqual(['threads-no-cw:threads:warns']);
    expect(check.warnings[0]?.message).toBe('Threads has no content warnings; the warning goes only to Mastodon.');
    expect(check.canSend).toBe(true);
    expect(checkCompose(facts({ threads: null, draft: { spoilerText: 'food' } })).warnings).toEqual([]);
  });

  it('threads-media: images with Threads chosen go to Mastodon only, and Threads then needs text', () => {
    const check = checkCompose(facts({ draft: { media: [IMAGE] } }));
    expect(codes(check.warnings)).toEqual(['threads-media:threads:warns']);
    expect(check.canSend).toBe(true);
    expect(codes(checkCompose(facts({ draft: { text: '', media: [IMAGE] } })).warnings)).toEqual(['threads-media:threads:warns', 'empty:threads:blocks']);
  });

  it('double-post: only when both are chosen and the Threads account shares to the Fediverse', () => {
    const sharing = facts({ threads: { ...THREADS, sharing: 'enabled' } });
    const check = checkCompose(sharing);
    expect(codes(check.warnings)).toEqual(['double-post:both:warns']);
    expect(check.warnings[0]?.message).toContain('see it twice');
    expect(check.warnings[0]?.message).toContain('Threads only');
    expect(check.canSend).toBe(true);
    expect(checkCompose({ ...sharing, mastodon: null }).warnings).toEqual([]);
    for (const status of ['disabled', 'unknown', 'ineligible', null] as const) {
      expect(checkCompose(facts({ threads: { ...THREADS, sharing: status } })).warnings, String(status)).toEqual([]);
    }
    // Once one copy is out, the retry posts the other: no point warning again.
    expect(checkCompose({ ...sharing, sent: ['threads'] }).warnings).toEqual([]);
  });

  it('reply-unresolved: blocks the network that cannot reach the post', () => {
    const threadsOnlyUnshared: ComposeTarget = { found: true, threadsId: '1789', mastodon: null, url: 'https://www.threads.net/@carol/post/C1' };
    expect(codes(checkCompose(facts({ reply: threadsOnlyUnshared })).warnings)).toEqual(['reply-unresolved:mastodon:blocks']);
    expect(checkCompose(facts({ reply: threadsOnlyUnshared, mastodon: null })).canSend).toBe(true);
    const mastodonOnly: ComposeTarget = { found: true, threadsId: null, mastodon: { statusId: '42' }, url: 'https://mas.to/@x/42' };
    expect(codes(checkCompose(facts({ reply: mastodonOnly })).warnings)).toEqual(['reply-unresolved:threads:blocks']);
    const gone: ComposeTarget = { found: false, threadsId: null, mastodon: null, url: null };
    expect(codes(checkCompose(facts({ reply: gone })).warnings)).toContain('reply-unresolved:both:blocks');
  });

  it('quote-unsupported: a Mastodon server without quote posts links the quoted post instead, counted in its limit', () => {
    const quote: ComposeTarget = { found: true, threadsId: '1789', mastodon: { resolveUrl: 'https://www.threads.net/@alice/post/A1' }, url: 'https://www.threads.net/@alice/post/A1' };
    const plan = planCompose(facts({ quote }));
    expect(codes(plan.check.warnings)).toEqual(['quote-unsupported:mastodon:warns']);
    expect(plan.threads).toEqual({ text: 'Hello both networks', replyToId: null, quotePostId: '1789' });
    expect(plan.mastodon?.text).toBe('Hello both networks\n\nhttps://www.threads.net/@alice/post/A1');
    expect(plan.mastodon?.quote).toBeNull();
    expect(plan.check.limits.find((l) => l.network === 'mastodon')?.used).toBe(19 + 2 + 23);

    const native = planCompose(facts({ quote, mastodon: { ...MASTODON, limits: { ...LIMITS, canQuote: true } } }));
    expect(native.check.warnings).toEqual([]);
    expect(native.mastodon).toMatchObject({ text: 'Hello both networks', quote: { resolveUrl: 'https://www.threads.net/@alice/post/A1' } });
  });

  it('quote-unsupported: Threads quotes only Threads posts; with no address at all it blocks', () => {
    const mastodonPost: ComposeTarget = { found: true, threadsId: null, mastodon: { statusId: '9' }, url: 'https://mas.to/@x/9' };
    const plan = planCompose(facts({ quote: mastodonPost, mastodon: null }));
    expect(codes(plan.check.warnings)).toEqual(['quote-unsupported:threads:warns']);
    expect(plan.threads?.text).toBe('Hello both networks\n\nhttps://mas.to/@x/9');
    const noAddress: ComposeTarget = { found: true, threadsId: null, mastodon: { statusId: '9' }, url: null };
    expect(codes(checkCompose(facts({ quote: noAddress, mastodon: null })).warnings)).toEqual(['quote-unsupported:threads:blocks']);
  });
});

describe('plan', () => {
  it("sends each network its own copy of the reply target and the content warning to Mastodon only", () => {
    const reply: ComposeTarget = { found: true, threadsId: '1789', mastodon: { statusId: '555' }, url: null };
    const plan = planCompose(facts({ reply, draft: { spoilerText: 'cw', visibility: 'unlisted' } }));
    expect(plan.threads).toEqual({ text: 'Hello both networks', replyToId: '1789', quotePostId: null });
    expect(plan.mastodon).toEqual({ text: 'Hello both networks', spoilerText: 'cw', visibility: 'unlisted', inReplyTo: { statusId: '555' }, quote: null });
  });

  it('skips a network an earlier send already posted to, and its rules', () => {
    const plan = planCompose(facts({ sent: ['threads'], draft: { text: 'x'.repeat(501), spoilerText: '' }, mastodon: { ...MASTODON, limits: { ...LIMITS, maxCharacters: 600 } } }));
    expect(plan.threads).toBeNull();
    expect(plan.mastodon?.text).toHaveLength(501);
    expect(plan.check.canSend).toBe(true);
  });

  it('blockingMessage joins what stops the send', () => {
    const check = checkCompose(facts({ threads: null, mastodon: null, draft: { text: '' } }));
    expect(blockingMessage(check)).toBe('Choose an account to post from: Threads, Mastodon or both. Write something or attach an image first.');
  });
});

describe('targetOf', () => {
  const base = { author: makeAuthor({ id: 'a', displayName: 'Alice' }), contentHtml: '<p>hi</p>' };
  const threadsCopy = (overrides: Partial<Post> = {}): Post =>
    makePost({ ...base, accountId: 'acc-threads', network: 'threads', remoteId: '1789', url: 'https://www.threads.net/@alice/post/A1', ...overrides });
  const mastodonCopy = (overrides: Partial<Post> = {}): Post =>
    makePost({
      ...base,
      accountId: 'acc-masto',
      network: 'mastodon',
      remoteId: '555',
      uri: 'https://threads.net/ap/users/1/post/1789/',
      url: 'https://www.threads.net/@alice/post/A1',
      ...overrides,
    });
  const entry = (posts: Post[], sharing: TimelineEntry['sharing'] = {}): TimelineEntry => ({
    groupId: '7',
    cursor: '1.7',
    sortAt: '2026-11-02T10:00:00.000Z',
    posts,
    networks: [...new Set(posts.map((p) => p.network))],
    rule: null,
    boostedBy: [],
    sharing,
  });
  const accounts = { threads: THREADS, mastodon: MASTODON };
  const serverOf = (id: string) => ({ 'acc-threads': THREADS.server, 'acc-threads-2': THREADS.server, 'acc-masto': MASTODON.server })[id];

  it('uses each account its own copy on a cross-posted card', () => {
    expect(targetOf(entry([threadsCopy(), mastodonCopy()]), accounts, serverOf)).toEqual({
      found: true,
      threadsId: '1789',
      mastodon: { statusId: '555' },
      url: 'https://www.threads.net/@alice/post/A1',
    });
  });

  it('looks a Threads-only card up on Mastodon by its address, unless it is known not to be shared', () => {
    expect(targetOf(entry([threadsCopy({ uri: 'https://threads.net/ap/users/1/post/1789/' })]), accounts, serverOf).mastodon).toEqual({
      resolveUrl: 'https://threads.net/ap/users/1/post/1789/',
    });
    expect(targetOf(entry([threadsCopy()]), accounts, serverOf).mastodon).toEqual({ resolveUrl: 'https://www.threads.net/@alice/post/A1' });
    expect(targetOf(entry([threadsCopy({ sharedToFediverse: false })]), accounts, serverOf).mastodon).toBeNull();
    const notShared = { 'acc-threads:1789': { post: { badge: 'not-shared' as const, how: 'carol does not share' }, author: null } };
    expect(targetOf(entry([threadsCopy()], notShared), accounts, serverOf).mastodon).toBeNull();
  });

  it('names a Threads copy seen by another account on the same server, never one from another server', () => {
    expect(targetOf(entry([threadsCopy({ accountId: 'acc-threads-2', id: 'acc-threads-2:1789' })]), accounts, serverOf).threadsId).toBe('1789');
    expect(targetOf(entry([threadsCopy({ accountId: 'acc-elsewhere', id: 'acc-elsewhere:1789' })]), accounts, serverOf).threadsId).toBeNull();
  });

  it('reports a card that is gone', () => {
    expect(targetOf(undefined, accounts, serverOf)).toEqual({ found: false, threadsId: null, mastodon: null, url: null });
  });
});
