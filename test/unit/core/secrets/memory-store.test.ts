import { describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../../../electron/core/secrets/memory-store';
import { secretStoreContract } from './secret-store-contract';

describe('MemorySecretStore', () => {
  secretStoreContract(() => new MemorySecretStore());

  it('keeps each instance separate', async () => {
    const a = new MemorySecretStore();
    const b = new MemorySecretStore();
    await a.set('k', 'only-in-a');
    await expect(b.get('k')).resolves.toBeNull();
    await expect(b.keys()).resolves.toEqual([]);
  });
});
