import type { Db } from './open';

/** Braid's app registration on one Mastodon instance. The client secret is in the keychain. */
export interface MastodonApp {
  origin: string;
  clientId: string;
  redirectUris: string[];
  scopes: string;
  registeredAt: string;
}

interface Row {
  origin: string;
  client_id: string;
  redirect_uris: string;
  scopes: string;
  registered_at: string;
}

export function createMastodonAppsRepo(db: Db) {
  const select = db.prepare<{ origin: string }, Row>('SELECT * FROM mastodon_apps WHERE origin = $origin');
  const upsert = db.prepare<Row>(
    `INSERT INTO mastodon_apps (origin, client_id, redirect_uris, scopes, registered_at)
     VALUES ($origin, $client_id, $redirect_uris, $scopes, $registered_at)
     ON CONFLICT (origin) DO UPDATE SET client_id = excluded.client_id, redirect_uris = excluded.redirect_uris,
       scopes = excluded.scopes, registered_at = excluded.registered_at`,
  );
  const remove = db.prepare<{ origin: string }>('DELETE FROM mastodon_apps WHERE origin = $origin');
  return {
    get(origin: string): MastodonApp | undefined {
      const row = select.get({ origin });
      return row
        ? { origin: row.origin, clientId: row.client_id, redirectUris: row.redirect_uris.split('\n'), scopes: row.scopes, registeredAt: row.registered_at }
        : undefined;
    },
    save(app: MastodonApp): void {
      upsert.run({
        origin: app.origin,
        client_id: app.clientId,
        redirect_uris: app.redirectUris.join('\n'),
        scopes: app.scopes,
        registered_at: app.registeredAt,
      });
    },
    remove: (origin: string): boolean => remove.run({ origin }).changes > 0,
  };
}

export type MastodonAppsRepo = ReturnType<typeof createMastodonAppsRepo>;
