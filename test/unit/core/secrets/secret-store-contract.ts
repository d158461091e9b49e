import { expect, it } from 'vitest';
import type { SecretStore } from '../../../../electron/core/secrets/secret-store';

/**
 * The behaviour every SecretStore must have. `makeStore` returns a store that starts empty; the
 * caller cleans up whatever the tests leave behind.
 */
export function secretStoreContract(makeStore: () => SecretStore): void {
  it('answers null for a key it does not hold', async () => {
    const store = makeStore();
    await expect(store.get('account:missing:token')).resolves.toBeNull();
  });

  it('reads back what was set, and overwrites on a second set', async () => {
    const store = makeStore();
    await store.set('account:a1:token', 'tok_first_value_123');
    await expect(store.get('account:a1:token')).resolves.toBe('tok_first_value_123');
    await store.set('account:a1:token', 'tok_second_value_456');
    await expect(store.get('account:a1:token')).resolves.toBe('tok_second_value_456');
    await expect(store.keys()).resolves.toEqual(['account:a1:token']);
  });

  it('keeps values exactly, including unicode and punctuation', async () => {
    const store = makeStore();
    const value = 'pässwörd "quoted" \\ back/slash 🔑 = +';
    await store.set('app:client-secret', value);
    await expect(store.get('app:client-secret')).resolves.toBe(value);
  });

  it('lists every key it holds', async () => {
    const store = makeStore();
    await expect(store.keys()).resolves.toEqual([]);
    await store.set('account:a1:token', 'value-one');
    await store.set('account:a2:token', 'value-two');
    const keys = await store.keys();
    expect([...keys].sort()).toEqual(['account:a1:token', 'account:a2:token']);
  });

  it('deletes a key, resolving true, and false when there was nothing to delete', async () => {
    const store = makeStore();
    await store.set('account:a1:token', 'value-one');
    await store.set('account:a2:token', 'value-two');

    await expect(store.delete('account:a1:token')).resolves.toBe(true);
    await expect(store.get('account:a1:token')).resolves.toBeNull();
    await expect(store.keys()).resolves.toEqual(['account:a2:token']);
    await expect(store.get('account:a2:token')).resolves.toBe('value-two');

    await expect(store.delete('account:a1:token')).resolves.toBe(false);
    await expect(store.delete('never-set')).resolves.toBe(false);
  });
}
