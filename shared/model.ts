import { z } from 'zod';

/** The two kinds of network Braid braids together. */
export const Network = z.enum(['threads', 'mastodon']);
export type Network = z.infer<typeof Network>;

/** How a linked account is doing, as the sidebar shows it. */
export const AccountStatus = z.enum(['ok', 'syncing', 'offline', 'needs-sign-in']);
export type AccountStatus = z.infer<typeof AccountStatus>;

/** A linked account as the renderer sees it: never a token, never a secret. */
export const Account = z.object({
  id: z.string().min(1),
  network: Network,
  /** Base URL of the server, e.g. https://mastodon.social */
  server: z.url(),
  /** The account's id on its server. */
  remoteId: z.string().min(1),
  /** user@domain for Mastodon, username for Threads. */
  handle: z.string().min(1),
  displayName: z.string(),
  avatarUrl: z.url().nullable(),
  status: AccountStatus,
  /** Why the status is not ok, in words a person can act on; null when all is well. */
  statusMessage: z.string().nullable(),
  linkedAt: z.iso.datetime(),
});
export type Account = z.infer<typeof Account>;

export const Theme = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof Theme>;

/** User preferences. Every field has a default so an empty database is a valid state. */
export const Settings = z.object({
  theme: Theme,
  /** Turn off animations and transitions, whatever the OS says. */
  reduceMotion: z.boolean(),
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  reduceMotion: false,
};

/** A partial update; unknown keys are refused rather than silently dropped. */
export const SettingsPatch = Settings.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

/** Where the renderer is running: inside Electron or in a browser through the loopback host. */
export const Shell = z.enum(['electron', 'browser']);
export type Shell = z.infer<typeof Shell>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  shell: Shell,
  /** Operating system as Node reports it: darwin, win32, linux. */
  platform: z.string(),
  /** Version of the local database schema. */
  schemaVersion: z.number().int().nonnegative(),
  /** Where "details are in Braid's log" points; null when nothing is written to disk. */
  logFile: z.string().nullable(),
  /** The sandbox's Mastodon server when Braid runs as the demo; null otherwise. */
  sandboxMastodon: z.url().nullable(),
});
export type AppInfo = z.infer<typeof AppInfo>;
