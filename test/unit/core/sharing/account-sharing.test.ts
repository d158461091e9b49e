/**
 * The user's own Threads account's Fediverse sharing (electron/core/sharing/account-sharing.ts)
 * against a scripted server: the extension's state and requirements (api mode), the fallback to
 * WebFinger where the extension is missing (guided mode), what a failed check keeps, the
 * turn-on/turn-off errors, the verification messages, and a stored row that no longer reads.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BraidError } from '@shared/errors';
import { EnableSharingInput, type SharingState } from '@shared/sharing';
import type { TimelineUpdate } from '@shared/timeline';
import { accountTokenKey } from '../../../../electron/core/accounts/tokens';
import { createAccountsRepo, type AccountsRepo } from '../../../../electron/core/db/accounts-repo';
import { openDatabase, type Db } from '../../../../electron/core/db/open';
import { createSharingAccountsRepo } from '../../../../electron/core/db/sharing-accounts-repo';
import { createThreadsServersRepo } from '../../../../electron/core/db/threads-servers-repo';
import { CoreEvents } from '../../../../electron/core/events';
import { presetServers } from '../../../../electron/core/networks/threads/presets';
import { MemorySecretStore } from '../../../../electron/core/secrets/memory-store';
import { createAccountSharing, type AccountSharing, type AccountSharingOptions } from '../../../../electron/core/sharing/account-sharing';
import { captureLogger } from '../helpers';

const NOW = Date.UTC(2026, 10, 2, 10, 5, 0);
const SANDBOX = 'http://127.0.0.1:4100';
const REAL = 'https://graph.threads.net';
const CAROL_TOKEN = 'tok_carol_0123456789abcdef';
const REAL_TOKEN = 'tok_real_fedcba9876543210';
const ACTOR = `${SANDBOX}/ap/users/17841400000000007/`;

// ---- a scripted server ----

interface Call {
  method: string;
  url: URL;
  body: URLSearchParams;
  authorization: string | null;
}
type Answer = (call: Call, signal: AbortSignal | undefined) => Response | Promise<Response>;

const json = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const metaError = (status: number, code: number, message: string): Response => json(status, { error: { message, type: 'OAuthException', code, fbtrace_id: 'A1' } });
const jrd = (actor: string): Response =>
  new Response(JSON.stringify({ subject: 'acct:carol', links: [{ rel: 'self', type: 'application/activity+json', href: actor }] }), {
    status: 200,
    headers: { 'content-type': 'application/jrd+json' },
  });
const notFound = (): Response => new Response('', { status: 404 });
/** Never answers; gives up only when the caller's timeout aborts it. */
const hang: Answer = (_call, signal) =>
  new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'))));
const sharingBody = (overrides: Record<string, unknown> = {}) => ({
  status: 'disabled',
  ineligible_reasons: [],
  fediverse_handle: '@carol@127.0.0.1:4100',
  activitypub_actor_id: null,
  fediverse_followers_count: 0,
  ...overrides,
});

class FakeServers {
  readonly calls: Call[] = [];
  readonly routes = new Map<string, Answer>();

  /** `GET 127.0.0.1:4100/v1.0/me/braid_fediverse_sharing`, `GET www.threads.net/.well-known/webfinger`. */
  on(key: string, answer: Answer | Response): this {
    this.routes.set(key, typeof answer === 'function' ? answer : () => answer.clone());
    return this;
  }

  readonly fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? 'GET';
    const headers = new Headers(init?.headers);
    const call: Call = { method, url, body: new URLSearchParams(init?.body instanceof URLSearchParams ? init.body : undefined), authorization: headers.get('authorization') };
    this.calls.push(call);
    const answer = this.routes.get(`${method} ${url.host}${url.pathname}`);
    if (!answer) return new Response('no route', { status: 599 });
    return answer(call, init?.signal ?? undefined);
  }) as typeof fetch;

  count(key: string): number {
    return this.calls.filter((call) => `${call.method} ${call.url.host}${call.url.pathname}` === key).length;
  }
}

