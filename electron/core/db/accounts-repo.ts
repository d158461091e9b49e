import type { Account, AccountStatus } from '@shared/model';
import type { Db } from './open';

interface AccountRow {
  id: string;
  network: Account['network'];
  server: string;
  remote_id: string;
  handle: string;
  display_name: string;
  avatar_url: string | null;
  status: Account['status'];
  status_message: string | null;
  linked_at: string;
  threads_server_id: string | null;
  token_issued_at: string | null;
  token_expires_at: string | null;
}

/** An account as the core keeps it: what the renderer sees, plus how its sign-in works. */
export interface AccountRecord extends Account {
  /** The Threads server settings it was linked through; null for Mastodon. */
  threadsServerId: string | null;
  /** When the current token was issued and when it stops working (Threads); null when unknown or never. */
  tokenIssuedAt: string | null;
  tokenExpiresAt: string | null;
}

function toRecord(row: AccountRow): AccountRecord {
  return {
    id: row.id,
    network: row.network,
    server: row.server,
    remoteId: row.remote_id,
    handle: row.handle,
    displayName: row.display_name,
    avatarUrl: row.avatar_url,
    status: row.status,
    statusMessage: row.status_message,
    linkedAt: row.linked_at,
    threadsServerId: row.threads_server_id,
    tokenIssuedAt: row.token_issued_at,
    tokenExpiresAt: row.token_expires_at,
  };
}

/** The renderer's view: the sign-in details stay in the core. */
export function toAccount(record: AccountRecord): Account {
  return {
    id: record.id,
    network: record.network,
    server: record.server,
    remoteId: record.remoteId,
    handle: record.handle,
    displayName: record.displayName,
    avatarUrl: record.avatarUrl,
    status: record.status,
    statusMessage: record.statusMessage,
    linkedAt: record.linkedAt,
  };
}

export type NewAccount = Omit<AccountRecord, 'statusMessage' | 'threadsServerId' | 'tokenIssuedAt' | 'tokenExpiresAt'> &
  Partial<Pick<AccountRecord, 'statusMessage' | 'threadsServerId' | 'tokenIssuedAt' | 'tokenExpiresAt'>>;

/** Linked accounts. Tokens are not here: they live in the SecretStore under the account's id. */
export function createAccountsRepo(db: Db) {
  const selectAll = db.prepare<[], AccountRow>('SELECT * FROM accounts ORDER BY linked_at, id');
  const selectOne = db.prepare<{ id: string }, AccountRow>('SELECT * FROM accounts WHERE id = $id');
  const insert = db.prepare<AccountRow>(
    `INSERT INTO accounts (id, network, server, remote_id, handle, display_name, avatar_url, status, status_message,
                           linked_at, threads_server_id, token_issued_at, token_expires_at)
     VALUES ($id, $network, $server, $remote_id, $handle, $display_name, $avatar_url, $status, $status_message,
             $linked_at, $threads_server_id, $token_issued_at, $token_expires_at)
     ON CONFLICT (network, server, remote_id) DO UPDATE SET
       handle = excluded.handle, display_name = excluded.display_name,
       avatar_url = excluded.avatar_url, status = excluded.status, status_message = excluded.status_message,
       threads_server_id = excluded.threads_server_id,
       token_issued_at = excluded.token_issued_at, token_expires_at = excluded.token_expires_at`,
  );
  const selectByRemote = db.prepare<Pick<AccountRow, 'network' | 'server' | 'remote_id'>, AccountRow>(
    'SELECT * FROM accounts WHERE network = $network AND server = $server AND remote_id = $remote_id',
  );
  const updateStatus = db.prepare<{ id: string; status: AccountStatus; status_message: string | null }>(
    'UPDATE accounts SET status = $status, status_message = $status_message WHERE id = $id',
  );
  const updateProfile = db.prepare<Pick<AccountRow, 'id' | 'handle' | 'display_name' | 'avatar_url'>>(
    'UPDATE accounts SET handle = $handle, display_name = $display_name, avatar_url = $avatar_url WHERE id = $id',
  );
  const updateToken = db.prepare<Pick<AccountRow, 'id' | 'token_issued_at' | 'token_expires_at'>>(
    'UPDATE accounts SET token_issued_at = $token_issued_at, token_expires_at = $token_expires_at WHERE id = $id',
  );
  const countByServer = db.prepare<{ id: string }, { n: number }>('SELECT count(*) AS n FROM accounts WHERE threads_server_id = $id');
  const remove = db.prepare<{ id: string }>('DELETE FROM accounts WHERE id = $id');

  return {
    list: (): AccountRecord[] => selectAll.all().map(toRecord),
    get: (id: string): AccountRecord | undefined => {
      const row = selectOne.get({ id });
      return row ? toRecord(row) : undefined;
    },
    findByRemote: (network: Account['network'], server: string, remoteId: string): AccountRecord | undefined => {
      const row = selectByRemote.get({ network, server, remote_id: remoteId });
      return row ? toRecord(row) : undefined;
    },
    /**
     * Inserts, or refreshes an account linked before (same network, server and id). Returns the
     * account as stored: a re-link keeps the original id and link time (and so its cached data),
     * so secrets must be filed under the returned id.
     */
    upsert(account: NewAccount): AccountRecord {
      insert.run({
        id: account.id,
        network: account.network,
        server: account.server,
        remote_id: account.remoteId,
        handle: account.handle,
        display_name: account.displayName,
        avatar_url: account.avatarUrl,
        status: account.status,
        status_message: account.statusMessage ?? null,
        linked_at: account.linkedAt,
        threads_server_id: account.threadsServerId ?? null,
        token_issued_at: account.tokenIssuedAt ?? null,
        token_expires_at: account.tokenExpiresAt ?? null,
      });
      const stored = selectByRemote.get({ network: account.network, server: account.server, remote_id: account.remoteId });
      if (!stored) throw new Error('accounts.upsert: the row vanished inside its own write');
      return toRecord(stored);
    },
    setStatus: (id: string, status: AccountStatus, message: string | null = null): boolean =>
      updateStatus.run({ id, status, status_message: message }).changes > 0,
    setProfile: (id: string, profile: Pick<Account, 'handle' | 'displayName' | 'avatarUrl'>): void => {
      updateProfile.run({ id, handle: profile.handle, display_name: profile.displayName, avatar_url: profile.avatarUrl });
    },
    setTokenTimes: (id: string, issuedAt: string | null, expiresAt: string | null): void => {
      updateToken.run({ id, token_issued_at: issuedAt, token_expires_at: expiresAt });
    },
    countUsingThreadsServer: (serverId: string): number => countByServer.get({ id: serverId })?.n ?? 0,
    remove: (id: string): boolean => remove.run({ id }).changes > 0,
  };
}

export type AccountsRepo = ReturnType<typeof createAccountsRepo>;
