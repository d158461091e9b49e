import type { Account } from '@shared/model';
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
  linked_at: string;
}

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    network: row.network,
    server: row.server,
    remoteId: row.remote_id,
    handle: row.handle,
    displayName: row.display_name,
    avatarUrl: row.avatar_url,
    status: row.status,
    linkedAt: row.linked_at,
  };
}

/** Linked accounts. Tokens are not here: they live in the SecretStore under the account's id. */
export function createAccountsRepo(db: Db) {
  const selectAll = db.prepare<[], AccountRow>('SELECT * FROM accounts ORDER BY linked_at, id');
  const selectOne = db.prepare<{ id: string }, AccountRow>('SELECT * FROM accounts WHERE id = $id');
  const insert = db.prepare<AccountRow>(
    `INSERT INTO accounts (id, network, server, remote_id, handle, display_name, avatar_url, status, linked_at)
     VALUES ($id, $network, $server, $remote_id, $handle, $display_name, $avatar_url, $status, $linked_at)
     ON CONFLICT (network, server, remote_id) DO UPDATE SET
       handle = excluded.handle, display_name = excluded.display_name,
       avatar_url = excluded.avatar_url, status = excluded.status`,
  );
  const selectByRemote = db.prepare<Pick<AccountRow, 'network' | 'server' | 'remote_id'>, AccountRow>(
    'SELECT * FROM accounts WHERE network = $network AND server = $server AND remote_id = $remote_id',
  );
  const remove = db.prepare<{ id: string }>('DELETE FROM accounts WHERE id = $id');

  return {
    list: (): Account[] => selectAll.all().map(toAccount),
    get: (id: string): Account | undefined => {
      const row = selectOne.get({ id });
      return row ? toAccount(row) : undefined;
    },
    /**
     * Inserts, or refreshes the profile of an account linked before (same network, server and
     * id). Returns the account as stored: a re-link keeps the original id and link time, so
     * secrets must be filed under the returned id.
     */
    upsert(account: Account): Account {
      insert.run({
        id: account.id,
        network: account.network,
        server: account.server,
        remote_id: account.remoteId,
        handle: account.handle,
        display_name: account.displayName,
        avatar_url: account.avatarUrl,
        status: account.status,
        linked_at: account.linkedAt,
      });
      const stored = selectByRemote.get({ network: account.network, server: account.server, remote_id: account.remoteId });
      if (!stored) throw new Error('accounts.upsert: the row vanished inside its own write');
      return toAccount(stored);
    },
    remove: (id: string): boolean => remove.run({ id }).changes > 0,
  };
}

export type AccountsRepo = ReturnType<typeof createAccountsRepo>;