const SHARING = `GET 127.0.0.1:4100/v1.0/me/braid_fediverse_sharing`;
const CHANGE = `POST 127.0.0.1:4100/v1.0/me/braid_fediverse_sharing`;
const REAL_SHARING = `GET graph.threads.net/v1.0/me/braid_fediverse_sharing`;
const REAL_WEBFINGER = `GET www.threads.net/.well-known/webfinger`;
const NONEXISTING = () => metaError(400, 100, '(#100) Tried accessing nonexisting field (braid_fediverse_sharing) on node type (ThreadsUser)');

// ---- a world: an in-memory database with carol on the sandbox, carol on Threads, and a Mastodon account ----

let db: Db;
let accounts: AccountsRepo;
let servers: FakeServers;
let events: CoreEvents;
let emitted: { name: string; payload: unknown }[];
let logged: ReturnType<typeof captureLogger>;
let corrupt: string[];
let sharing: AccountSharing;
let secrets: MemorySecretStore;

function link(id: string, server: string, threadsServerId: string | null, network: 'threads' | 'mastodon' = 'threads', handle = 'carol'): void {
  accounts.upsert({ id, network, server, remoteId: id, handle, displayName: handle, avatarUrl: null, status: 'ok', linkedAt: `2026-01-0${accounts.list().length + 1}T00:00:00.000Z`, threadsServerId });
}

function build(overrides: Partial<AccountSharingOptions> = {}): AccountSharing {
  sharing?.stop();
  sharing = createAccountSharing({
    accounts,
    threadsServers: createThreadsServersRepo(db),
    secrets,
    repo: createSharingAccountsRepo(db, (accountId, problem) => corrupt.push(`${accountId}: ${problem}`)),
    writer: { setSharedFlags: () => new Set() },
    events,
    log: logged.log,
    fetch: servers.fetch,
    now: () => NOW,
    webFingerTimeoutMs: 50,
    ...overrides,
  });
  return sharing;
}

beforeEach(async () => {
  db = openDatabase(':memory:');
  accounts = createAccountsRepo(db);
  const serversRepo = createThreadsServersRepo(db);
  const presets = presetServers(SANDBOX, '2026-01-01T00:00:00.000Z');
  serversRepo.save(presets.threads);
  serversRepo.save(presets.sandbox);
  link('acc-carol', SANDBOX, 'sandbox');
  link('acc-real', REAL, 'threads');
  link('acc-masto', 'https://mastodon.social', null, 'mastodon', 'carol@mastodon.social');
  secrets = new MemorySecretStore();
  await secrets.set(accountTokenKey('acc-carol'), CAROL_TOKEN);
  await secrets.set(accountTokenKey('acc-real'), REAL_TOKEN);
  servers = new FakeServers();
  events = new CoreEvents();
  emitted = [];
  events.onAny((name, payload) => emitted.push({ name, payload }));
  logged = captureLogger();
  logged.log.redact(CAROL_TOKEN);
  corrupt = [];
  build();
});
afterEach(() => {
  sharing.stop();
  db.close();
});

function sharingEvents(): SharingState[][] {
  return emitted.filter((e) => e.name === 'sharing.changed').map((e) => e.payload as SharingState[]);
}

async function rejection(promise: Promise<unknown>): Promise<BraidError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof BraidError)) throw new Error(`expected a BraidError, got ${String(error)}`);
  return error;
}

