/**
 * Acting from a chosen account against fake servers: what is sent, and how each refusal reaches
 * the user (a code from shared/errors.ts and a message a person can act on).
 */
import { describe, expect, it, vi } from 'vitest';
import { BraidError } from '@shared/errors';
import { actOnMastodon } from '../../../../electron/core/interactions/mastodon-side';
import { threadsApi } from '../../../../electron/core/interactions/threads-api';
import { actOnThreads } from '../../../../electron/core/interactions/threads-side';
import { mastodonClient } from '../../../../electron/core/networks/mastodon/client';

const THREADS = 'https://threads.example';
const MASTODON = 'https://mastodon.example';

interface Seen {
  method: string;
  path: string;
  body: string;
}

/** A fetch that records each request and answers from `answer` (JSON, with a status). */
function fakeFetch(answer: (request: Seen) => { status: number; body: unknown }): { fetch: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const entry = { method: request.method, path: new URL(request.url).pathname, body: await request.text() };
    seen.push(entry);
    const { status, body } = answer(entry);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  return { fetch, seen };
}

const graphError = (code: number, message: string, subcode?: number) => ({ status: 400, body: { error: { message, type: 'OAuthException', code, ...(subcode ? { error_subcode: subcode } : {}) } } });

async function threadsAct(answer: Parameters<typeof fakeFetch>[0], action: Parameters<typeof actOnThreads>[3], repostIds = new Map<string, string>()) {
  const fake = fakeFetch(answer);
  const api = threadsApi(fake.fetch, THREADS, 'token-1');
  const result = await actOnThreads(api, 'acct-1', '777', action, repostIds).catch((error: unknown) => error);
  return { result, seen: fake.seen };
}

describe('acting from a Threads account', () => {
  it('likes through the braid_like extension and unlikes with DELETE', async () => {
    const { result, seen } = await threadsAct(() => ({ status: 200, body: { success: true } }), 'like');
    expect(result).toEqual({ liked: true });
    expect(seen).toMatchObject([{ method: 'POST', path: '/v1.0/777/braid_like' }]);
    const undone = await threadsAct(() => ({ status: 200, body: { success: true } }), 'unlike');
    expect(undone.result).toEqual({ liked: false });
    expect(undone.seen).toMatchObject([{ method: 'DELETE', path: '/v1.0/777/braid_like' }]);
  });

  it('says so when the server has no API for likes (graph.threads.net)', async () => {
    const { result } = await threadsAct(() => graphError(100, '(#100) Tried accessing nonexisting field (braid_like) on node type (ThreadsMedia)'), 'like');
    expect(result).toBeInstanceOf(BraidError);
    expect(result).toMatchObject({ code: 'action.unavailable', message: expect.stringContaining('This Threads server has no API for likes') as unknown });
  });

  it('asks for a new sign-in for a dead token (190) and for a missing permission (#10)', async () => {
    const dead = await threadsAct(() => graphError(190, 'Error validating access token: Session has expired', 463), 'like');
    expect(dead.result).toMatchObject({ code: 'account.needs-sign-in' });
    const scope = await threadsAct(() => ({ ...graphError(10, '(#10) Application does not have permission for this action'), status: 403 }), 'repost');
    expect(scope.result).toMatchObject({ code: 'account.needs-sign-in', message: expect.stringContaining('allow publishing') as unknown });
  });

  it('explains a deleted post and a refused action', async () => {
    const gone = await threadsAct(() => graphError(100, "Unsupported get request. Object with ID '777' does not exist", 33), 'like');
    expect(gone.result).toMatchObject({ code: 'action.unavailable', message: expect.stringContaining('no longer on threads.example') as unknown });
    const refused = await threadsAct(() => graphError(100, '(#100) Media 777 cannot be liked'), 'like');
    expect(refused.result).toMatchObject({ code: 'action.unavailable', message: expect.stringContaining('cannot be liked') as unknown });
    const broken = await threadsAct(() => ({ status: 500, body: { error: { message: 'An unexpected error has occurred.', code: 2 } } }), 'like');
    expect(broken.result).toMatchObject({ code: 'network.server-error' });
  });

  it('reposts, treats "already reposted" (#506) as done, and undoes its own repost by deleting it', async () => {
    const repostIds = new Map<string, string>();
    const made = await threadsAct(() => ({ status: 200, body: { id: 'R1' } }), 'repost', repostIds);
    expect(made.result).toEqual({ reposted: true });
    expect(made.seen).toMatchObject([{ method: 'POST', path: '/v1.0/777/repost' }]);
    const again = await threadsAct(() => graphError(506, '(#506) Duplicate repost'), 'repost');
    expect(again.result).toEqual({ reposted: true });
    const undone = await threadsAct(() => ({ status: 200, body: { success: true, deleted_id: 'R1' } }), 'unrepost', repostIds);
    expect(undone.result).toEqual({ reposted: false });
    expect(undone.seen).toMatchObject([{ method: 'DELETE', path: '/v1.0/R1' }]);
  });

  it('finds a repost made elsewhere among the user’s posts, and says so when there is none', async () => {
    const found = await threadsAct(
      (request) =>
        request.method === 'GET'
          ? { status: 200, body: { data: [{ id: 'P1', media_type: 'TEXT_POST' }, { id: 'R9', media_type: 'REPOST_FACADE', reposted_post: { id: '777' } }] } }
          : { status: 200, body: { success: true } },
      'unrepost',
    );
    expect(found.result).toEqual({ reposted: false });
    expect(found.seen.map((s) => `${s.method} ${s.path}`)).toEqual(['GET /v1.0/me/threads', 'DELETE /v1.0/R9']);
    const none = await threadsAct(() => ({ status: 200, body: { data: [] } }), 'unrepost');
    expect(none.result).toMatchObject({ code: 'action.unavailable', message: expect.stringContaining('could not find your repost') as unknown });
  });
});

