/**
 * Request plumbing for the REST API: Rails-style parameters (query, form, multipart or JSON,
 * `poll[options][]` and `home[last_read_id]` nesting), bearer-token authentication with
 * Doorkeeper's messages, OAuth scope checks, and per-token / per-IP rate limiting with
 * Mastodon's X-RateLimit-* headers (https://docs.joinmastodon.org/api/rate-limits/).
 */
import type { HttpBindings } from '@hono/node-server';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { RateLimiter } from '../core/rate-limit.ts';
import { ApiError, type Ctx } from './context.ts';
import type { AccountRecord, TokenRecord } from './model.ts';

export type Params = Record<string, unknown>;
export interface Env {
  Bindings: HttpBindings;
  Variables: { token: TokenRecord | undefined; params: Params | undefined };
}
export type App = Hono<Env>;
export type C = Context<Env>;

/** Keys that would reach Object.prototype through `node[key]`; Rails has no such hazard. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Rails' nested parameter rules: `a[b]=1` is a hash, `a[]=1` an array, and `a[][b]=1` an array
 * of hashes where a repeated `b` starts the next hash (`media_attributes[][id]=…`).
 */
function setNested(target: Params, key: string, value: unknown): void {
  const parts = key.replace(/\]/g, '').split('[');
  if (parts.some((part) => UNSAFE_KEYS.has(part))) return;
  let node: Record<string, unknown> = target;
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i] as string;
    const last = i === parts.length - 1;
    if (last) {
      node[part] = value;
      return;
    }
    if (parts[i + 1] === '') {
      const list = Array.isArray(node[part]) ? (node[part] as unknown[]) : (node[part] = []);
      if (i + 2 === parts.length) {
        list.push(value);
        return;
      }
      const field = parts[i + 2] as string;
      const tail = list[list.length - 1];
      const open = typeof tail === 'object' && tail !== null && !Array.isArray(tail) && !(field in tail) ? (tail as Record<string, unknown>) : undefined;
      node = open ?? {};
      if (open === undefined) list.push(node);
      i += 1;
      continue;
    }
    const existing = node[part];
    const child = typeof existing === 'object' && existing !== null && !Array.isArray(existing) && !(existing instanceof File) ? (existing as Record<string, unknown>) : {};
    node[part] = child;
    node = child;
  }
}

/** Query string plus body, merged the way Rails' `params` does. Cached per request. */
export async function params(c: C): Promise<Params> {
  const cached = c.get('params');
  if (cached) return cached;
  const out: Params = {};
  const url = new URL(c.req.url);
  for (const [key, value] of url.searchParams) setNested(out, key, value);
  const type = c.req.header('content-type') ?? '';
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    if (type.includes('application/json')) {
      let body: unknown;
      try {
        // Rails reads an empty JSON body as no parameters rather than as an error.
        const text = await c.req.text();
        body = text.trim() === '' ? {} : JSON.parse(text);
      } catch {
        throw new ApiError(400, 'Error occurred while parsing request parameters.');
      }
      if (typeof body === 'object' && body !== null && !Array.isArray(body))
        for (const [key, value] of Object.entries(body)) if (!UNSAFE_KEYS.has(key)) out[key] = value;
    } else if (type.includes('multipart/form-data') || type.includes('application/x-www-form-urlencoded')) {
      let form: FormData;
      try {
        form = await c.req.formData();
      } catch {
        throw new ApiError(400, 'Error occurred while parsing request parameters.');
      }
      for (const [key, value] of form.entries()) setNested(out, key, value);
    }
  }
  c.set('params', out);
  return out;
}

