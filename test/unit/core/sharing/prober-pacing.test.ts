/**
 * The background prober on a fake clock: one look-up per fact however many cards want it,
 * at most one WebFinger a second and 30 a minute per host, a host's Retry-After pauses that
 * host only, Mastodon searches keep to their own pace and to the server's rate-limit headers,
 * expired facts are asked again, landed facts become one `timeline.updated` naming the cards
 * that wanted them, and stop() cancels what is running.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TimelineUpdate } from '@shared/timeline';
import { accountTokenKey } from '../../../../electron/core/accounts/tokens';
import { createAccountsRepo } from '../../../../electron/core/db/accounts-repo';
import { openDatabase, type Db } from '../../../../electron/core/db/open';
import { createThreadsServersRepo } from '../../../../electron/core/db/threads-servers-repo';
import { CoreEvents } from '../../../../electron/core/events';
import type { Fetch } from '../../../../electron/core/net/http';
import { MemorySecretStore } from '../../../../electron/core/secrets/memory-store';
import type { ActorRef, PostRef } from '../../../../electron/core/sharing/badges';
import { createSharingFactsRepo, type SharingFactsRepo } from '../../../../electron/core/sharing/facts-repo';
import { FACT_TTL, SharingProber, type ProbePacing } from '../../../../electron/core/sharing/prober';
import { createSharingBadges } from '../../../../electron/core/sharing/sharing-badges';
import { RateBudget } from '../../../../electron/core/sync/rate-budget';
import { captureLogger } from '../helpers';
import { entry, ME_MASTODON, ME_THREADS, T0, THREADS_SERVER, threadsCopy } from './fixtures';

const JRD = { links: [{ rel: 'self', type: 'application/activity+json', href: 'https://threads.net/ap/users/1/' }] };

interface Call {
  at: number;
  url: URL;
  headers: Headers;
  signal: AbortSignal | undefined;
}

let db: Db;
let facts: SharingFactsRepo;
let calls: Call[];
let probers: { stop(): void }[];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: T0 });
  db = openDatabase(':memory:');
  facts = createSharingFactsRepo(db);
  calls = [];
  probers = [];
});
afterEach(() => {
  for (const prober of probers) prober.stop();
  vi.useRealTimers();
  db.close();
});

/** A fetch that records each request and answers through `answer`. */
function recording(answer: (url: URL) => Response | Promise<Response>): Fetch {
  return (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    calls.push({ at: Date.now(), url, headers: new Headers(init?.headers), signal: init?.signal ?? undefined });
    return Promise.resolve(answer(url));
  };
}

const jrd = (): Response => new Response(JSON.stringify(JRD), { status: 200, headers: { 'content-type': 'application/jrd+json' } });

function prober(fetch: Fetch, pacing: Partial<ProbePacing> = {}, extra: { budgetFor?: (id: string) => RateBudget | null } = {}) {
  const landed: string[][] = [];
  const { log } = captureLogger();
  const instance = new SharingProber({
    facts,
    fetch,
    now: () => Date.now(),
    log,
    onLanded: (groupIds) => landed.push(groupIds),
    tokenFor: (id) => Promise.resolve(id === ME_MASTODON.id ? 'masto-token' : null),
    pacing,
    ...extra,
  });
  probers.push(instance);
  return { instance, landed };
}

const actor = (username: string, origin = 'https://www.threads.net'): ActorRef => {
  const domain = new URL(origin).host.replace(/^www\./, '');
  return { kind: 'actor', key: `${domain}:${username}`, origin, domain, username };
};

const post = (shortcode: string): PostRef => ({
  kind: 'post',
  key: `threads.net/@alice/post/${shortcode}`,
  permalink: `https://www.threads.net/@alice/post/${shortcode}`,
  searcher: { accountId: ME_MASTODON.id, server: ME_MASTODON.server },
});

const callsTo = (host: string): Call[] => calls.filter((call) => call.url.host === host);