describe('api mode (the server has the sharing extension)', () => {
  it("reads the server's state: status, handle, actor, followers, both requirements met", async () => {
    servers.on(SHARING, json(200, sharingBody({ status: 'enabled', activitypub_actor_id: ACTOR, fediverse_followers_count: 3 })));
    const state = await sharing.check('acc-carol');
    expect(state).toEqual({
      accountId: 'acc-carol',
      fediverseHandle: '@carol@127.0.0.1:4100',
      mode: 'api',
      status: 'enabled',
      requirements: [
        { id: 'public-profile', label: 'Public profile', met: true, detail: null },
        { id: 'age-18', label: '18 or older', met: true, detail: null },
      ],
      fediverseFollowers: 3,
      actorId: ACTOR,
      checkedAt: '2026-11-02T10:05:00.000Z',
      how: "127.0.0.1:4100's sharing settings, checked at 2026-11-02 10:05 UTC.",
      problem: null,
      settingsUrl: null,
    });
    expect(servers.calls[0]?.authorization).toBe(`Bearer ${CAROL_TOKEN}`);
    expect(servers.calls[0]?.url.href).not.toContain(CAROL_TOKEN);
    expect(sharing.list().find((s) => s.accountId === 'acc-carol')).toEqual(state);
    expect(sharingEvents().at(-1)?.find((s) => s.accountId === 'acc-carol')?.status).toBe('enabled');
  });

  it('is ineligible with both reasons, each requirement saying how to fix it (or that it cannot be)', async () => {
    servers.on(SHARING, json(200, sharingBody({ status: 'ineligible', ineligible_reasons: ['private_profile', 'under_18'] })));
    const state = await sharing.check('acc-carol');
    expect(state.status).toBe('ineligible');
    const [profile, age] = state.requirements;
    expect(profile).toMatchObject({ id: 'public-profile', met: false });
    expect(profile?.detail).toContain('Make it public in Threads (Settings → Privacy → Private profile off), then press Check again');
    expect(age).toMatchObject({ id: 'age-18', met: false });
    expect(age?.detail).toContain('18 or older');
    expect(age?.detail).toContain('cannot be changed in settings');
  });

  it('keeps the stored state and says why when the server cannot be reached', async () => {
    servers.on(SHARING, json(200, sharingBody({ status: 'enabled', activitypub_actor_id: ACTOR })));
    const good = await sharing.check('acc-carol');
    servers.on(SHARING, () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    });
    const stale = await sharing.check('acc-carol');
    expect(stale).toEqual({ ...good, problem: '127.0.0.1:4100 refused the connection. Is the address right, and is the server up?' });
    expect(sharing.list().find((s) => s.accountId === 'acc-carol')?.status).toBe('enabled');
  });

  it('says unknown (never on or off) when the first check fails', async () => {
    servers.on(SHARING, metaError(500, 2, 'An unexpected error has occurred. Please retry your request later.'));
    const state = await sharing.check('acc-carol');
    expect(state.status).toBe('unknown');
    expect(state.checkedAt).toBeNull();
    expect(state.problem).toMatch(/127\.0\.0\.1:4100 is having trouble \(HTTP 500\)/);
  });

  it('turns sharing on with the acknowledgement, stores the new state and tells the renderer', async () => {
    servers.on(SHARING, json(200, sharingBody()));
    servers.on(CHANGE, json(200, sharingBody({ status: 'enabled', activitypub_actor_id: ACTOR })));
    const state = await sharing.enable({ accountId: 'acc-carol', acceptWarnings: true });
    const post = servers.calls.find((c) => c.method === 'POST');
    expect(Object.fromEntries(post?.body ?? [])).toEqual({ enabled: 'true', accept_warnings: 'true' });
    expect(state).toMatchObject({ mode: 'api', status: 'enabled', actorId: ACTOR });
    expect(sharing.list().find((s) => s.accountId === 'acc-carol')?.status).toBe('enabled');
    expect(sharingEvents().at(-1)?.find((s) => s.accountId === 'acc-carol')?.status).toBe('enabled');
  });

  it('after a change, updates the stored posts, redraws their cards, calls afterChange and refreshes the sync', async () => {
    const setSharedFlags = vi.fn((_accountId: string, _flags: ReadonlyMap<string, boolean>) => new Set(['41', '42']));
    const afterChange = vi.fn();
    const refreshSync = vi.fn(() => Promise.resolve([]));
    build({ writer: { setSharedFlags }, afterChange, refreshSync });
    servers.on(SHARING, json(200, sharingBody({ status: 'enabled' })));
    servers.on(CHANGE, json(200, sharingBody()));
    servers.on('GET 127.0.0.1:4100/v1.0/me/threads', json(200, { data: [{ id: '101', is_shared_to_fediverse: false }, { id: '102', is_shared_to_fediverse: false }] }));
    servers.on('GET 127.0.0.1:4100/v1.0/me/replies', json(200, { data: [{ id: '201', is_shared_to_fediverse: false }, { id: '202' }] }));
    await sharing.disable({ accountId: 'acc-carol', removeSharedPosts: true });
    await sharing.settled();

    const post = servers.calls.find((c) => c.method === 'POST');
    expect(Object.fromEntries(post?.body ?? [])).toEqual({ enabled: 'false', remove_shared_posts: 'true' });
    const threadsRead = servers.calls.find((c) => c.url.pathname === '/v1.0/me/threads');
    expect(threadsRead?.url.searchParams.get('fields')).toBe('id,is_shared_to_fediverse');
    expect(threadsRead?.url.searchParams.get('limit')).toBe('50');
    expect(setSharedFlags).toHaveBeenCalledWith('acc-carol', new Map([['101', false], ['102', false], ['201', false]]));
    const update = emitted.find((e) => e.name === 'timeline.updated')?.payload as TimelineUpdate | undefined;
    expect(update).toEqual({ newer: 0, older: 0, olderGroupIds: [], changedGroupIds: ['41', '42'], removedGroupIds: [] });
    expect(afterChange).toHaveBeenCalledWith('acc-carol');
    expect(refreshSync).toHaveBeenCalledTimes(1);
  });

  it('still calls afterChange and refreshes the sync when the posts cannot be read', async () => {
    const afterChange = vi.fn();
    const refreshSync = vi.fn(() => Promise.resolve([]));
    build({ afterChange, refreshSync });
    servers.on(SHARING, json(200, sharingBody()));
    servers.on(CHANGE, json(200, sharingBody({ status: 'enabled', activitypub_actor_id: ACTOR })));
    servers.on('GET 127.0.0.1:4100/v1.0/me/threads', metaError(500, 2, 'An unexpected error has occurred.'));
    servers.on('GET 127.0.0.1:4100/v1.0/me/replies', metaError(403, 10, '(#10) Application does not have permission for this action'));
    await sharing.enable({ accountId: 'acc-carol', acceptWarnings: true });
    await sharing.settled();
    expect(afterChange).toHaveBeenCalledWith('acc-carol');
    expect(refreshSync).toHaveBeenCalledTimes(1);
    expect(emitted.some((e) => e.name === 'timeline.updated')).toBe(false);
    expect(logged.text()).toMatch(/could not read me\/threads of @carol/);
  });

  it('names the requirement and the fix when Threads refuses an ineligible profile', async () => {
    servers.on(SHARING, json(200, sharingBody()));
    servers.on(CHANGE, metaError(400, 100, '(#100) This profile cannot share to the Fediverse: private_profile'));
    const error = await rejection(sharing.enable({ accountId: 'acc-carol', acceptWarnings: true }));
    expect(error.code).toBe('sharing.ineligible');
    expect(error.message).toContain('a public profile');
    expect(error.message).toContain('Private profile off');
    expect(error.message).not.toContain('18');
  });

  it('asks to sign in again with the publish permission when the scope is missing', async () => {
    servers.on(SHARING, json(200, sharingBody()));
    servers.on(CHANGE, metaError(403, 10, '(#10) Application does not have permission for this action'));
    const error = await rejection(sharing.disable({ accountId: 'acc-carol', removeSharedPosts: false }));
    expect(error.code).toBe('account.needs-sign-in');
    expect(error.message).toMatch(/Sign in again and allow publishing/);
    expect(error.message).not.toContain(CAROL_TOKEN);
  });

  it('cannot turn sharing on without the acknowledgement', async () => {
    expect(EnableSharingInput.safeParse({ accountId: 'acc-carol', acceptWarnings: false }).success).toBe(false);
    expect(EnableSharingInput.safeParse({ accountId: 'acc-carol' }).success).toBe(false);
    // A caller that skips the dispatcher's check still cannot send the request.
    const error = await rejection(sharing.enable({ accountId: 'acc-carol', acceptWarnings: false as unknown as true }));
    expect(error.code).toBe('sharing.needs-acknowledgement');
    expect(servers.calls).toHaveLength(0);
  });
});

