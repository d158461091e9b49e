import type { SecretStore } from './secret-store';

/** A SecretStore that forgets everything on exit: for unit tests and throwaway profiles. */
export class MemorySecretStore implements SecretStore {
  readonly #values = new Map<string, string>();

  get(key: string): Promise<string | null> {
    return Promise.resolve(this.#values.get(key) ?? null);
  }

  set(key: string, value: string): Promise<void> {
    this.#values.set(key, value);
    return Promise.resolve();
  }

  delete(key: string): Promise<boolean> {
    return Promise.resolve(this.#values.delete(key));
  }

  keys(): Promise<string[]> {
    return Promise.resolve([...this.#values.keys()]);
  }
}
