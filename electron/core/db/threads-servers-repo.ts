import type { ThreadsPreset } from '@shared/linking';
import type { Db } from './open';

/** A Threads-style server's settings as stored. Its app secret is in the keychain. */
export interface ThreadsServerRecord {
  id: string;
  name: string;
  apiBase: string;
  authorizeUrl: string;
  appId: string;
  redirectUri: string | null;
  allowsLoopback: boolean;
  usesPkce: boolean;
  preset: ThreadsPreset | null;
  createdAt: string;
}

interface Row {
  id: string;
  name: string;
  api_base: string;
  authorize_url: string;
  app_id: string;
  redirect_uri: string | null;
  allows_loopback: 0 | 1;
  uses_pkce: 0 | 1;
  preset: ThreadsPreset | null;
  created_at: string;
}

function toRecord(row: Row): ThreadsServerRecord {
  return {
    id: row.id,
    name: row.name,
    apiBase: row.api_base,
    authorizeUrl: row.authorize_url,
    appId: row.app_id,
    redirectUri: row.redirect_uri,
    allowsLoopback: row.allows_loopback === 1,
    usesPkce: row.uses_pkce === 1,
    preset: row.preset,
    createdAt: row.created_at,
  };
}

export function createThreadsServersRepo(db: Db) {
  const selectAll = db.prepare<[], Row>(`SELECT * FROM threads_servers
     ORDER BY CASE preset WHEN 'threads' THEN 0 WHEN 'sandbox' THEN 1 ELSE 2 END, created_at, id`);
  const selectOne = db.prepare<{ id: string }, Row>('SELECT * FROM threads_servers WHERE id = $id');
  const upsert = db.prepare<Row>(
    `INSERT INTO threads_servers (id, name, api_base, authorize_url, app_id, redirect_uri, allows_loopback, uses_pkce, preset, created_at)
     VALUES ($id, $name, $api_base, $authorize_url, $app_id, $redirect_uri, $allows_loopback, $uses_pkce, $preset, $created_at)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, api_base = excluded.api_base,
       authorize_url = excluded.authorize_url, app_id = excluded.app_id, redirect_uri = excluded.redirect_uri,
       allows_loopback = excluded.allows_loopback, uses_pkce = excluded.uses_pkce`,
  );
  const remove = db.prepare<{ id: string }>('DELETE FROM threads_servers WHERE id = $id');
  return {
    list: (): ThreadsServerRecord[] => selectAll.all().map(toRecord),
    get: (id: string): ThreadsServerRecord | undefined => {
      const row = selectOne.get({ id });
      return row ? toRecord(row) : undefined;
    },
    save(server: ThreadsServerRecord): ThreadsServerRecord {
      upsert.run({
        id: server.id,
        name: server.name,
        api_base: server.apiBase,
        authorize_url: server.authorizeUrl,
        app_id: server.appId,
        redirect_uri: server.redirectUri,
        allows_loopback: server.allowsLoopback ? 1 : 0,
        uses_pkce: server.usesPkce ? 1 : 0,
        preset: server.preset,
        created_at: server.createdAt,
      });
      const stored = selectOne.get({ id: server.id });
      if (!stored) throw new Error('threadsServers.save: the row vanished inside its own write');
      return toRecord(stored);
    },
    remove: (id: string): boolean => remove.run({ id }).changes > 0,
  };
}

export type ThreadsServersRepo = ReturnType<typeof createThreadsServersRepo>;
