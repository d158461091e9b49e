import { secretKey, type SecretStore } from '../secrets/secret-store';

/** Where an account's access token lives in the keychain. */
export const accountTokenKey = (accountId: string): string => secretKey('account', accountId, 'token');

export function readAccountToken(secrets: SecretStore, accountId: string): Promise<string | null> {
  return secrets.get(accountTokenKey(accountId));
}
