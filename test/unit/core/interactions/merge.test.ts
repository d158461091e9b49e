import { describe, expect, it } from 'vitest';
import type { ReplyNode } from '@shared/interactions';
import { mergeReplyTree, type ReplyTreeInput } from '../../../../electron/core/interactions/merge';
import { reply } from './fixtures';

const ROOTS = { threads: 'T0', mastodon: 'M0' } as const;
const merge = (posts: ReplyTreeInput['posts'], extra: Partial<ReplyTreeInput> = {}): ReplyNode[] => mergeReplyTree({ rootIds: ROOTS, posts, ...extra });
const texts = (nodes: readonly ReplyNode[]): string[] => nodes.map((node) => node.posts.map((post) => post.remoteId).join('+'));

describe('one node per reply seen from both sides', () => {
  it('joins a Fediverse reply on the Threads side with its Mastodon status by ActivityPub id', () => {
    const nodes = merge([
      reply({ network: 'threads', remoteId: 't1', parent: 'T0', uri: 'https://m.example/users/mona/statuses/9', url: 'https://m.example/@mona/9', fromFediverse: true }),
      reply({ network: 'mastodon', remoteId: 'm9', parent: 'M0', uri: 'https://m.example/users/mona/statuses/9', url: null }),
    ]);
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({ networks: ['threads', 'mastodon'], parentId: null, depth: 1, parentMissing: false, id: 'm.example/users/mona/statuses/9' });
    expect(nodes[0]?.posts.map((post) => post.remoteId)).toEqual(['t1', 'm9']);
  });

  it('joins by permalink, whatever the scheme, www. or trailing slash', () => {
    const nodes = merge([
      reply({ network: 'mastodon', remoteId: 'm2', parent: 'M0', uri: 'https://threads.example/ap/users/1/post/2/', url: 'http://www.threads.example/@alice/post/ABC/' }),
      reply({ network: 'threads', remoteId: 't2', parent: 'T0', url: 'https://threads.example/@alice/post/ABC' }),
    ]);
    expect(texts(nodes)).toEqual(['t2+m2']);
  });

  it('joins a Threads permalink that is the Mastodon status’s ActivityPub id (the other way round)', () => {
    const nodes = merge([
      reply({ network: 'threads', remoteId: 't3', parent: 'T0', url: 'https://m.example/users/mona/statuses/10', fromFediverse: true }),
      reply({ network: 'mastodon', remoteId: 'm10', parent: 'M0', uri: 'https://m.example/users/mona/statuses/10', url: 'https://m.example/@mona/10' }),
    ]);
    expect(texts(nodes)).toEqual(['t3+m10']);
  });

  it('keeps two different replies apart, and a reply loaded twice once', () => {
    const a = reply({ network: 'mastodon', remoteId: 'm1', parent: 'M0', uri: 'https://m.example/s/1' });
    const nodes = merge([a, a, reply({ network: 'mastodon', remoteId: 'm2', parent: 'M0', uri: 'https://m.example/s/2', at: 1 })]);
    expect(texts(nodes)).toEqual(['m1', 'm2']);
  });

  it('never lists the card itself as a reply to itself', () => {
    const nodes = merge(
      [
        reply({ network: 'mastodon', remoteId: 'M0', uri: 'https://m.example/s/0' }),
        reply({ network: 'mastodon', remoteId: 'm7', uri: 'https://threads.example/ap/users/1/post/0/', parent: 'M0' }),
        reply({ network: 'mastodon', remoteId: 'm8', parent: 'M0' }),
      ],
      { cardKeys: new Set(['threads.example/ap/users/1/post/0']) },
    );
    expect(texts(nodes)).toEqual(['m8']);
  });
});

