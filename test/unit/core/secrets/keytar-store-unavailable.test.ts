import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BraidError } from '@shared/errors';

// A keychain that refuses every request, as a locked or missing Secret Service does.
const keytar = vi.hoisted(() => ({
  getPassword: vi.fn(),
  setPassword: vi.fn(),
  deletePassword: vi.fn(),
  findCredentials: vi.fn(),
}));
vi.mock('keytar', () => ({ default: keytar }));

const { KeytarSecretStore } = await import('../../../../electron/core/secrets/keytar-store');

async function rejection(promise: Promise<unknown>): Promise<BraidError> {
  const error: unknown = await promise.then(
    () => {
      throw new Error('expected the keychain call to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BraidError);
  return error as BraidError;
}

describe('KeytarSecretStore when the keychain refuses', () => {
  const refusal = new Error('org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided');

  beforeEach(() => {
    for (const fn of Object.values(keytar)) fn.mockRejectedValue(refusal);
  });

  it.each([
    ['get', (s: InstanceType<typeof KeytarSecretStore>) => s.get('k'), 'read'],
    ['set', (s: InstanceType<typeof KeytarSecretStore>) => s.set('k', 'tok_never_shown_123456'), 'write'],
    ['delete', (s: InstanceType<typeof KeytarSecretStore>) => s.delete('k'), 'delete'],
    ['keys', (s: InstanceType<typeof KeytarSecretStore>) => s.keys(), 'list'],
  ])('%s fails with secrets.unavailable and a hint', async (_name, call, step) => {
    const error = await rejection(call(new KeytarSecretStore('Braid-test')));
    expect(error.code).toBe('secrets.unavailable');
    expect(error.message).toContain(`Braid could not ${step} the system keychain.`);
    if (process.platform === 'linux') expect(error.message).toMatch(/Secret Service keyring/);
    expect(error.cause).toBe(refusal);
    expect(error.message).not.toContain('tok_never_shown_123456');
  });

  it('passes the service name and key to keytar', async () => {
    keytar.getPassword.mockResolvedValue('v');
    await new KeytarSecretStore('Braid-svc').get('account:a1:token');
    expect(keytar.getPassword).toHaveBeenCalledWith('Braid-svc', 'account:a1:token');
  });
});