describe('guided mode (the server lacks the extension, like graph.threads.net)', () => {
  it('falls back to WebFinger on "nonexisting field", and remembers the mode', async () => {
    servers.on(REAL_SHARING, NONEXISTING).on(REAL_WEBFINGER, () => jrd('https://threads.net/ap/users/17841400000000007/'));
    const state = await sharing.check('acc-real');
    expect(state).toMatchObject({
      mode: 'guided',
      status: 'enabled',
      fediverseHandle: '@carol@threads.net',
      actorId: 'https://threads.net/ap/users/17841400000000007/',
      fediverseFollowers: null,
      settingsUrl: 'https://www.threads.net/settings/account/fediverse',
      problem: null,
    });
    expect(state.how).toContain('WebFinger for @carol@threads.net answered found');
    for (const requirement of state.requirements) {
      expect(requirement.met).toBeNull();
      expect(requirement.detail).toMatch(/Threads checks this in its own settings/);
    }
    const lookup = servers.calls.find((c) => c.url.pathname === '/.well-known/webfinger');
    expect(lookup?.url.searchParams.get('resource')).toBe('acct:carol@threads.net');
    expect(lookup?.authorization).toBeNull();

    await sharing.check('acc-real');
    expect(servers.count(REAL_SHARING)).toBe(1);
    expect(servers.count(REAL_WEBFINGER)).toBe(2);
  });

  it('is disabled when WebFinger answers 404', async () => {
    servers.on(REAL_SHARING, NONEXISTING).on(REAL_WEBFINGER, notFound);
    const state = await sharing.check('acc-real');
    expect(state).toMatchObject({ mode: 'guided', status: 'disabled', actorId: null, problem: null });
    expect(state.how).toContain('answered not found');
  });

  it('keeps the stored state, with the problem, when WebFinger times out', async () => {
    servers.on(REAL_SHARING, NONEXISTING).on(REAL_WEBFINGER, notFound);
    const stored = await sharing.check('acc-real');
    servers.on(REAL_WEBFINGER, hang);
    const state = await sharing.check('acc-real');
    expect(state.status).toBe('disabled');
    expect(state.checkedAt).toBe(stored.checkedAt);
    expect(state.problem).toMatch(/www\.threads\.net did not answer/);
    const listed = sharing.list().find((s) => s.accountId === 'acc-real');
    expect(listed?.status).toBe('disabled');
    expect(listed?.checkedAt).toBe(stored.checkedAt);
  });

  it('says unknown with the problem when WebFinger times out and nothing was stored', async () => {
    servers.on(REAL_SHARING, NONEXISTING).on(REAL_WEBFINGER, hang);
    const state = await sharing.check('acc-real');
    expect(state).toMatchObject({ mode: 'guided', status: 'unknown', checkedAt: null });
    expect(state.problem).toMatch(/did not answer/);
  });

  it("refuses to turn sharing on or off, pointing to Threads' settings page", async () => {
    servers.on(REAL_SHARING, NONEXISTING);
    const error = await rejection(sharing.enable({ accountId: 'acc-real', acceptWarnings: true }));
    expect(error.code).toBe('sharing.guided-only');
    expect(error.message).toMatch(/has no API for this; use Threads' settings page/);
    expect((await rejection(sharing.disable({ accountId: 'acc-real', removeSharedPosts: true }))).code).toBe('sharing.guided-only');
    expect(servers.calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('opens the settings page through the shell when it can', async () => {
    const openExternal = vi.fn(() => Promise.resolve(true));
    build({ openExternal });
    expect(await sharing.openSettings('acc-real')).toEqual({ url: 'https://www.threads.net/settings/account/fediverse', openedExternally: true });
    expect(openExternal).toHaveBeenCalledWith('https://www.threads.net/settings/account/fediverse');
    build();
    expect(await sharing.openSettings('acc-carol')).toEqual({ url: `${SANDBOX}/settings/account/fediverse`, openedExternally: false });
  });
});

describe('verify', () => {
  beforeEach(() => {
    servers.on(REAL_SHARING, NONEXISTING);
  });

  it('confirms "on" when WebFinger finds the profile, and stores the new status', async () => {
    servers.on(REAL_WEBFINGER, notFound);
    await sharing.check('acc-real');
    const before = sharingEvents().length;
    servers.on(REAL_WEBFINGER, () => jrd('https://threads.net/ap/users/7/'));
    const result = await sharing.verify({ accountId: 'acc-real', expect: 'enabled' });
    expect(result.confirmed).toBe(true);
    expect(result.found).toBe(true);
    expect(result.message).toBe('Braid looked up @carol@threads.net by WebFinger and found it: your profile is on the Fediverse.');
    expect(result.state.status).toBe('enabled');
    expect(sharing.list().find((s) => s.accountId === 'acc-real')?.status).toBe('enabled');
    expect(sharingEvents().length).toBe(before + 1);
  });

  it('does not confirm "on" when WebFinger does not find it', async () => {
    servers.on(REAL_WEBFINGER, notFound);
    const result = await sharing.verify({ accountId: 'acc-real', expect: 'enabled' });
    expect(result.confirmed).toBe(false);
    expect(result.found).toBe(false);
    expect(result.message).toBe('Braid looked up @carol@threads.net by WebFinger and did not find it: sharing looks off.');
    expect((await sharing.verify({ accountId: 'acc-real', expect: 'disabled' })).confirmed).toBe(true);
  });

  it('could not tell when WebFinger fails, and confirms nothing', async () => {
    servers.on(REAL_WEBFINGER, () => new Response('', { status: 503 }));
    const result = await sharing.verify({ accountId: 'acc-real', expect: 'disabled' });
    expect(result.confirmed).toBe(false);
    // "Could not tell" is not "not yet": the renderer says Braid could not check.
    expect(result.found).toBeNull();
    expect(result.message).toBe('Braid looked up @carol@threads.net by WebFinger and could not tell: www.threads.net is having trouble (HTTP 503). Try again in a moment.');
    expect(result.state.status).toBe('unknown');
  });

  it('keeps the stored status when it could not tell', async () => {
    servers.on(REAL_WEBFINGER, notFound);
    const stored = await sharing.check('acc-real');
    servers.on(REAL_WEBFINGER, () => new Response('', { status: 429 }));
    const result = await sharing.verify({ accountId: 'acc-real', expect: 'enabled' });
    expect(result.state).toEqual({ ...stored, problem: 'www.threads.net asked Braid to slow down.' });
    expect(sharing.list().find((s) => s.accountId === 'acc-real')?.status).toBe('disabled');
  });

  it('checks by WebFinger in api mode too, on the sandbox domain', async () => {
    servers.on(SHARING, json(200, sharingBody())).on('GET 127.0.0.1:4100/.well-known/webfinger', () => jrd(ACTOR));
    await sharing.check('acc-carol');
    const result = await sharing.verify({ accountId: 'acc-carol', expect: 'enabled' });
    expect(result.message).toBe('Braid looked up @carol@127.0.0.1:4100 by WebFinger and found it: your profile is on the Fediverse.');
    expect(result.state).toMatchObject({ mode: 'api', status: 'enabled', actorId: ACTOR });
    expect(result.state.requirements.every((r) => r.met === true)).toBe(true);
  });
});

describe('list, storage and accounts', () => {
  it('lists every Threads account, never-checked ones as unknown, without the network', () => {
    const states = sharing.list();
    expect(states.map((s) => s.accountId)).toEqual(['acc-carol', 'acc-real']);
    for (const state of states) expect(state).toMatchObject({ status: 'unknown', checkedAt: null, how: 'Not checked yet', problem: null });
    expect(servers.calls).toHaveLength(0);
  });

  it('treats a stored row that does not read as a state as missing, and says so in the log', async () => {
    db.prepare("INSERT INTO sharing_accounts (account_id, state, checked_at) VALUES ('acc-carol', '{not json', 1)").run();
    db.prepare(`INSERT INTO sharing_accounts (account_id, state, checked_at) VALUES ('acc-real', '{"accountId":"acc-real","status":"on"}', 1)`).run();
    const [carol, real] = sharing.list();
    expect(carol).toMatchObject({ status: 'unknown', checkedAt: null, how: 'Not checked yet' });
    expect(real).toMatchObject({ status: 'unknown', checkedAt: null });
    expect(corrupt).toEqual(expect.arrayContaining([expect.stringMatching(/^acc-carol: not JSON/), expect.stringMatching(/^acc-real: /)]));
    // The next check replaces the bad row.
    servers.on(SHARING, json(200, sharingBody({ status: 'enabled', activitypub_actor_id: ACTOR })));
    await sharing.check('acc-carol');
    expect(sharing.list()[0]?.status).toBe('enabled');
  });

  it('refuses Mastodon accounts and unknown ids', async () => {
    expect((await rejection(sharing.check('acc-masto'))).code).toBe('sharing.not-threads');
    expect((await rejection(sharing.check('nobody'))).code).toBe('account.unknown');
    expect((await rejection(sharing.verify({ accountId: 'acc-masto', expect: 'enabled' }))).code).toBe('sharing.not-threads');
  });

  it('checks every Threads account once at start and each one linked later, in the background', async () => {
    servers.on(SHARING, json(200, sharingBody())).on(REAL_SHARING, NONEXISTING).on(REAL_WEBFINGER, notFound);
    sharing.start();
    await sharing.settled();
    expect(servers.count(SHARING)).toBe(1);
    expect(servers.count(REAL_WEBFINGER)).toBe(1);
    expect(sharing.list().map((s) => s.status)).toEqual(['disabled', 'disabled']);

    link('acc-grace', SANDBOX, 'sandbox', 'threads', 'grace');
    await secrets.set(accountTokenKey('acc-grace'), 'tok_grace_0123456789');
    events.emit('accounts.changed', []);
    events.emit('accounts.changed', []);
    await sharing.settled();
    expect(servers.count(SHARING)).toBe(2);

    accounts.remove('acc-grace');
    events.emit('accounts.changed', []);
    expect(sharingEvents().at(-1)?.map((s) => s.accountId)).toEqual(['acc-carol', 'acc-real']);
  });

  it('logs a failed background check without the token, and keeps going', async () => {
    servers.on(SHARING, metaError(400, 190, 'Invalid OAuth access token - Cannot parse access token'));
    servers.on(REAL_SHARING, NONEXISTING).on(REAL_WEBFINGER, hang);
    sharing.start();
    await sharing.settled();
    const [carol, real] = sharing.list();
    expect(carol?.problem).toMatch(/Sign in again/);
    expect(real?.problem).toMatch(/did not answer/);
    const everything = `${logged.text()}\n${JSON.stringify(sharing.list())}\n${JSON.stringify(emitted)}`;
    expect(everything).not.toContain(CAROL_TOKEN);
    expect(everything).not.toContain(REAL_TOKEN);
  });
});