describe('parents', () => {
  it('finds a parent through the other side’s copy of it', () => {
    const nodes = merge([
      reply({ network: 'threads', remoteId: 't4', parent: 'T0', uri: 'https://m.example/s/4' }),
      reply({ network: 'mastodon', remoteId: 'm4', parent: 'M0', uri: 'https://m.example/s/4' }),
      // Only Mastodon saw this one; its parent is the Mastodon copy of the joined node.
      reply({ network: 'mastodon', remoteId: 'm5', parent: 'm4', at: 2 }),
    ]);
    expect(texts(nodes)).toEqual(['t4+m4', 'm5']);
    expect(nodes[1]).toMatchObject({ parentId: nodes[0]?.id, depth: 2, parentMissing: false });
  });

  it('puts a reply whose parent was not loaded under the card, marked, and keeps its own replies under it', () => {
    const nodes = merge([
      reply({ network: 'mastodon', remoteId: 'm1', parent: 'gone', at: 1 }),
      reply({ network: 'mastodon', remoteId: 'm2', parent: 'm1', at: 2 }),
      reply({ network: 'threads', remoteId: 't1', parent: null, at: 3 }),
      reply({ network: 'threads', remoteId: 't2', parent: 'T0', at: 4 }),
    ]);
    expect(nodes.map((n) => [n.posts[0]?.remoteId, n.depth, n.parentMissing])).toEqual([
      ['m1', 1, true],
      ['m2', 2, false],
      ['t1', 1, true],
      ['t2', 1, false],
    ]);
  });

  it('keeps a 30-deep thread 30 deep, in order', () => {
    const chain = Array.from({ length: 30 }, (_, i) => reply({ network: 'threads', remoteId: `t${i + 1}`, parent: i === 0 ? 'T0' : `t${i}`, at: 30 - i }));
    const nodes = merge(chain);
    expect(nodes.map((n) => n.depth)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(nodes.at(-1)).toMatchObject({ parentId: 'threads:t29', depth: 30, parentMissing: false });
  });

  it('walks a 20,000-deep thread without running out of stack', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => reply({ network: 'mastodon', remoteId: `m${i + 1}`, parent: i === 0 ? 'M0' : `m${i}` }));
    const nodes = merge(chain);
    expect(nodes).toHaveLength(20_000);
    expect(nodes.at(-1)?.depth).toBe(20_000);
  });

  it('cuts a cycle in bad data: every reply shows once, none is lost, nothing loops', () => {
    const nodes = merge([
      reply({ network: 'mastodon', remoteId: 'a', parent: 'b', at: 1 }),
      reply({ network: 'mastodon', remoteId: 'b', parent: 'c', at: 2 }),
      reply({ network: 'mastodon', remoteId: 'c', parent: 'a', at: 3 }),
      reply({ network: 'mastodon', remoteId: 'self', parent: 'self', at: 4 }),
      reply({ network: 'mastodon', remoteId: 'ok', parent: 'M0', at: 5 }),
    ]);
    expect(texts(nodes).sort()).toEqual(['a', 'b', 'c', 'ok', 'self']);
    const cut = nodes.filter((n) => n.depth === 1 && n.parentMissing).map((n) => n.posts[0]?.remoteId);
    expect(cut).toContain('self');
    expect(cut.filter((id) => id !== 'self')).toHaveLength(1);
    // The cycle hangs under its cut point, two more levels deep.
    expect(nodes.filter((n) => ['a', 'b', 'c'].includes(n.posts[0]?.remoteId ?? '')).map((n) => n.depth)).toEqual([1, 2, 3]);
    for (const node of nodes) if (node.parentId !== null) expect(nodes.findIndex((n) => n.id === node.parentId)).toBeLessThan(nodes.indexOf(node));
  });
});

describe('order', () => {
  it('lists siblings oldest first, depth first, whichever side they came from', () => {
    const nodes = merge([
      reply({ network: 'threads', remoteId: 'late', parent: 'T0', at: 5 }),
      reply({ network: 'mastodon', remoteId: 'early', parent: 'M0', at: 1 }),
      reply({ network: 'threads', remoteId: 'middle', parent: 'T0', at: 3 }),
      reply({ network: 'mastodon', remoteId: 'early-answer-2', parent: 'early', at: 9 }),
      reply({ network: 'mastodon', remoteId: 'early-answer-1', parent: 'early', at: 8 }),
    ]);
    expect(texts(nodes)).toEqual(['early', 'early-answer-1', 'early-answer-2', 'middle', 'late']);
    expect(nodes.map((n) => n.depth)).toEqual([1, 2, 2, 1, 1]);
  });

  it('asks for each node’s badges with its copies', () => {
    const nodes = merge([reply({ network: 'threads', remoteId: 't1', parent: 'T0', fromFediverse: true })], {
      sharingOf: (posts) => Object.fromEntries(posts.map((post) => [post.id, { post: { badge: 'from-fediverse', how: 'test' }, author: null }])),
    });
    expect(nodes[0]?.sharing['acct-threads:t1']?.post?.badge).toBe('from-fediverse');
  });
});
