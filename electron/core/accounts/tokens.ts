import { secretKey } from '../secrets/secret-store';

/** Where an account's access token lives in the keychain. */
export const accountTokenKey = (accountId: string): string => secretKey('account', accountId, 'token');
