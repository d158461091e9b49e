/** The tests' window into the real keychain (the with-keyring session's Secret Service). */
import keytar from 'keytar';

export async function readKeychain(service: string): Promise<Map<string, string>> {
  const found = await keytar.findCredentials(service);
  return new Map(found.map((c) => [c.account, c.password]));
}

export async function forgetKeychain(service: string): Promise<void> {
  for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
}
