import { describe, expect, it } from 'vitest';
import { secretKey } from '../../../../electron/core/secrets/secret-store';

describe('secretKey', () => {
  it('joins its parts with colons', () => {
    expect(secretKey('account', 'acct-1', 'token')).toBe('account:acct-1:token');
    expect(secretKey('app')).toBe('app');
  });

  it('escapes colons inside parts so different part lists never share a key', () => {
    expect(secretKey('a:b', 'c')).not.toBe(secretKey('a', 'b:c'));
    expect(secretKey('app', 'https://mastodon.social', 'client-secret')).toBe('app:https%3A//mastodon.social:client-secret');
    expect(secretKey('100%:', 'x')).toBe('100%25%3A:x');
  });

  it('needs at least one part', () => {
    expect(() => secretKey()).toThrow(/at least one part/);
  });

  it.each([
    [['account', '', 'token']],
    [['']],
    [['account', 'a\nb']],
    [['account\n']],
  ])('refuses an empty part or one with a newline: %j', (parts) => {
    expect(() => secretKey(...parts)).toThrow(/Invalid secret key part/);
  });
});
