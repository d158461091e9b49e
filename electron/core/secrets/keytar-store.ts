import { BraidError } from '@shared/errors';
import type { SecretStore } from './secret-store';

import type * as KeytarModule from 'keytar';

type Keytar = typeof KeytarModule;

export const KEYCHAIN_SERVICE = 'Braid';

const UNAVAILABLE_HINT =
  process.platform === 'linux'
    ? 'On Linux, install and unlock a Secret Service keyring (GNOME Keyring or KWallet), then restart Braid.'
    : 'Unlock your keychain and restart Braid.';

/**
 * The OS keychain (macOS Keychain, Windows Credential Manager, libsecret on Linux) via keytar.
 * keytar is loaded on first use so that a missing keyring becomes a clear error, not a crash.
 */
export class KeytarSecretStore implements SecretStore {
  readonly #service: string;
  #keytar: Promise<Keytar> | undefined;

  constructor(service: string = KEYCHAIN_SERVICE) {
    this.#service = service;
  }

  async #lib(): Promise<Keytar> {
    // keytar is CommonJS: its functions arrive on the module namespace or on `default`, depending on the loader.
    this.#keytar ??= import('keytar').then((m: Keytar & { default?: Keytar }) => m.default ?? m);
    try {
      return await this.#keytar;
    } catch (error) {
      this.#keytar = undefined;
      throw unavailable('load', error);
    }
  }

  async #call<T>(step: string, run: (keytar: Keytar) => Promise<T>): Promise<T> {
    const keytar = await this.#lib();
    try {
      return await run(keytar);
    } catch (error) {
      throw unavailable(step, error);
    }
  }

  get(key: string): Promise<string | null> {
    return this.#call('read', (k) => k.getPassword(this.#service, key));
  }

  set(key: string, value: string): Promise<void> {
    return this.#call('write', (k) => k.setPassword(this.#service, key, value));
  }

  delete(key: string): Promise<boolean> {
    return this.#call('delete', (k) => k.deletePassword(this.#service, key));
  }

  async keys(): Promise<string[]> {
    const found = await this.#call('list', (k) => k.findCredentials(this.#service));
    return found.map((c) => c.account);
  }
}

function unavailable(step: string, cause: unknown): BraidError {
  // keytar's own messages never contain the secret, but keep them out of the user-facing text anyway.
  return new BraidError('secrets.unavailable', `Braid could not ${step} the system keychain. ${UNAVAILABLE_HINT}`, {
    cause,
  });
}
