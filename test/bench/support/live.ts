/**
 * From a post being created on the sandbox to the user seeing it: the browser host linked to both
 * demo accounts through the sandbox's real sign-in pages (over the host's contract, as the
 * page's own client calls it), the timeline open in Chromium, then posts made through the
 * sandbox's admin API while the page watches for the "new posts" pill and, after a click on it,
 * for the post's card.
 */
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, DEMO_USERNAME, type Sandbox } from '../../sandbox/index.ts';
import { answerMastodon, answerThreads, visit } from '../../sandbox/sign-in-pages.ts';
import type { RunningHost } from './host.ts';
import { armPaintWatch, clickPill, newContext, SELECTORS } from './page-measures.ts';

const demo = { username: DEMO_USERNAME, password: DEMO_PASSWORD };

interface AccountView {
  id: string;
  network: 'threads' | 'mastodon';
}

interface SyncView {
  accountId: string;
  state: string;
  live: boolean;
  backfilled: number;
}

async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Links both demo accounts the way the page does: beginLink, the server's pages, the redirect. */
export async function linkDemoAccounts(host: RunningHost, sandbox: Sandbox): Promise<void> {
  const linked = (network: AccountView['network']) => () =>
    host.call<AccountView[]>('accounts.list').then((accounts) => accounts.find((account) => account.network === network));

  const mastodonFlow = await host.call<{ id: string; authorizeUrl: string }>('accounts.beginLink', { network: 'mastodon', instance: sandbox.mastodon.origin });
  const answer = await answerMastodon(mastodonFlow.authorizeUrl, demo);
  if (answer.location) await visit(answer.location);
  else await host.call('accounts.completeLink', { flowId: mastodonFlow.id, code: answer.oobCode ?? '' });
  await until('the Mastodon account to be linked', linked('mastodon'));

  const threadsFlow = await host.call<{ id: string; authorizeUrl: string }>('accounts.beginLink', { network: 'threads', serverId: 'sandbox' });
  await visit(await answerThreads(threadsFlow.authorizeUrl, demo));
  await until('the Threads account to be linked', linked('threads'));
}

/** Waits for the first sync of both accounts to finish and for Mastodon's stream to be up. */
export async function waitForLiveSync(host: RunningHost): Promise<SyncView[]> {
  return until(
    'both accounts to finish their first sync with Mastodon streaming',
    async () => {
      const [accounts, status] = await Promise.all([host.call<AccountView[]>('accounts.list'), host.call<SyncView[]>('sync.status')]);
      const mastodon = accounts.find((account) => account.network === 'mastodon');
      const live = status.find((sync) => sync.accountId === mastodon?.id)?.live === true;
      return status.length === 2 && live && status.every((sync) => sync.state === 'idle' && sync.backfilled > 0) ? status : null;
    },
    120_000,
  );
}

export interface LiveSample {
  /** Created on the server → the pill's frame is done. */
  pillMs: number;
  /** Click on the pill → the post's card's frame is done. */
  clickToCardMs: number;
}

async function clearPill(page: Page): Promise<void> {
  if (await page.$(SELECTORS.PILL)) await clickPill(page);
  await page.waitForSelector(SELECTORS.PILL, { state: 'detached', timeout: 30_000 });
}

/** One post made by `create`, followed to the pill and, after clicking it, to its card. */
async function oneLivePost(page: Page, token: string, create: () => void): Promise<LiveSample> {
  await clearPill(page);
  const pillShown = await armPaintWatch(page, SELECTORS.PILL);
  const createdAt = performance.timeOrigin + performance.now();
  create();
  const pillAt = await pillShown();
  const cardShown = await armPaintWatch(page, SELECTORS.CARD, token);
  const clickedAt = await clickPill(page);
  const cardAt = await cardShown();
  return { pillMs: pillAt - createdAt, clickToCardMs: cardAt - clickedAt };
}

export interface LiveResult {
  mastodon: LiveSample[];
  /** A Threads post by a sharing user, reaching the timeline as its federated Mastodon copy. */
  threadsFederated: LiveSample[];
  syncedPosts: number;
}

export async function measureLive(browser: Browser, host: RunningHost, sandbox: Sandbox, runs: number): Promise<LiveResult> {
  const mona = sandbox.seeded?.mastodonAccounts.mona;
  const alice = sandbox.seeded?.threadsUsers.alice;
  if (!mona || !alice) throw new Error('the seeded sandbox has no mona (Mastodon) or alice (Threads)');
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await page.goto(host.url);
    await page.waitForSelector(SELECTORS.CARD, { timeout: 60_000 });
    const status = await waitForLiveSync(host);
    const result: LiveResult = { mastodon: [], threadsFederated: [], syncedPosts: status.reduce((sum, sync) => sum + sync.backfilled, 0) };
    const stamp = Date.now().toString(36);
    for (let run = 0; run < runs; run += 1) {
      const token = `m${stamp}x${run}`;
      result.mastodon.push(await oneLivePost(page, token, () => sandbox.mastodon.admin.createStatus(mona.id, { text: `Benchmark live post ${token}` })));
    }
    for (let run = 0; run < runs; run += 1) {
      const token = `t${stamp}x${run}`;
      result.threadsFederated.push(await oneLivePost(page, token, () => void sandbox.threads.admin.createPost(alice.id, { text: `Benchmark live Threads post ${token}` })));
    }
    return result;
  } finally {
    await context.close();
  }
}
