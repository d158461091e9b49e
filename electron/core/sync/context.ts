/**
 * What one account's sync works with. The engine builds it; the network syncs only fetch,
 * normalize and write through it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AccountRecord } from '../db/accounts-repo';
import type { SyncCursor, SyncRepo } from '../db/sync-repo';
import type { TimelineWriter, WriteResult } from '../db/timeline-write';
import type { Fetch } from '../net/http';
import type { Logger } from '../log';
import type { FeedItem, NormalizeContext } from '../timeline/types';
import type { RateBudget, RequestPriority } from './rate-budget';

export interface AccountSyncContext {
  account: AccountRecord;
  token: string;
  budget: RateBudget;
  writer: TimelineWriter;
  repo: SyncRepo;
  normalize: NormalizeContext;
  fetch: Fetch;
  log: Logger;
  now: () => number;
  /** How many posts the first backfill fetches for the main feed. */
  backfillTarget: number;
  /** Tells the engine what a write changed (it becomes `timeline.updated`). */
  report: (result: WriteResult) => void;
  /** Tells the engine about waiting on the rate budget (shown as "rate-limited"). */
  onWaiting: (until: number | null) => void;
  signal: AbortSignal;
}

/**
 * Background work (backfill, gap filling, look-ups) that would have to wait for the rate budget
 * gives way instead: the cycle ends, live work goes on, and the next cycle picks it up.
 */
export class BackgroundDeferred extends Error {
  constructor(readonly waitMs: number) {
    super(`background sync waits ${Math.round(waitMs / 1000)} s for the rate limit`);
  }
}

/** Longest wait background work takes in its stride (a polite pause, not a rate-limit window). */
const BACKGROUND_MAX_WAIT_MS = 2_000;

/** Waits until the budget lets a request of this priority go, then counts it. */
export async function spendBudget(context: AccountSyncContext, priority: RequestPriority): Promise<void> {
  let delay = context.budget.delayFor(priority);
  if (priority === 'background' && delay > BACKGROUND_MAX_WAIT_MS) throw new BackgroundDeferred(delay);
  while (delay > 0) {
    const blocked = context.budget.state.blockedUntil;
    context.onWaiting(blocked !== null && blocked > context.now() ? blocked : null);
    await sleep(delay, undefined, { signal: context.signal });
    delay = context.budget.delayFor(priority);
  }
  context.onWaiting(null);
  context.budget.spend();
}

/**
 * Stores a page and moves its feed's cursor in one transaction (plus `extra`, e.g. a gap), so a
 * crash between pages leaves the cache and the cursors in step.
 */
export function writePage(
  context: AccountSyncContext,
  feed: string,
  items: readonly FeedItem[],
  move: (cursor: SyncCursor) => void,
  extra?: () => void,
): void {
  const { writer, repo, account, now } = context;
  const result = writer.transaction((changes) => {
    writer.storeItems(items, account.server, changes);
    const cursor = repo.cursorOrFresh(account.id, feed);
    move(cursor);
    cursor.lastSyncedAt = now();
    repo.saveCursor(cursor);
    extra?.();
  });
  context.report(result);
}
