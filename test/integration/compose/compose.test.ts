/**
 * Composing against the sandbox over real HTTP: both demo accounts linked through the real
 * sign-in pages; posts go out through the core's contract and are checked on the servers.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ComposeCheck, Draft, DraftMedia, SendResult } from '@shared/compose';
import type { Account } from '@shared/model';
import type { TimelineEntry, TimelineUpdate } from '@shared/timeline';
import { startSandbox, type Sandbox } from '../../sandbox/index.ts';
import { allEntries, eventually, linkDemoMastodon, linkDemoThreads, timelineHarness, type Harness } from '../timeline/support';

/** A 1×1 PNG: real image bytes, as a file picker would give them. */
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

let sandbox: Sandbox;
let h: Harness;
let threads: Account;
let mastodon: Account;
let threadsToken: string;
let mastodonToken: string;
const updates: TimelineUpdate[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ posts: 120 });
  h = timelineHarness(sandbox, { sync: { backfillTarget: 60 } });
  h.core.events.on('timeline.updated', (update) => updates.push(update));
  mastodon = await linkDemoMastodon(h, sandbox);
  threads = await linkDemoThreads(h);
  await h.core.sync.settled();
  const seeded = sandbox.seeded;
  if (!seeded) throw new Error('seeded sandbox expected');
  threadsToken = sandbox.threads.admin.createToken(seeded.threadsUsers.braid_demo?.id as string);
  mastodonToken = sandbox.mastodon.admin.createToken(seeded.mastodonAccounts.braid_demo?.id as string);
}, 60_000);
afterAll(async () => {
  h.close();
  await sandbox.stop();
});

