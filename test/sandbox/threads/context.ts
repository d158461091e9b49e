/** What every part of the Threads-like server shares: its state, options and where it listens. */
import type { SandboxServerOptions } from '../core/server-options.ts';
import type { RateLimiter } from '../core/rate-limit.ts';
import type { Store } from './store.ts';

export interface ThreadsContext {
  store: Store;
  options: SandboxServerOptions;
  appId: string;
  appSecret: string;
  rateLimiter: RateLimiter;
  /** Set once the server listens, e.g. http://127.0.0.1:40123. */
  origin: string;
  /** e.g. 127.0.0.1:40123 */
  host: string;
  nextActivityId(): string;
  log(line: string): void;
}

export const actorIdOf = (ctx: ThreadsContext, userId: string): string => `${ctx.origin}/ap/users/${userId}/`;
export const noteIdOf = (ctx: ThreadsContext, userId: string, postId: string): string => `${ctx.origin}/ap/users/${userId}/post/${postId}/`;
export const profileUrlOf = (ctx: ThreadsContext, username: string): string => `${ctx.origin}/@${username}`;
export const permalinkOf = (ctx: ThreadsContext, username: string, shortcode: string): string => `${ctx.origin}/@${username}/post/${shortcode}`;
