/**
 * The reads the first screen needs, sent as soon as the page's script starts (renderer/src/boot.ts)
 * rather than after the UI has mounted and the accounts have come back: the shell's state, the
 * sync status, and the timeline's saved position with the newest page of the 'all' filter (the
 * cache can be read before the accounts are known; with no account it is simply empty). They
 * travel while the rest of the bundle loads; AppState.preload() takes the answers over.
 */
import type { BraidApi } from '@shared/api';
import type { Account, AppInfo, Settings } from '@shared/model';
import type { AccountSync, ReadingPosition, TimelineFilter, TimelinePage } from '@shared/timeline';

/** Cards per timeline page, the first one included. */
export const PAGE_SIZE = 50;
/** The filter whose first page is fetched before the saved position says which one to show. */
export const FIRST_FILTER: TimelineFilter = 'all';

export interface FirstReads {
  info: Promise<AppInfo>;
  accounts: Promise<Account[]>;
  settings: Promise<Settings>;
  sync: Promise<AccountSync[]>;
  position: Promise<ReadingPosition | null>;
  /** The newest page of FIRST_FILTER. */
  page: Promise<TimelinePage>;
}

export function sendFirstReads(api: BraidApi): FirstReads {
  const reads: FirstReads = {
    // The page first: it is the biggest answer, and the backend serves calls in order.
    page: api.timeline.page({ filter: FIRST_FILTER, limit: PAGE_SIZE }),
    position: api.timeline.position(),
    accounts: api.accounts.list(),
    settings: api.settings.get(),
    info: api.app.info(),
    sync: api.sync.status(),
  };
  // Each is handled where it is used; until then a failure must not count as unhandled.
  for (const read of Object.values(reads) as Promise<unknown>[]) read.catch(() => undefined);
  return reads;
}
