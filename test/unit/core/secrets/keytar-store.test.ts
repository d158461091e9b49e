import { randomBytes } from 'node:crypto';
import keytar from 'keytar';
import { afterEach, describe, expect, it } from 'vitest';
import { KEYCHAIN_SERVICE, KeytarSecretStore } from '../../../../electron/core/secrets/keytar-store';
import { secretStoreContract } from './secret-store-contract';

// These run against the real system keychain; test/with-keyring.mjs provides one on Linux.
const services: string[] = [];

function uniqueService(): string {
  const service = `Braid-test-${randomBytes(6).toString('hex')}`;
  services.push(service);
  return service;
}

afterEach(async () => {
  for (const service of services.splice(0)) {
    for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
  }
});

describe('KeytarSecretStore (real keychain)', () => {
  secretStoreContract(() => new KeytarSecretStore(uniqueService()));

  it('writes to the keychain under its service name', async () => {
    const service = uniqueService();
    const store = new KeytarSecretStore(service);
    await store.set('account:a1:token', 'tok_in_the_keychain');
    await expect(keytar.getPassword(service, 'account:a1:token')).resolves.toBe('tok_in_the_keychain');
  });

  it('keeps services apart', async () => {
    const one = new KeytarSecretStore(uniqueService());
    const two = new KeytarSecretStore(uniqueService());
    await one.set('shared-key', 'belongs-to-one');
    await expect(two.get('shared-key')).resolves.toBeNull();
    await expect(two.keys()).resolves.toEqual([]);
    await expect(two.delete('shared-key')).resolves.toBe(false);
    await expect(one.get('shared-key')).resolves.toBe('belongs-to-one');
  });

  it('uses the service name "Braid" by default', async () => {
    expect(KEYCHAIN_SERVICE).toBe('Braid');
    const key = `test-default-service-${randomBytes(6).toString('hex')}`;
    const store = new KeytarSecretStore();
    try {
      await store.set(key, 'default-service-value');
      await expect(keytar.getPassword('Braid', key)).resolves.toBe('default-service-value');
      await expect(store.keys()).resolves.toContain(key);
    } finally {
      await keytar.deletePassword('Braid', key);
    }
  });
});