export const str = (p: Params, key: string): string | undefined => (typeof p[key] === 'string' ? p[key] : typeof p[key] === 'number' ? String(p[key]) : undefined);
export const bool = (p: Params, key: string): boolean | undefined => {
  const v = p[key];
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return ['true', '1', 'on', 't'].includes(v.toLowerCase()) ? true : ['false', '0', 'off', 'f', ''].includes(v.toLowerCase()) ? false : undefined;
  return undefined;
};
export const int = (p: Params, key: string): number | undefined => {
  const v = p[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : undefined;
  return n !== undefined && Number.isFinite(n) ? Math.trunc(n) : undefined;
};
export const strArray = (p: Params, key: string): string[] => {
  const v = p[key];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.flatMap((item) => (typeof item === 'string' ? [item] : typeof item === 'number' ? [String(item)] : []));
};
export const obj = (p: Params, key: string): Params => {
  const v = p[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof File) ? (v as Params) : {};
};

export function bearer(c: C): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
}

/** Resolve the bearer token (if any); a bad one is 401 at once, as Doorkeeper does. */
export function authMiddleware(ctx: Ctx): MiddlewareHandler<Env> {
  return async (c, next) => {
    const token = bearer(c);
    if (token !== undefined) {
      const record = ctx.store.tokens.get(token);
      if (!record) return c.json({ error: 'The access token is invalid' }, 401);
      if (record.revoked) return c.json({ error: 'The access token was revoked' }, 401);
      c.set('token', record);
    }
    await next();
  };
}

export function rateLimitMiddleware(limiter: RateLimiter, now: () => number): MiddlewareHandler<Env> {
  return async (c, next) => {
    const key = bearer(c) ?? `ip:${c.env?.incoming?.socket.remoteAddress ?? 'in-process'}`;
    const state = limiter.hit(key);
    const headers = {
      'X-RateLimit-Limit': String(state.limit),
      'X-RateLimit-Remaining': String(state.remaining),
      'X-RateLimit-Reset': new Date(state.resetAt).toISOString(),
    };
    if (state.limited) {
      const retry = Math.max(1, Math.ceil((state.resetAt - now()) / 1000));
      return c.json({ error: 'Too many requests' }, 429, { ...headers, 'Retry-After': String(retry) });
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}

/** Does a token's scope list grant `needed` (e.g. read:statuses)? https://docs.joinmastodon.org/api/oauth-scopes/ */
export function scopeAllows(scopes: string[], needed: string): boolean {
  if (scopes.includes(needed)) return true;
  const [top] = needed.split(':');
  if (top !== undefined && scopes.includes(top)) return true;
  const legacyFollow = ['read:follows', 'write:follows', 'read:blocks', 'write:blocks', 'read:mutes', 'write:mutes'];
  return scopes.includes('follow') && legacyFollow.includes(needed);
}

/** Any token with this scope (app tokens too); 401 without one. */
export function requireToken(c: C, scope: string): TokenRecord {
  const token = c.get('token');
  if (!token) throw new ApiError(401, 'The access token is invalid');
  if (!scopeAllows(token.scopes, scope) && !(scope === 'read:accounts' && token.scopes.includes('profile')))
    throw new ApiError(403, 'This action is outside the authorized scopes');
  return token;
}

/** A user token with this scope; app tokens get Mastodon's 422 (Api::BaseController#require_user!). */
export function requireUser(ctx: Ctx, c: C, scope: string): AccountRecord {
  const token = requireToken(c, scope);
  const account = token.accountId === null ? undefined : ctx.store.accounts.get(token.accountId);
  if (!account) throw new ApiError(422, 'This method requires an authenticated user');
  return account;
}

/**
 * Public endpoints (`authorize_if_got_token!`): anyone may call them, but a token that is sent
 * must carry the scope. Returns the signed-in account, if any.
 */
export function viewerOf(c: C, scope: string): string | null {
  if (c.get('token')) requireToken(c, scope);
  return c.get('token')?.accountId ?? null;
}

/** Rails' truthy_param?: ActiveModel's boolean cast of a query parameter. */
export function truthy(c: C, name: string): boolean {
  const v = c.req.query(name);
  return v !== undefined && !['', '0', 'f', 'false', 'off', 'F', 'FALSE', 'OFF'].includes(v);
}
