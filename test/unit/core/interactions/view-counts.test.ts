import { describe, expect, it } from 'vitest';
import type { Interactor } from '@shared/interactions';
import type { MastodonSideData } from '../../../../electron/core/interactions/mastodon-side';
import { mastodonFediverseCounts } from '../../../../electron/core/interactions/view';

const person = (handle: string, origin: Interactor['origin']): Interactor => ({
  author: { id: `mastodon:m.test:${handle}`, network: 'mastodon', handle, displayName: handle, avatarUrl: null, url: null, emojis: [], bot: false },
  origin,
});

function side(over: Partial<MastodonSideData>): MastodonSideData {
  return {
    statusId: '1',
    status: { counts: { likes: 3, reposts: 2, replies: 0, quotes: null }, favourited: null, reblogged: null },
    replies: [],
    favouritedBy: [],
    favouritedMore: false,
    rebloggedBy: [],
    rebloggedMore: false,
    ...over,
  };
}

describe('the Mastodon copy as the Fediverse part of the counts', () => {
  it('leaves out Threads users whose likes and reposts federated to the Mastodon server (Threads counts them already)', () => {
    const counts = mastodonFediverseCounts(
      side({
        favouritedBy: [person('mona@m.test', 'fediverse'), person('alice@threads.test', 'threads'), person('ned@m.test', 'fediverse')],
        rebloggedBy: [person('frank.news@threads.test', 'threads'), person('olive@m.test', 'fediverse')],
      }),
    );
    expect(counts.likes).toBe(2);
    expect(counts.reposts).toBe(1);
  });

  it('keeps the server’s own count when Braid did not read the whole list', () => {
    const counts = mastodonFediverseCounts(side({ favouritedBy: [person('alice@threads.test', 'threads')], favouritedMore: true, rebloggedMore: true }));
    expect(counts.likes).toBe(3);
    expect(counts.reposts).toBe(2);
    // A list shorter than the count (a read that failed or came back short) is not the whole list either.
    const short = mastodonFediverseCounts(side({ favouritedBy: [person('alice@threads.test', 'threads')] }));
    expect(short.likes).toBe(3);
    expect(short.reposts).toBe(2);
  });
});
