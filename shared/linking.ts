/**
 * Linking accounts: the requests the renderer makes, the flow the backend runs, and the Threads
 * server settings it needs. Nothing here ever carries a token or a secret; secrets go one way,
 * into the backend (`appSecret`, a pasted token), and only `hasAppSecret` comes back.
 */
import { z } from 'zod';
import { ERROR_CODES } from './errors';
import { Account, Network } from './model';

/**
 * How the browser hands the authorization code back:
 * - `loopback`: the server redirects to a one-time listener on 127.0.0.1;
 * - `paste`: the user copies the code (or the whole address it landed on) into Braid;
 * - `window`: Electron shows the sign-in page in its own window and catches the redirect.
 */
export const LinkMethod = z.enum(['loopback', 'paste', 'window']);
export type LinkMethod = z.infer<typeof LinkMethod>;

export const LinkRequest = z.discriminatedUnion('network', [
  z
    .object({
      network: z.literal('mastodon'),
      /** `mastodon.social`, `https://mastodon.social/` or `@me@mastodon.social`. */
      instance: z.string().trim().min(1).max(300),
      method: z.enum(['loopback', 'paste']).optional(),
    })
    .strict(),
  z
    .object({
      network: z.literal('threads'),
      serverId: z.string().min(1).max(100),
      method: LinkMethod.optional(),
    })
    .strict(),
]);
export type LinkRequest = z.infer<typeof LinkRequest>;

/** A sign-in in progress. */
export const LinkFlow = z.object({
  id: z.string().min(1),
  network: Network,
  /** Base URL of the server being linked. */
  server: z.url(),
  /** Short name to show: the instance's host, or the Threads server's name. */
  serverName: z.string(),
  /** The server's sign-in page (no token in it: client id, state and PKCE challenge only). */
  authorizeUrl: z.url(),
  method: LinkMethod,
  expiresAt: z.iso.datetime(),
  /** True when the backend already opened the page (Electron); the browser host opens a tab itself. */
  openedExternally: z.boolean(),
});
export type LinkFlow = z.infer<typeof LinkFlow>;

export const LinkPhase = z.enum(['waiting', 'exchanging', 'linked', 'failed', 'cancelled']);
export type LinkPhase = z.infer<typeof LinkPhase>;

export const WireErrorSchema = z.object({ code: z.enum(ERROR_CODES), message: z.string() });

/** Pushed as a flow moves on; the last one for a flow is linked, failed or cancelled. */
export const LinkUpdate = z.object({
  flowId: z.string().min(1),
  phase: LinkPhase,
  account: Account.optional(),
  error: WireErrorSchema.optional(),
});
export type LinkUpdate = z.infer<typeof LinkUpdate>;

export const CompleteLinkInput = z
  .object({
    flowId: z.string().min(1),
    /** The code the server showed, or the whole address the browser landed on. */
    code: z.string().trim().min(1).max(4096),
  })
  .strict();

export const FlowRef = z.object({ flowId: z.string().min(1) }).strict();

export const AccountRef = z.object({ accountId: z.string().min(1) }).strict();

/** Sign in again to an account whose token expired or was revoked; its cached data stays. */
export const RelinkInput = z
  .object({
    accountId: z.string().min(1),
    method: LinkMethod.optional(),
  })
  .strict();

/** Power users: a long-lived Threads token made elsewhere, checked with /me before it is kept. */
export const LinkTokenInput = z
  .object({
    serverId: z.string().min(1).max(100),
    token: z.string().trim().min(10).max(4096),
  })
  .strict();

export const UnlinkResult = z.object({
  /** False when the server could not be told to revoke the token (offline, or no revoke API). */
  revoked: z.boolean(),
  /** What happened, for a notice. */
  message: z.string(),
});
export type UnlinkResult = z.infer<typeof UnlinkResult>;

export const ThreadsPreset = z.enum(['threads', 'sandbox']);
export type ThreadsPreset = z.infer<typeof ThreadsPreset>;

/** A Threads-style server Braid can link accounts on, as the settings screen shows it. */
export const ThreadsServer = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  /** Graph API base, e.g. https://graph.threads.net */
  apiBase: z.url(),
  /** The consent page, e.g. https://threads.net/oauth/authorize */
  authorizeUrl: z.url(),
  appId: z.string(),
  hasAppSecret: z.boolean(),
  /** The https redirect URI registered for the app; null when the server takes loopback redirects. */
  redirectUri: z.url().nullable(),
  /** The server accepts http://127.0.0.1:<any port> redirects (the sandbox does, graph.threads.net does not). */
  allowsLoopback: z.boolean(),
  /** Send a PKCE challenge (servers that support it). */
  usesPkce: z.boolean(),
  preset: ThreadsPreset.nullable(),
  /** What is still missing before an account can be linked; null when ready. */
  missing: z.string().nullable(),
});
export type ThreadsServer = z.infer<typeof ThreadsServer>;

export const ThreadsServerInput = z
  .object({
    /** Absent for a new server. */
    id: z.string().min(1).max(100).optional(),
    name: z.string().trim().min(1).max(100),
    apiBase: z.url({ protocol: /^https?$/ }),
    authorizeUrl: z.url({ protocol: /^https?$/ }),
    appId: z.string().trim().max(200),
    /** Write-only. Absent keeps the stored secret; an empty string deletes it. */
    appSecret: z.string().trim().max(500).optional(),
    redirectUri: z.url({ protocol: /^https$/ }).nullable(),
    allowsLoopback: z.boolean(),
    usesPkce: z.boolean(),
  })
  .strict();
export type ThreadsServerInput = z.infer<typeof ThreadsServerInput>;

export const ServerRef = z.object({ serverId: z.string().min(1) }).strict();
