/**
 * Where tokens and client secrets live. Nothing secret is ever written to SQLite: the database
 * stores only the key under which a secret can be found here.
 */
export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  /** Resolves true when something was deleted. */
  delete(key: string): Promise<boolean>;
  /** Every key this store holds for Braid. */
  keys(): Promise<string[]>;
}

/**
 * Keys are namespaced so one keychain entry can be traced to one account or app registration,
 * e.g. `account:<id>:token`. Parts are escaped so `('a:b', 'c')` and `('a', 'b:c')` differ.
 */
export function secretKey(...parts: string[]): string {
  if (parts.length === 0) throw new Error('A secret key needs at least one part');
  for (const part of parts) {
    if (part.length === 0 || part.includes('\n')) throw new Error(`Invalid secret key part: ${JSON.stringify(part)}`);
  }
  return parts.map((part) => part.replaceAll('%', '%25').replaceAll(':', '%3A')).join(':');
}
