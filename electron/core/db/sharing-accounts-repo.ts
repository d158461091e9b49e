import { SharingState } from '@shared/sharing';
import type { Db } from './open';

interface Row {
  account_id: string;
  state: string;
  checked_at: number;
}

/**
 * Each linked Threads account's Fediverse sharing as last checked (migration 004), so the settings
 * screen shows something true-as-of-then when offline. Rows go with their account (ON DELETE
 * CASCADE). A row that no longer reads as a SharingState (hand-edited, written by an older
 * Braid) counts as missing: the next check writes a good one.
 */
export function createSharingAccountsRepo(db: Db, onCorrupt: (accountId: string, problem: string) => void = () => undefined) {
  const selectOne = db.prepare<{ id: string }, Row>('SELECT account_id, state, checked_at FROM sharing_accounts WHERE account_id = $id');
  const upsert = db.prepare<Row>(
    `INSERT INTO sharing_accounts (account_id, state, checked_at) VALUES ($account_id, $state, $checked_at)
     ON CONFLICT (account_id) DO UPDATE SET state = excluded.state, checked_at = excluded.checked_at`,
  );

  function parse(row: Row): SharingState | undefined {
    let json: unknown;
    try {
      json = JSON.parse(row.state);
    } catch {
      onCorrupt(row.account_id, 'not JSON');
      return undefined;
    }
    const parsed = SharingState.safeParse(json);
    if (!parsed.success || parsed.data.accountId !== row.account_id) {
      onCorrupt(row.account_id, parsed.success ? 'filed under another account' : parsed.error.issues.map((issue) => issue.path.join('.') || issue.message).join(', '));
      return undefined;
    }
    return parsed.data;
  }

  return {
    get(accountId: string): SharingState | undefined {
      const row = selectOne.get({ id: accountId });
      return row ? parse(row) : undefined;
    },
    /** `writtenAt`: when Braid wrote it (the state's own `checkedAt` stays null until a check succeeds). */
    save(state: SharingState, writtenAt: number): void {
      upsert.run({ account_id: state.accountId, state: JSON.stringify(SharingState.parse(state)), checked_at: writtenAt });
    },
  };
}

export type SharingAccountsRepo = ReturnType<typeof createSharingAccountsRepo>;
