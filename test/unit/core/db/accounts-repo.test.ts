import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Account } from '@shared/model';
import { createAccountsRepo, toAccount, type AccountRecord, type AccountsRepo } from '../../../../electron/core/db/accounts-repo';
import { closeDatabase, openDatabase, type Db } from '../../../../electron/core/db/open';

function makeAccount(overrides: Partial<AccountRecord> = {}): AccountRecord {
  return {
    id: 'acct-ada',
    network: 'mastodon',
    server: 'https://mastodon.social',
    remoteId: '109000000000000001',
    handle: 'ada@mastodon.social',
    displayName: 'Ada Lovelace',
    avatarUrl: 'https://files.mastodon.social/avatars/ada.png',
    status: 'ok',
    statusMessage: null,
    linkedAt: '2025-03-01T10:00:00.000Z',
    threadsServerId: null,
    tokenIssuedAt: null,
    tokenExpiresAt: null,
    ...overrides,
  };
}

describe('accounts repository', () => {
  let db: Db;
  let accounts: AccountsRepo;

  beforeEach(() => {
    db = openDatabase(':memory:');
    accounts = createAccountsRepo(db);
  });
  afterEach(() => closeDatabase(db));

  const rowCount = () => db.prepare('SELECT count(*) FROM accounts').pluck().get();

  it('lists nothing in a new database', () => {
    expect(accounts.list()).toEqual([]);
    expect(accounts.get('acct-ada')).toBeUndefined();
  });

  it('reads back exactly what was upserted, in the contract shape', () => {
    const ada = makeAccount();
    accounts.upsert(ada);

    expect(accounts.get(ada.id)).toEqual(ada);
    expect(accounts.list()).toEqual([ada]);
    expect(Account.array().parse(accounts.list())).toEqual([toAccount(ada)]);
  });

  it('keeps a null avatar as null', () => {
    accounts.upsert(makeAccount({ avatarUrl: null, displayName: '' }));
    expect(accounts.get('acct-ada')).toMatchObject({ avatarUrl: null, displayName: '' });
  });

  it('lists accounts oldest first, then by id', () => {
    const later = makeAccount({ id: 'b-later', remoteId: '3', linkedAt: '2025-03-02T00:00:00.000Z' });
    const earlyB = makeAccount({ id: 'b-early', remoteId: '2', linkedAt: '2025-03-01T00:00:00.000Z' });
    const earlyA = makeAccount({ id: 'a-early', remoteId: '1', linkedAt: '2025-03-01T00:00:00.000Z' });
    accounts.upsert(later);
    accounts.upsert(earlyB);
    accounts.upsert(earlyA);

    expect(accounts.list().map((a) => a.id)).toEqual(['a-early', 'b-early', 'b-later']);
  });

  it('refreshes the profile when the same account is linked again, keeping one row', () => {
    const first = makeAccount();
    accounts.upsert(first);

    const stored = accounts.upsert(
      makeAccount({
        id: 'acct-new-id',
        handle: 'countess@mastodon.social',
        displayName: 'The Countess',
        avatarUrl: null,
        status: 'needs-sign-in',
        linkedAt: '2026-01-01T00:00:00.000Z',
      }),
    );

    expect(rowCount()).toBe(1);
    expect(accounts.list()).toEqual([
      {
        ...first,
        handle: 'countess@mastodon.social',
        displayName: 'The Countess',
        avatarUrl: null,
        status: 'needs-sign-in',
      },
    ]);
    // The row keeps the id and link time it was created with, and says so to the caller.
    expect(accounts.get('acct-new-id')).toBeUndefined();
    expect(stored).toMatchObject({ id: first.id, linkedAt: first.linkedAt, displayName: 'The Countess' });
  });

  it('treats the same remote id on another server or network as another account', () => {
    accounts.upsert(makeAccount());
    accounts.upsert(makeAccount({ id: 'acct-foss', server: 'https://fosstodon.org' }));
    accounts.upsert(makeAccount({ id: 'acct-threads', network: 'threads', server: 'https://www.threads.net' }));

    expect(rowCount()).toBe(3);
    expect(accounts.list().map((a) => a.id).sort()).toEqual(['acct-ada', 'acct-foss', 'acct-threads']);
  });

  it('removes by id and reports whether anything was removed', () => {
    accounts.upsert(makeAccount());
    accounts.upsert(makeAccount({ id: 'acct-bob', remoteId: '2', handle: 'bob@mastodon.social' }));

    expect(accounts.remove('acct-ada')).toBe(true);
    expect(accounts.get('acct-ada')).toBeUndefined();
    expect(accounts.list().map((a) => a.id)).toEqual(['acct-bob']);
    expect(accounts.remove('acct-ada')).toBe(false);
    expect(accounts.remove('never-existed')).toBe(false);
  });

  it('lets an account be linked again after removal', () => {
    accounts.upsert(makeAccount());
    accounts.remove('acct-ada');
    accounts.upsert(makeAccount({ id: 'acct-ada-2' }));
    expect(accounts.list().map((a) => a.id)).toEqual(['acct-ada-2']);
  });
});
