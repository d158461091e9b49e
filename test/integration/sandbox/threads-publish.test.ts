/**
 * Publishing through the Threads-like Graph API: container → publish → visible in /me/threads;
 * replies, quotes, carousels, reposts, deletes, the 500-character limit and the publishing quota.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { form, startTestThreads, type TestThreads } from '../../sandbox/threads/test-support.ts';

let t: TestThreads;
let token: string;
let otherToken: string;

beforeAll(async () => {
  t = await startTestThreads();
  const dana = t.server.admin.createUser({ username: 'dana', password: 'pw' });
  const eli = t.server.admin.createUser({ username: 'eli', password: 'pw' });
  token = t.server.admin.createToken(dana.id);
  otherToken = t.server.admin.createToken(eli.id);
});
afterAll(() => t.stop());

async function call(path: string, tok: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await t.graph(path, tok, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function post(values: Record<string, string>, tok = token): Promise<string> {
  const container = await call('/v1.0/me/threads', tok, form(values));
  expect(container.status).toBe(200);
  const status = await call(`/v1.0/${container.body.id as string}?fields=status,error_message`, tok);
  expect(status.body).toEqual({ id: container.body.id, status: 'FINISHED' });
  const published = await call(`/v1.0/me/threads_publish?creation_id=${container.body.id as string}`, tok, { method: 'POST' });
  expect(published.status).toBe(200);
  return published.body.id as string;
}

describe('publishing', () => {
  it('publishes a text post that then appears first in /me/threads', async () => {
    const id = await post({ media_type: 'TEXT', text: 'Hello from the API' });
    const list = await call('/v1.0/me/threads?fields=id,text,media_type', token);
    expect((list.body.data as unknown[])[0]).toEqual({ id, text: 'Hello from the API', media_type: 'TEXT_POST' });
  });

  it('does not publish a container twice', async () => {
    const container = await call('/v1.0/me/threads', token, form({ media_type: 'TEXT', text: 'once' }));
    await call(`/v1.0/me/threads_publish?creation_id=${container.body.id as string}`, token, { method: 'POST' });
    const again = await call(`/v1.0/me/threads_publish?creation_id=${container.body.id as string}`, token, { method: 'POST' });
    expect(again.status).toBe(400);
    expect(await call(`/v1.0/${container.body.id as string}?fields=status`, token)).toMatchObject({ body: { status: 'PUBLISHED' } });
  });

  it('enforces the 500-character limit', async () => {
    const ok = await call('/v1.0/me/threads', token, form({ media_type: 'TEXT', text: 'x'.repeat(500) }));
    expect(ok.status).toBe(200);
    const tooLong = await call('/v1.0/me/threads', token, form({ media_type: 'TEXT', text: 'x'.repeat(501) }));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ error: { code: 100, type: 'OAuthException' } });
  });

  it('publishes carousels from item containers', async () => {
    const item = async (url: string): Promise<string> =>
      (await call('/v1.0/me/threads', token, form({ media_type: 'IMAGE', image_url: url, is_carousel_item: 'true' }))).body.id as string;
    const children = [await item('https://example.test/1.jpg'), await item('https://example.test/2.jpg')];
    const id = await post({ media_type: 'CAROUSEL', children: children.join(','), text: 'two pics' });
    const media = await call(`/v1.0/${id}?fields=media_type,children`, token);
    expect(media.body.media_type).toBe('CAROUSEL_ALBUM');
    expect((media.body.children as { data: unknown[] }).data).toHaveLength(2);
  });

  it('publishes replies and quotes that show up on the original', async () => {
    const root = await post({ media_type: 'TEXT', text: 'root' });
    const reply = await post({ media_type: 'TEXT', text: 'a reply', reply_to_id: root }, otherToken);
    const nested = await post({ media_type: 'TEXT', text: 'nested', reply_to_id: reply });
    const quote = await post({ media_type: 'TEXT', text: 'quoting', quote_post_id: root }, otherToken);
    const replies = await call(`/v1.0/${root}/replies?fields=id,text`, token);
    expect(replies.body.data).toEqual([{ id: reply, text: 'a reply' }]);
    const conversation = await call(`/v1.0/${root}/conversation?fields=id&reverse=false`, token);
    expect(conversation.body.data).toEqual([{ id: reply }, { id: nested }]);
    expect((await call(`/v1.0/${root}/conversation?fields=id`, token)).body.data).toEqual([{ id: nested }, { id: reply }]);
    const mine = await call('/v1.0/me/replies?fields=id,replied_to', otherToken);
    expect((mine.body.data as unknown[])[0]).toEqual({ id: reply, replied_to: { id: root } });
    expect((await call(`/v1.0/${quote}?fields=is_quote_post,quoted_post`, token)).body).toEqual({ is_quote_post: true, quoted_post: { id: root }, id: quote });
    const insights = await call(`/v1.0/${root}/insights?metric=replies,quotes`, token);
    expect((insights.body.data as { values: { value: number }[] }[]).map((d) => d.values[0]?.value)).toEqual([2, 1]);
  });

  it('reposts (REPOST_FACADE in the reposter\'s threads) and refuses a second repost', async () => {
    const original = await post({ media_type: 'TEXT', text: 'worth sharing' });
    const repost = await call(`/v1.0/${original}/repost`, otherToken, { method: 'POST' });
    expect(repost.status).toBe(200);
    const list = await call('/v1.0/me/threads?fields=id,media_type,reposted_post', otherToken);
    expect((list.body.data as unknown[])[0]).toEqual({ id: repost.body.id, media_type: 'REPOST_FACADE', reposted_post: { id: original } });
    expect((await call(`/v1.0/${original}/repost`, otherToken, { method: 'POST' })).status).toBe(400);
  });

  it('deletes own posts only', async () => {
    const id = await post({ media_type: 'TEXT', text: 'short-lived' });
    const notMine = await call(`/v1.0/${id}`, otherToken, { method: 'DELETE' });
    expect(notMine.status).toBe(400);
    expect(await call(`/v1.0/${id}`, token, { method: 'DELETE' })).toEqual({ status: 200, body: { success: true, deleted_id: id } });
    expect((await call(`/v1.0/${id}?fields=id`, token)).body).toMatchObject({ error: { code: 100, error_subcode: 33 } });
    const list = await call('/v1.0/me/threads?fields=id', token);
    expect((list.body.data as { id: string }[]).map((p) => p.id)).not.toContain(id);
  });

  it('lets a container expire after 24 hours, visible in its status before publishing', async () => {
    const container = await call('/v1.0/me/threads', token, form({ media_type: 'TEXT', text: 'too late' }));
    const id = container.body.id as string;
    t.clock.advance(24 * 3600_000 + 1000);
    expect((await call(`/v1.0/${id}?fields=status`, token)).body).toEqual({ id, status: 'EXPIRED' });
    const refused = await call(`/v1.0/me/threads_publish?creation_id=${id}`, token, { method: 'POST' });
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 100 } } });
  });

  it('hides only top-level replies, and their nested replies with them', async () => {
    const root = await post({ media_type: 'TEXT', text: 'moderated' });
    const top = await post({ media_type: 'TEXT', text: 'top', reply_to_id: root }, otherToken);
    const nested = await post({ media_type: 'TEXT', text: 'nested', reply_to_id: top }, otherToken);
    const deeper = await post({ media_type: 'TEXT', text: 'deeper', reply_to_id: nested });
    const hide = (id: string, value: string): Promise<{ status: number; body: Record<string, unknown> }> => call(`/v1.0/${id}/manage_reply`, token, form({ hide: value }));
    expect(await hide(nested, 'true')).toMatchObject({ status: 400, body: { error: { code: 100 } } });
    expect(await hide(top, 'true')).toEqual({ status: 200, body: { success: true } });
    const statuses = async (): Promise<unknown[]> => ((await call(`/v1.0/${root}/conversation?fields=hide_status&reverse=false`, token)).body.data as { hide_status: string }[]).map((r) => r.hide_status);
    expect(await statuses()).toEqual(['HIDDEN', 'HIDDEN', 'HIDDEN']);
    await hide(top, 'false');
    expect(await statuses()).toEqual(['UNHUSHED', 'UNHUSHED', 'UNHUSHED']);
    // The conversation of a reply is what lies under it, at any depth.
    expect((await call(`/v1.0/${top}/conversation?fields=id&reverse=false`, token)).body.data).toEqual([{ id: nested }, { id: deeper }]);
    expect((await call(`/v1.0/${deeper}/conversation`, token)).body).toEqual({ data: [] });
  });

  it('needs threads_content_publish', async () => {
    const basic = t.server.admin.createToken(t.server.admin.findUser('dana')?.id as string, { scopes: ['threads_basic'] });
    expect((await call('/v1.0/me/threads', basic, form({ media_type: 'TEXT', text: 'no' }))).body).toMatchObject({ error: { code: 10 } });
  });
});

describe('publishing limit', () => {
  it('reports usage and refuses the 251st post within 24 hours', async () => {
    const user = t.server.admin.createUser({ username: 'prolific', password: 'pw' });
    const tok = t.server.admin.createToken(user.id);
    const publishOne = async (): Promise<number> => {
      const container = await call('/v1.0/me/threads', tok, form({ media_type: 'TEXT', text: 'again' }));
      return (await call(`/v1.0/me/threads_publish?creation_id=${container.body.id as string}`, tok, { method: 'POST' })).status;
    };
    for (let i = 0; i < 250; i += 1) expect(await publishOne()).toBe(200);
    const limit = await call('/v1.0/me/threads_publishing_limit?fields=quota_usage,config,reply_quota_usage,reply_config', tok);
    expect(limit.body).toEqual({
      data: [{ quota_usage: 250, config: { quota_total: 250, quota_duration: 86400 }, reply_quota_usage: 0, reply_config: { quota_total: 1000, quota_duration: 86400 } }],
    });
    const container = await call('/v1.0/me/threads', tok, form({ media_type: 'TEXT', text: 'one too many' }));
    const refused = await call(`/v1.0/me/threads_publish?creation_id=${container.body.id as string}`, tok, { method: 'POST' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { type: 'OAuthException', code: 9 } });
    t.clock.advance(24 * 3600_000 + 1000);
    expect(await publishOne()).toBe(200);
  });

  it('allows 100 deletes a day and says so when refusing the 101st', async () => {
    const user = t.server.admin.createUser({ username: 'tidy', password: 'pw' });
    const tok = t.server.admin.createToken(user.id);
    const ids = Array.from({ length: 101 }, (_, i) => t.server.admin.createPost(user.id, { text: `tidy ${i}` }).id);
    for (const id of ids.slice(0, 100)) expect((await call(`/v1.0/${id}`, tok, { method: 'DELETE' })).status).toBe(200);
    const refused = await call(`/v1.0/${ids[100] as string}`, tok, { method: 'DELETE' });
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 9, error_user_msg: expect.stringContaining('deleted') as unknown } } });
    expect((await call('/v1.0/me/threads_publishing_limit?fields=delete_quota_usage', tok)).body).toEqual({ data: [{ delete_quota_usage: 100 }] });
  });
});
