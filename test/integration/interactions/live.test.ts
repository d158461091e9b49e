/**
 * An open view stays live: it reloads on its own (every 30 s in the app, shortened here) and when
 * `timeline.updated` names its card, until it is closed or the card goes away. The service is
 * built the way app.ts builds it, around a second connection to the core's database.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { InteractionsView } from '@shared/interactions';
import type { TimelineUpdate } from '@shared/timeline';
import { DATABASE_FILE } from '../../../electron/core/app';
import { createAccountsRepo } from '../../../electron/core/db/accounts-repo';
import { openDatabase, type Db } from '../../../electron/core/db/open';
import { createThreadsServersRepo } from '../../../electron/core/db/threads-servers-repo';
import { createTimelineReader } from '../../../electron/core/db/timeline-read';
import { CoreEvents } from '../../../electron/core/events';
import { createInteractions, type Interactions } from '../../../electron/core/interactions/service';
import { DEMO_USERNAME } from '../../sandbox/index.ts';
import { cardWith, eventually, sharedPostWithFediverseLikeAndReply, sideOf, startWorld, threadsGet, type World } from './support';

let w: World;
let db: Db;
beforeAll(async () => {
  w = await startWorld();
  db = openDatabase(join(w.h.dataDir, DATABASE_FILE));
}, 60_000);
afterAll(async () => {
  db.close();
  await w.close();
});

function service(refreshMs: number): { interactions: Interactions; events: CoreEvents; views: InteractionsView[] } {
  const events = new CoreEvents();
  const views: InteractionsView[] = [];
  events.on('interactions.updated', (view) => views.push(view));
  const interactions = createInteractions({
    reader: createTimelineReader(db),
    accounts: createAccountsRepo(db),
    threadsServers: createThreadsServersRepo(db),
    secrets: w.h.secrets,
    events,
    fetch: globalThis.fetch,
    now: () => Date.now(),
    log: w.h.core.log,
    refreshMs,
    minReloadGapMs: 0,
  });
  return { interactions, events, views };
}

const latest = (views: readonly InteractionsView[]): InteractionsView => {
  const view = views.at(-1);
  expect(view).toBeDefined();
  return view as InteractionsView;
};
const changed = (groupIds: string[], removed: string[] = []): TimelineUpdate => ({ newer: 0, older: 0, olderGroupIds: [], changedGroupIds: groupIds, removedGroupIds: removed });

it('reloads an open view on its own, and stops when it is closed', async () => {
  const { copyId } = await sharedPostWithFediverseLikeAndReply(w, 'Live post number one', 'First answer');
  const card = await cardWith(w, 'Live post number one');
  const { interactions, views } = service(150);
  interactions.open(card.groupId);
  await eventually(() => expect(latest(views).replies).toHaveLength(1));

  w.sandbox.mastodon.admin.createStatus(w.monaId, { text: `@${DEMO_USERNAME}@${w.sandbox.threads.host} Second answer`, inReplyToId: copyId });
  await w.sandbox.federation.idle();
  await eventually(() => expect(latest(views).replies.map((n) => n.networks)).toEqual([['threads', 'mastodon'], ['threads', 'mastodon']]));

  interactions.close(card.groupId);
  const seen = views.length;
  // A negative check needs some time to pass: several refresh periods.
  await new Promise((resolve) => setTimeout(resolve, 600));
  expect(views.length).toBe(seen);
  interactions.stop();
});

it('reloads when the timeline names the card, shows a Threads answer to a Fediverse reply in place, and forgets a removed card', async () => {
  const { mediaId } = await sharedPostWithFediverseLikeAndReply(w, 'Live post number two', 'Answer me');
  const card = await cardWith(w, 'Live post number two');
  const { interactions, events, views } = service(60_000);
  interactions.open(card.groupId);
  await eventually(() => {
    expect(sideOf(latest(views), 'threads').state).toBe('ready');
    expect(sideOf(latest(views), 'mastodon').state).toBe('ready');
  });

  // The demo user answers Mona's reply on Threads; it federates back under her status.
  const conversation = await threadsGet(w, `${mediaId}/conversation?fields=id,is_from_fediverse`);
  const monaReply = (conversation.data as { id: string; is_from_fediverse: boolean }[]).find((r) => r.is_from_fediverse);
  w.sandbox.threads.admin.createPost(w.threadsDemoId, { text: 'Answered from Threads', replyToId: monaReply?.id ?? '' });
  await w.sandbox.federation.idle();

  events.emit('timeline.updated', changed([card.groupId]));
  const view = await eventually(() => {
    const last = latest(views);
    expect(last.replies).toHaveLength(2);
    return last;
  });
  const [mona, answer] = view.replies;
  expect(answer).toMatchObject({ parentId: mona?.id, depth: 2, parentMissing: false, networks: ['threads', 'mastodon'] });
  expect(answer?.posts[0]?.contentHtml).toContain('Answered from Threads');
  expect(view.counts.replies).toEqual({ total: 2, threads: 1, fediverse: 1 });

  events.emit('timeline.updated', changed([], [card.groupId]));
  const seen = views.length;
  // Announcing a changed card is synchronous while its view is open; a closed one stays quiet.
  events.emit('timeline.updated', changed([card.groupId]));
  expect(views.length).toBe(seen);
  interactions.stop();
});
