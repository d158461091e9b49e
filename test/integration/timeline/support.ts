/**
 * Shared by the timeline tests: a core (see linking/support.ts) with the sandbox's demo
 * accounts linked through the real sign-in pages, and helpers to read the merged timeline.
 */
import type { Account } from '@shared/model';
import type { TimelineEntry, TimelinePage } from '@shared/timeline';
import type { CoreOptions } from '../../../electron/core/app';
import type { Sandbox } from '../../sandbox/index.ts';
import { DEMO_PASSWORD, DEMO_USERNAME } from '../../sandbox/seed/people.ts';
import { answerMastodon, answerThreads, link, startHarness, type Harness } from '../linking/support';

export { startHarness, type Harness };

const demo = { username: DEMO_USERNAME, password: DEMO_PASSWORD };

/** Fast timings so tests wait on conditions, not on production intervals. */
export const TEST_SYNC = { retryBaseMs: 50, retryCapMs: 400, streamRetryBaseMs: 50, streamRetryCapMs: 400, coalesceMs: 10 } as const;

export function timelineHarness(sandbox: Sandbox, options: Partial<CoreOptions> = {}): Harness {
  return startHarness({
    sandboxThreadsUrl: sandbox.threads.origin,
    clock: { now: () => Date.now() },
    sync: { ...TEST_SYNC, ...(options.sync || {}) },
    ...Object.fromEntries(Object.entries(options).filter(([key]) => key !== 'sync')),
  });
}

export function linkDemoMastodon(h: Harness, sandbox: Sandbox, user = demo): Promise<Account> {
  return link(h, { network: 'mastodon', instance: sandbox.mastodon.origin }, async (url) => (await answerMastodon(url, user)).location ?? '');
}

export function linkDemoThreads(h: Harness, user = demo): Promise<Account> {
  return link(h, { network: 'threads', serverId: 'sandbox' }, (url) => answerThreads(url, user));
}

/**
 * A fetch that answers the way Meta's Graph API does for what graph.threads.net lacks: Braid's
 * `braid_*` edges always, and its extension fields in `fields` unless `extensionFields` is
 * 'allowed' ("(#100) Tried accessing nonexisting field (…)"). Everything else reaches the sandbox.
 */
export function likeGraphThreadsNet(threadsOrigin: string, options: { extensionFields?: 'refused' | 'allowed' } = {}): typeof fetch {
  const refuseFields = options.extensionFields !== 'allowed';
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin === threadsOrigin) {
      const edge = url.pathname.includes('/braid_') ? url.pathname.split('/').pop() : undefined;
      const field = refuseFields ? /(is_shared_to_fediverse|activitypub_id)/.exec(url.searchParams.get('fields') ?? '')?.[1] : undefined;
      const unknown = edge ?? field;
      if (unknown) {
        const message = `(#100) Tried accessing nonexisting field (${unknown}) on node type (ThreadsUser)`;
        return new Response(JSON.stringify({ error: { message, type: 'OAuthException', code: 100, fbtrace_id: 'A1' } }), {
          status: 400,
          headers: { 'content-type': 'application/json' },
        });
      }
    }
    return fetch(input, init);
  };
}

/** Every card in the cache, newest first, paging like the renderer does. */
export async function allEntries(h: Harness, filter: TimelineEntry extends never ? never : 'all' | 'threads' | 'mastodon' | 'cross-posted' = 'all'): Promise<TimelineEntry[]> {
  const entries: TimelineEntry[] = [];
  let before: string | undefined;
  for (;;) {
    const page = (await h.call('timeline.page', { filter, limit: 200, ...(before ? { before } : {}) })) as TimelinePage;
    entries.push(...page.entries);
    if (!page.olderCursor) return entries;
    before = page.olderCursor;
  }
}

/** Polls until `check` passes (sync runs in the background). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