describe('the sharing prober', () => {
  it('looks each fact up once, for every card that wants it, and names them all when it lands', async () => {
    let answer: (response: Response) => void = () => undefined;
    const { instance, landed } = prober(recording(() => new Promise<Response>((resolve) => (answer = resolve))));
    instance.enqueue(actor('alice'), '3');
    instance.enqueue(actor('alice'), '1');
    instance.enqueue(actor('alice'), '3');
    expect(instance.pending).toBe(1);
    await vi.advanceTimersByTimeAsync(0);
    // A card asking while the look-up runs joins it rather than starting another.
    expect(calls).toHaveLength(1);
    instance.enqueue(actor('alice'), '12');
    answer(jrd());
    await vi.advanceTimersByTimeAsync(200);
    expect(calls).toHaveLength(1);
    expect(landed).toEqual([['1', '3', '12']]);
    expect(facts.get('actor', 'threads.net:alice')).toMatchObject({ state: 'shared', checkedAt: T0, expiresAt: T0 + FACT_TTL.actor });
    expect(instance.pending).toBe(0);
  });

  it('keeps to one WebFinger a second and 30 a minute per host, other hosts unaffected', async () => {
    const { instance } = prober(recording(() => new Response('', { status: 404 })));
    for (let n = 0; n < 33; n += 1) instance.enqueue(actor(`user${n}`), String(n));
    instance.enqueue(actor('bob', 'https://threads.example'), 'b1');
    instance.enqueue(actor('carl', 'https://threads.example'), 'b2');
    await vi.advanceTimersByTimeAsync(0);
    expect(callsTo('www.threads.net')).toHaveLength(1);
    expect(callsTo('threads.example')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(callsTo('www.threads.net')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(callsTo('www.threads.net')).toHaveLength(2);
    expect(callsTo('threads.example')).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(60_000 - 1_000 - 1);
    expect(callsTo('www.threads.net')).toHaveLength(30);
    await vi.advanceTimersByTimeAsync(1);
    expect(callsTo('www.threads.net')).toHaveLength(31);
    const times = callsTo('www.threads.net').map((call) => call.at - T0);
    for (let i = 1; i < times.length; i += 1) expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(1_000);
    for (let i = 30; i < times.length; i += 1) expect((times[i] as number) - (times[i - 30] as number)).toBeGreaterThanOrEqual(60_000);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(callsTo('www.threads.net')).toHaveLength(33);
    expect(facts.get('actor', 'threads.net:user32')?.state).toBe('not-shared');
  });

  it("pauses a host for its Retry-After after a 429, and stores the failure as unknown, not shared", async () => {
    let limited = true;
    const { instance } = prober(
      recording((url) => {
        if (url.host === 'www.threads.net' && limited) {
          limited = false;
          return new Response('slow down', { status: 429, headers: { 'retry-after': '120' } });
        }
        return jrd();
      }),
    );
    instance.enqueue(actor('alice'), '1');
    instance.enqueue(actor('bob'), '2');
    instance.enqueue(actor('other', 'https://threads.example'), '3');
    await vi.advanceTimersByTimeAsync(5_000);
    const alice = facts.get('actor', 'threads.net:alice');
    expect(alice).toMatchObject({ state: 'unknown', expiresAt: T0 + FACT_TTL.unknown });
    expect(alice?.how).toMatch(/^Braid could not check: .*slow down/);
    // The other host went on; this one waits out the two minutes.
    expect(callsTo('threads.example')).toHaveLength(1);
    expect(callsTo('www.threads.net')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(120_000 - 5_000 - 1);
    expect(callsTo('www.threads.net')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(callsTo('www.threads.net')).toHaveLength(2);
    expect(facts.get('actor', 'threads.net:bob')?.state).toBe('shared');
  });

  it('believes an unknown for the longer of 15 minutes and the Retry-After', async () => {
    const { instance } = prober(recording(() => new Response('', { status: 503, headers: { 'retry-after': '3600' } })));
    instance.enqueue(actor('alice'), '1');
    await vi.advanceTimersByTimeAsync(0);
    expect(facts.get('actor', 'threads.net:alice')).toMatchObject({ state: 'unknown', expiresAt: T0 + 3_600_000 });
  });

  it('coalesces facts landing together into one announcement, and later ones into the next', async () => {
    const { instance, landed } = prober(recording(() => jrd()), { coalesceMs: 100 });
    instance.enqueue(actor('a', 'https://one.example'), '5');
    instance.enqueue(actor('b', 'https://two.example'), '2');
    await vi.advanceTimersByTimeAsync(150);
    instance.enqueue(actor('c', 'https://three.example'), '9');
    await vi.advanceTimersByTimeAsync(150);
    expect(landed).toEqual([['2', '5'], ['9']]);
  });

  it('searches from the Mastodon account at most once every 2 s, with its token', async () => {
    const { instance } = prober(recording(() => Response.json({ statuses: [] })));
    for (const code of ['A', 'B', 'C']) instance.enqueue(post(code), code);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.headers.get('authorization')).toBe('Bearer masto-token');
    expect(calls[0]?.url.searchParams.get('q')).toBe('https://www.threads.net/@alice/post/A');
    await vi.advanceTimersByTimeAsync(1_999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_001);
    expect(calls).toHaveLength(3);
    expect(facts.get('post', 'threads.net/@alice/post/C')).toMatchObject({ state: 'not-shared', expiresAt: calls[2]!.at + FACT_TTL.postNotShared });
  });

  it("leaves half of the Mastodon account's rate limit to its sync", async () => {
    const reset = new Date(T0 + 300_000).toISOString();
    const { instance } = prober(
      recording(() => Response.json({ statuses: [] }, { headers: { 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '140', 'x-ratelimit-reset': reset } })),
    );
    instance.enqueue(post('A'), '1');
    instance.enqueue(post('B'), '2');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(240_000);
    expect(calls).toHaveLength(2);
  });

  it("spends the caller's budget for the Mastodon account when it is given", async () => {
    const budget = new RateBudget({ now: () => Date.now() });
    budget.block(30_000);
    const { instance } = prober(recording(() => Response.json({ statuses: [] })), {}, { budgetFor: () => budget });
    instance.enqueue(post('A'), '1');
    await vi.advanceTimersByTimeAsync(29_999);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(1);
  });

  it('pauses searches after a 429 and records the reason', async () => {
    let first = true;
    const { instance } = prober(
      recording(() => {
        if (!first) return Response.json({ statuses: [] });
        first = false;
        return new Response('{}', { status: 429, headers: { 'retry-after': '60' } });
      }),
    );
    instance.enqueue(post('A'), '1');
    instance.enqueue(post('B'), '2');
    await vi.advanceTimersByTimeAsync(59_999);
    expect(calls).toHaveLength(1);
    expect(facts.get('post', 'threads.net/@alice/post/A')?.how).toMatch(/^Braid could not check: .*slow down/);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
  });

  it('stop() aborts what runs and drops what waits: nothing is stored or announced', async () => {
    const never: Fetch = (input, init) => {
      calls.push({ at: Date.now(), url: new URL(input instanceof Request ? input.url : String(input)), headers: new Headers(), signal: init?.signal ?? undefined });
      return new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    };
    const { instance, landed } = prober(never);
    instance.enqueue(actor('alice'), '1');
    instance.enqueue(actor('bob'), '2');
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    instance.stop();
    expect(calls[0]?.signal?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    instance.enqueue(actor('carol'), '3');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toHaveLength(1);
    expect(facts.get('actor', 'threads.net:alice')).toBeUndefined();
    expect(landed).toEqual([]);
    await expect(instance.settled()).resolves.toBeUndefined();
  });
});

describe('sharing badges over time', () => {
  function badges(fetch: Fetch) {
    const accounts = createAccountsRepo(db);
    createThreadsServersRepo(db).save(THREADS_SERVER);
    accounts.upsert(ME_THREADS);
    accounts.upsert(ME_MASTODON);
    const secrets = new MemorySecretStore();
    void secrets.set(accountTokenKey(ME_MASTODON.id), 'masto-token');
    const events = new CoreEvents();
    const updates: TimelineUpdate[] = [];
    events.on('timeline.updated', (update) => updates.push(update));
    const instance = createSharingBadges({
      db,
      fetch,
      now: () => Date.now(),
      log: captureLogger().log,
      events,
      accounts,
      threadsServers: createThreadsServersRepo(db),
      secrets,
      ownSharing: () => null,
    });
    probers.push(instance);
    return { instance, updates };
  }

  it('asks again once a fact expires, and not before', async () => {
    const { instance, updates } = badges(recording(() => new Response('', { status: 404 })));
    const card = () => entry('7', [threadsCopy('carol')]);
    instance.decorate([card()]);
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toHaveLength(1);
    expect(updates.map((u) => u.changedGroupIds)).toEqual([['7']]);
    const fresh = card();
    instance.decorate([fresh]);
    expect(Object.values(fresh.sharing)[0]?.author?.badge).toBe('not-shared');
    await vi.advanceTimersByTimeAsync(FACT_TTL.actor - 1_000);
    instance.decorate([card()]);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    const stale = card();
    instance.decorate([stale]);
    expect(Object.values(stale.sharing)[0]?.author?.badge).toBe('unknown');
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toHaveLength(2);
    expect(updates).toHaveLength(2);
  });

  it('asks again after 15 minutes when the check failed', async () => {
    let answer = 502;
    const { instance } = badges(recording(() => (answer === 200 ? jrd() : new Response('', { status: answer }))));
    const card = () => entry('8', [threadsCopy('alice')]);
    instance.decorate([card()]);
    await vi.advanceTimersByTimeAsync(500);
    const failed = card();
    instance.decorate([failed]);
    expect(Object.values(failed.sharing)[0]?.author).toEqual({ badge: 'unknown', how: 'Braid could not check: www.threads.net is having trouble (HTTP 502).' });
    answer = 200;
    await vi.advanceTimersByTimeAsync(FACT_TTL.unknown);
    const webFingers = () => calls.filter((call) => call.url.pathname === '/.well-known/webfinger');
    expect(webFingers()).toHaveLength(1);
    instance.decorate([card()]);
    await vi.advanceTimersByTimeAsync(500);
    expect(webFingers()).toHaveLength(2);
    const now = card();
    instance.decorate([now]);
    expect(Object.values(now.sharing)[0]?.author?.badge).toBe('shared');
  });
});
