import type { Database } from 'better-sqlite3';
import { BraidError } from '@shared/errors';
import type { Migration } from './migrations';

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the schema up to the newest migration. Each migration and its user_version bump run in
 * one transaction, so a crash leaves the database at a whole version. A database written by a
 * newer Braid is refused rather than guessed at.
 */
export function migrate(db: Database, migrations: readonly Migration[]): number {
  migrations.forEach((m, index) => {
    if (m.version !== index + 1) {
      throw new Error(`Migration list is out of order at ${m.name}: expected version ${index + 1}`);
    }
  });
  const latest = migrations.length;
  const current = schemaVersion(db);
  if (current > latest) {
    throw new BraidError(
      'storage.newer-schema',
      `This data was saved by a newer version of Braid (schema ${current}; this version knows ${latest}). ` +
        'Update Braid to open it, or move the data folder aside to start fresh.',
    );
  }
  for (const m of migrations.slice(current)) {
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return schemaVersion(db);
}
