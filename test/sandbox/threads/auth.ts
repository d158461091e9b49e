/**
 * Access tokens on the Graph routes: taken from `access_token` (query or form body) or an
 * `Authorization: Bearer` header, checked for expiry on the sandbox clock (short-lived 1 h,
 * long-lived 60 days), counted against the per-token rate limit, and checked for scopes
 * (https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions).
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { ThreadsContext } from './context.ts';
import { expiredToken, invalidToken, missingToken, permissionDenied, revokedToken, userRateLimited } from './errors.ts';
import type { Token, User } from './store.ts';

export interface GraphEnv {
  Variables: { user: User; token: Token; params: Record<string, string> };
}

/** Graph parameters may come in the query string or, for POST, a form or JSON body. */
export async function readParams(c: Context): Promise<Record<string, string>> {
  const params: Record<string, string> = {};
  if (c.req.method === 'POST' || c.req.method === 'DELETE') {
    const type = c.req.header('content-type') ?? '';
    try {
      if (type.includes('application/json')) {
        const body = (await c.req.json()) as unknown;
        if (body && typeof body === 'object') {
          for (const [k, v] of Object.entries(body)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') params[k] = String(v);
        }
      } else if (type.includes('form')) {
        const body = await c.req.parseBody();
        for (const [k, v] of Object.entries(body)) if (typeof v === 'string') params[k] = v;
      }
    } catch {
      // An unreadable body counts as no parameters; the handler reports what is missing.
    }
  }
  for (const [k, v] of Object.entries(c.req.query())) params[k] = v;
  return params;
}

export function tokenFrom(c: Context, params: Record<string, string>): string | undefined {
  const header = c.req.header('authorization');
  const bearer = header && /^Bearer\s+(.+)$/i.exec(header)?.[1];
  return params.access_token ?? (bearer || undefined);
}

/** Resolve a token string to its record, or throw Meta's 190 error. */
export function checkToken(ctx: ThreadsContext, value: string | undefined): Token {
  if (value === undefined || value === '') throw missingToken();
  const token = ctx.store.tokens.get(value);
  if (!token) throw invalidToken();
  if (token.revoked) throw revokedToken();
  const now = ctx.store.clock.now();
  if (now >= token.expiresAt) throw expiredToken(token.expiresAt, now);
  return token;
}

export function requireToken(ctx: ThreadsContext): MiddlewareHandler<GraphEnv> {
  return async (c, next) => {
    const params = await readParams(c);
    c.set('params', params);
    const token = checkToken(ctx, tokenFrom(c, params));
    const user = ctx.store.users.get(token.userId);
    if (!user) throw invalidToken();
    const state = ctx.rateLimiter.hit(token.token);
    const used = Math.min(100, Math.round((100 * (state.limit - state.remaining)) / Math.max(1, state.limit)));
    // Meta's usage header: percentages of the allowance (https://developers.facebook.com/docs/graph-api/overview/rate-limiting).
    c.header('x-app-usage', JSON.stringify({ call_count: state.limited ? 100 : used, total_cputime: 0, total_time: 0 }));
    if (state.limited) throw userRateLimited();
    if (!token.scopes.has('threads_basic')) throw permissionDenied('threads_basic');
    c.set('token', token);
    c.set('user', user);
    await next();
  };
}

export function requireScope(c: Context<GraphEnv>, ...scopes: string[]): void {
  const token = c.get('token');
  for (const scope of scopes) if (!token.scopes.has(scope)) throw permissionDenied(scope);
}
