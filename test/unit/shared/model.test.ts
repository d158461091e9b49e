import { describe, expect, it } from 'vitest';
import { Account, AppInfo, DEFAULT_SETTINGS, Settings, SettingsPatch } from '@shared/model';

const ada = {
  id: 'acct-ada',
  network: 'mastodon',
  server: 'https://mastodon.social',
  remoteId: '109',
  handle: 'ada@mastodon.social',
  displayName: 'Ada',
  avatarUrl: null,
  status: 'ok',
  statusMessage: null,
  linkedAt: '2025-03-01T10:00:00.000Z',
};

describe('model', () => {
  it('has defaults that are valid settings', () => {
    expect(Settings.parse(DEFAULT_SETTINGS)).toEqual(DEFAULT_SETTINGS);
  });

  it('refuses unknown keys in a settings patch rather than dropping them', () => {
    expect(SettingsPatch.safeParse({ theme: 'dark' }).success).toBe(true);
    expect(SettingsPatch.safeParse({ them: 'dark' }).success).toBe(false);
  });

  it('accepts a valid account and refuses a broken one', () => {
    expect(Account.parse(ada)).toEqual(ada);
    expect(Account.safeParse({ ...ada, network: 'twitter' }).success).toBe(false);
    expect(Account.safeParse({ ...ada, server: 'mastodon.social' }).success).toBe(false);
    expect(Account.safeParse({ ...ada, id: '' }).success).toBe(false);
    expect(Account.safeParse({ ...ada, linkedAt: 'yesterday' }).success).toBe(false);
    expect(Account.safeParse({ ...ada, status: 'banned' }).success).toBe(false);
  });

  it('never carries a token on an account', () => {
    const parsed = Account.parse({ ...ada, token: 'tok_should_be_dropped_123' });
    expect(parsed).not.toHaveProperty('token');
  });

  it('requires a non-negative integer schema version in app info', () => {
    const info = { name: 'Braid', version: '1', shell: 'electron', platform: 'linux', schemaVersion: 1, logFile: null, sandboxMastodon: null };
    expect(AppInfo.safeParse(info).success).toBe(true);
    expect(AppInfo.safeParse({ ...info, schemaVersion: -1 }).success).toBe(false);
    expect(AppInfo.safeParse({ ...info, schemaVersion: 1.5 }).success).toBe(false);
    expect(AppInfo.safeParse({ ...info, shell: 'web' }).success).toBe(false);
  });
});