describe('acting from a Mastodon account', () => {
  async function mastodonAct(answer: Parameters<typeof fakeFetch>[0], action: Parameters<typeof actOnMastodon>[3]) {
    const fake = fakeFetch(answer);
    // masto.js calls the global fetch.
    vi.stubGlobal('fetch', fake.fetch);
    const result = await actOnMastodon(mastodonClient(MASTODON, 'token-2'), MASTODON, '42', action).catch((error: unknown) => error);
    vi.unstubAllGlobals();
    return { result, seen: fake.seen };
  }
  const status = { id: '42', favourites_count: 3, reblogs_count: 1, replies_count: 0, favourited: true, reblogged: false };

  it('favourites and reads the new state and counts from the answer', async () => {
    const { result, seen } = await mastodonAct(() => ({ status: 200, body: status }), 'like');
    expect(seen).toMatchObject([{ method: 'POST', path: '/api/v1/statuses/42/favourite' }]);
    expect(result).toMatchObject({ favourited: true, reblogged: false, counts: { likes: 3, reposts: 1 } });
  });

  it('reads a boost’s answer from the status it wraps', async () => {
    const { result } = await mastodonAct(() => ({ status: 200, body: { id: '99', reblogged: true, reblog: { ...status, reblogs_count: 2, reblogged: true } } }), 'repost');
    expect(result).toMatchObject({ reblogged: true, counts: { reposts: 2 } });
  });

  it('maps 401 to a new sign-in, 404 and 422 to unavailable, 503 to a server error', async () => {
    expect((await mastodonAct(() => ({ status: 401, body: { error: 'The access token was revoked' } }), 'like')).result).toMatchObject({ code: 'account.needs-sign-in' });
    expect((await mastodonAct(() => ({ status: 404, body: { error: 'Record not found' } }), 'like')).result).toMatchObject({
      code: 'action.unavailable',
      message: expect.stringContaining('no longer has this post') as unknown,
    });
    expect((await mastodonAct(() => ({ status: 422, body: { error: 'Validation failed: Reblog of status is not allowed' } }), 'repost')).result).toMatchObject({
      code: 'action.unavailable',
      message: expect.stringContaining('refused to boost') as unknown,
    });
    expect((await mastodonAct(() => ({ status: 503, body: { error: 'down' } }), 'unlike')).result).toMatchObject({ code: 'network.server-error' });
  });
});