async function threadsApi(path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${sandbox.threads.origin}/v1.0/${path}`, { headers: { authorization: `Bearer ${threadsToken}` } });
  return (await response.json()) as Record<string, unknown>;
}

async function mastodonApi<T = Record<string, unknown>>(path: string): Promise<T> {
  const response = await fetch(`${sandbox.mastodon.origin}${path}`, { headers: { authorization: `Bearer ${mastodonToken}` } });
  return (await response.json()) as T;
}

/** The demo user's own posts on each server whose text contains `text`. */
async function postsOnServers(text: string): Promise<{ threads: { id: string; text: string }[]; mastodon: { id: string; content: string }[] }> {
  const mine = (await threadsApi('me/threads?fields=id,text&limit=100')).data as { id: string; text?: string }[];
  const me = await mastodonApi<{ id: string }>('/api/v1/accounts/verify_credentials');
  const statuses = await mastodonApi<{ id: string; content: string }[]>(`/api/v1/accounts/${me.id}/statuses?limit=40`);
  return {
    threads: mine.filter((post) => post.text?.includes(text)).map((post) => ({ id: post.id, text: post.text ?? '' })),
    mastodon: statuses.filter((status) => status.content.includes(text)),
  };
}

function saveDraft(fields: { text: string; threads?: boolean; mastodon?: boolean; spoilerText?: string; replyToGroupId?: string | null }): Promise<Draft> {
  return h.call('drafts.save', {
    text: fields.text,
    spoilerText: fields.spoilerText ?? '',
    threadsAccountId: fields.threads === false ? null : threads.id,
    mastodonAccountId: fields.mastodon === false ? null : mastodon.id,
    visibility: 'public',
    replyToGroupId: fields.replyToGroupId ?? null,
    quoteGroupId: null,
  }) as Promise<Draft>;
}

const send = (draftId: string) => h.call('compose.send', { draftId }) as Promise<SendResult>;
const card = async (groupId: string): Promise<TimelineEntry | undefined> => ((await h.call('timeline.entries', { groupIds: [groupId] })) as TimelineEntry[])[0];

it('sends to both: one card with both networks at once, both posts on the servers, the draft gone', async () => {
  const text = 'Cross-posted from the Braid composer, to both at once';
  const draft = await saveDraft({ text });
  const check = (await h.call('compose.check', { draftId: draft.id })) as ComposeCheck;
  expect(check.canSend).toBe(true);
  expect(check.limits).toEqual([
    { network: 'threads', max: 500, used: text.length },
    { network: 'mastodon', max: 500, used: text.length },
  ]);
  updates.length = 0;
  // A double click: the second send gets the first one's answer, nothing is posted twice.
  const [result, again] = await Promise.all([send(draft.id), send(draft.id)]);
  expect(again).toEqual(result);
  expect(result.failed).toEqual([]);
  expect(result.draft).toBeNull();
  expect(result.posted.map((copy) => copy.network)).toEqual(['threads', 'mastodon']);
  const groupId = result.groupId as string;

  // At once, without waiting for any sync.
  const entry = await card(groupId);
  expect(entry?.networks).toEqual(['threads', 'mastodon']);
  expect(entry?.posts.map((post) => post.remoteId)).toEqual(expect.arrayContaining(result.posted.map((copy) => copy.remoteId)));
  expect(['same-author-text', 'activitypub-id']).toContain(entry?.rule);
  expect(updates.some((u) => u.newer > 0 || u.changedGroupIds.includes(groupId))).toBe(true);
  expect(((await h.call('drafts.list')) as Draft[]).some((d) => d.id === draft.id)).toBe(false);

  const onServers = await postsOnServers(text);
  expect(onServers.threads.map((p) => p.id)).toEqual([result.posted[0]?.remoteId]);
  expect(onServers.mastodon.map((p) => p.id)).toEqual([result.posted[1]?.remoteId]);

  // The syncs bring the same posts, and Threads' federated copy reaches Mastodon: all join this card.
  await sandbox.federation.idle();
  await h.call('sync.refresh');
  await eventually(async () => {
    const ours = (await allEntries(h)).filter((e) => e.posts.some((post) => post.contentHtml.includes(text)));
    expect(ours.map((e) => e.groupId)).toEqual([groupId]);
    expect(ours[0]?.posts).toHaveLength(3);
  });
});

it('keeps the draft when Mastodon is down, then a retry posts only to Mastodon', async () => {
  const text = 'Posted while Mastodon was down, retried later';
  const fault = sandbox.faults.add({ server: 'mastodon', path: '/**', fault: { kind: 'status', status: 503 } });
  const draft = await saveDraft({ text });
  let first: SendResult;
  try {
    first = await send(draft.id);
  } finally {
    sandbox.faults.remove(fault.id);
  }
  expect(first.posted.map((copy) => copy.network)).toEqual(['threads']);
  expect(first.failed).toEqual([{ network: 'mastodon', message: expect.stringContaining('HTTP 503') as unknown }]);
  expect(first.draft?.sent).toEqual(first.posted);
  expect(first.draft?.lastError).toMatch(/^Posted to Threads\. Not posted to Mastodon: .*HTTP 503/);
  const kept = ((await h.call('drafts.list')) as Draft[]).find((d) => d.id === draft.id);
  expect(kept).toMatchObject({ text, sent: [{ network: 'threads' }], lastError: first.draft?.lastError });
  expect((await card(first.groupId as string))?.networks).toEqual(['threads']);

  const retry = await send(draft.id);
  expect(retry.failed).toEqual([]);
  expect(retry.draft).toBeNull();
  expect(retry.posted.map((copy) => copy.network)).toEqual(['threads', 'mastodon']);
  expect(retry.posted[0]).toEqual(first.posted[0]);
  expect(retry.groupId).toBe(first.groupId);
  expect((await card(retry.groupId as string))?.networks).toEqual(['threads', 'mastodon']);
  const onServers = await postsOnServers(text);
  expect(onServers.threads).toHaveLength(1);
  expect(onServers.mastodon).toHaveLength(1);
});

it('does not post twice when Mastodon made the post but its answer was lost (Idempotency-Key)', async () => {
  const text = 'Mastodon made this one, but the answer got cut off';
  const draft = await saveDraft({ text, threads: false });
  // The server posts, then the connection drops halfway through its answer.
  sandbox.faults.add({ server: 'mastodon', method: 'POST', path: '/api/v1/statuses', times: 1, fault: { kind: 'truncated' } });
  const first = await send(draft.id);
  expect(first.posted).toEqual([]);
  expect(first.failed).toEqual([{ network: 'mastodon', message: expect.any(String) as unknown }]);
  expect((await postsOnServers(text)).mastodon).toHaveLength(1);

  const retry = await send(draft.id);
  expect(retry.failed).toEqual([]);
  const onServers = await postsOnServers(text);
  expect(onServers.mastodon.map((status) => status.id)).toEqual([retry.posted[0]?.remoteId]);
});

it('replies from the Mastodon account to a Threads-only card through its federated copy', async () => {
  const demoThreads = sandbox.seeded?.threadsUsers.braid_demo?.id as string;
  const zoe = sandbox.threads.admin.createUser({ username: 'zoe_compose', password: 'zoe-password', sharing: true });
  const grace = sandbox.threads.admin.createUser({ username: 'grace_compose', password: 'grace-password' });
  sandbox.threads.admin.follow(demoThreads, zoe.id);
  sandbox.threads.admin.follow(demoThreads, grace.id);
  const shared = sandbox.threads.admin.createPost(zoe.id, { text: 'Zoe asks: who composes from Braid?' });
  const unshared = sandbox.threads.admin.createPost(grace.id, { text: 'Grace keeps her posts on Threads' });
  await h.call('sync.refresh');
  const cardOf = (postId: string) =>
    eventually(async () => {
      const found = (await allEntries(h)).find((e) => e.posts.some((post) => post.remoteId === postId));
      expect(found).toBeDefined();
      return found as TimelineEntry;
    });
  const zoeCard = await cardOf(shared.id);
  // The Mastodon account follows neither: the card has no Mastodon copy to answer.
  expect(zoeCard.networks).toEqual(['threads']);

  const reply = await saveDraft({ text: 'Replying from my Mastodon account', threads: false, replyToGroupId: zoeCard.groupId });
  expect(((await h.call('compose.check', { draftId: reply.id })) as ComposeCheck).warnings).toEqual([]);
  const result = await send(reply.id);
  expect(result.failed).toEqual([]);
  const status = await mastodonApi<{ in_reply_to_id: string | null }>(`/api/v1/statuses/${result.posted[0]?.remoteId}`);
  expect(status.in_reply_to_id).not.toBeNull();
  const parent = await mastodonApi<{ uri: string }>(`/api/v1/statuses/${status.in_reply_to_id}`);
  expect(parent.uri).toBe(shared.activityPubId);
  // And it reaches Zoe on Threads as a Fediverse reply.
  await sandbox.federation.idle();
  const replies = (await threadsApi(`${shared.id}/replies?fields=id,text,is_from_fediverse`)).data as { text: string; is_from_fediverse: boolean }[];
  expect(replies).toContainEqual(expect.objectContaining({ text: expect.stringContaining('Replying from my Mastodon account') as unknown, is_from_fediverse: true }));

  // A post its author does not share cannot be reached from Mastodon: the check says so and send refuses.
  const graceCard = await cardOf(unshared.id);
  const blocked = await saveDraft({ text: 'This cannot reach Grace', threads: false, replyToGroupId: graceCard.groupId });
  const check = (await h.call('compose.check', { draftId: blocked.id })) as ComposeCheck;
  expect(check.warnings).toEqual([expect.objectContaining({ code: 'reply-unresolved', network: 'mastodon', blocks: true })]);
  await expect(send(blocked.id)).rejects.toMatchObject({ code: 'draft.invalid' });
  await h.call('drafts.delete', { draftId: blocked.id });
});

it('quotes natively on Threads and by link on a Mastodon that cannot quote, still one card at once', async () => {
  const quoted = (await allEntries(h)).find((e) => e.posts.some((post) => post.network === 'threads' && post.url !== null && post.accountId === threads.id));
  const quotedCopy = quoted?.posts.find((post) => post.network === 'threads') as TimelineEntry['posts'][number];
  const text = 'Worth a read, quoted from Braid';
  const draft = (await h.call('drafts.save', {
    text,
    spoilerText: '',
    threadsAccountId: threads.id,
    mastodonAccountId: mastodon.id,
    visibility: 'public',
    replyToGroupId: null,
    quoteGroupId: quoted?.groupId,
  })) as Draft;
  const check = (await h.call('compose.check', { draftId: draft.id })) as ComposeCheck;
  // The sandbox is Mastodon 4.3 (API version 2): no quote posts there.
  expect(check.warnings).toContainEqual(expect.objectContaining({ code: 'quote-unsupported', network: 'mastodon', blocks: false }));
  expect(check.limits.find((l) => l.network === 'mastodon')?.used).toBe(text.length + 2 + 23);

  const result = await send(draft.id);
  expect(result.failed).toEqual([]);
  const [threadsCopy, mastodonCopy] = result.posted;
  expect(await threadsApi(`${threadsCopy?.remoteId}?fields=is_quote_post,quoted_post`)).toMatchObject({ is_quote_post: true, quoted_post: { id: quotedCopy.remoteId } });
  const status = await mastodonApi<{ content: string }>(`/api/v1/statuses/${mastodonCopy?.remoteId}`);
  expect(status.content).toContain(quotedCopy.url);
  // The two texts differ (the link), so no linking rule joins them: Braid puts them on one card itself.
  const entry = await card(result.groupId as string);
  expect(entry?.networks).toEqual(['threads', 'mastodon']);
  expect(entry?.posts.map((post) => post.remoteId)).toEqual(expect.arrayContaining([threadsCopy?.remoteId, mastodonCopy?.remoteId]));
});

it('uploads an image with its alt text to Mastodon, and posts the text alone to Threads', async () => {
  const text = 'A picture from the Braid composer';
  const alt = 'A single red pixel on a white background';
  const draft = await saveDraft({ text });
  const media = (await h.call('drafts.attach', { draftId: draft.id, name: 'pixel.png', mime: 'image/png', base64: PNG_1PX, alt })) as DraftMedia;
  expect(media).toMatchObject({ name: 'pixel.png', mime: 'image/png', alt });
  const check = (await h.call('compose.check', { draftId: draft.id })) as ComposeCheck;
  expect(check.warnings).toContainEqual(expect.objectContaining({ code: 'threads-media', network: 'threads', blocks: false }));
  await expect(h.call('drafts.attach', { draftId: draft.id, name: 'fake.png', mime: 'image/png', base64: Buffer.from('not a png').toString('base64') })).rejects.toMatchObject({
    code: 'input.invalid',
  });

  const result = await send(draft.id);
  expect(result.failed).toEqual([]);
  const mastodonCopy = result.posted.find((copy) => copy.network === 'mastodon');
  const status = await mastodonApi<{ media_attachments: { type: string; description: string | null }[] }>(`/api/v1/statuses/${mastodonCopy?.remoteId}`);
  expect(status.media_attachments).toEqual([expect.objectContaining({ type: 'image', description: alt })]);
  const threadsCopy = result.posted.find((copy) => copy.network === 'threads');
  expect(await threadsApi(`${threadsCopy?.remoteId}?fields=media_type,text`)).toMatchObject({ media_type: 'TEXT_POST', text });
  const entry = await card(result.groupId as string);
  expect(entry?.posts.find((post) => post.remoteId === mastodonCopy?.remoteId)?.media).toEqual([expect.objectContaining({ type: 'image', alt })]);
});

it('logs what it posted, never a token or an image', () => {
  const log = h.logLines.join('\n');
  expect(log).toMatch(/posted to 127\.0\.0\.1:\d+ as @braid_demo/);
  expect(h.secretsWritten.length).toBeGreaterThan(0);
  for (const secret of h.secretsWritten) expect(log).not.toContain(secret);
  expect(log).not.toContain(PNG_1PX.slice(0, 24));
});
