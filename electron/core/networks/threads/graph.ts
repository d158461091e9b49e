/**
 * Calls to a Threads Graph API server and its error envelope
 * (developers.facebook.com/docs/threads/troubleshooting): 190 is a dead token, 4 and 17 are
 * rate limits, the rest is the server refusing.
 */
import { BraidError } from '@shared/errors';
import { asRecord, readJson, request, type Fetch } from '../../net/http';

export const GRAPH_VERSION = 'v1.0';

export interface GraphError {
  code: number;
  subcode: number | null;
  message: string;
}

export function graphErrorOf(body: unknown): GraphError | undefined {
  const error = asRecord(asRecord(body)?.error);
  if (!error) return undefined;
  return {
    code: typeof error.code === 'number' ? error.code : 0,
    subcode: typeof error.error_subcode === 'number' ? error.error_subcode : null,
    message: typeof error.message === 'string' ? error.message.slice(0, 200) : 'unknown error',
  };
}

/**
 * This server (or this sign-in's scopes) does not offer an edge or field: an unknown edge (404,
 * #100 "nonexisting field" / "Unsupported get request") or a missing permission (#10, #200–299).
 * graph.threads.net answers Braid's extensions this way; the sync skips such feeds and Fediverse
 * sharing falls back to guided mode.
 */
export function isNotOffered(status: number, error: GraphError | undefined): boolean {
  if (status === 404) return true;
  if (!error) return false;
  if (error.code === 10 || (error.code >= 200 && error.code <= 299)) return true;
  return error.code === 100 && /nonexisting field|unsupported get request/i.test(error.message);
}

export function explainGraphError(host: string, step: string, status: number, error: GraphError | undefined): BraidError {
  if (error?.code === 190) {
    return new BraidError('account.needs-sign-in', `${host} says Braid's sign-in has expired or was revoked. Sign in again.`);
  }
  if (error?.code === 4 || error?.code === 17 || error?.code === 32 || status === 429) {
    return new BraidError('network.rate-limited', `${host} asked Braid to slow down. Braid will try again later.`);
  }
  if (status >= 500) return new BraidError('network.server-error', `${host} is having trouble (HTTP ${status}) while ${step}. Try again later.`);
  return new BraidError('network.server-error', `${host} refused ${step}: ${error?.message ?? `HTTP ${status}`}.`);
}

export interface GraphCall {
  fetch: Fetch;
  apiBase: string;
  /** e.g. `me` (versioned) or `/oauth/access_token` (a leading slash means unversioned). */
  path: string;
  params?: Record<string, string>;
  token?: string;
  /**
   * Where the token goes: a bearer header (default), or the query string where Meta documents
   * only that (th_exchange_token, th_refresh_token). Such URLs are never logged or shown.
   */
  tokenIn?: 'header' | 'query';
  /** GET and DELETE send `params` in the query string, POST as a form body. */
  method?: 'GET' | 'POST' | 'DELETE';
  step: string;
  signal?: AbortSignal;
  /** Sees every answer's status and headers before the body is read (the sync's rate budget). */
  onResponse?: (status: number, headers: Headers, error: GraphError | undefined) => void;
  /** A more specific explanation for some failures (e.g. a spent authorization code). */
  explain?: (status: number, error: GraphError | undefined) => BraidError | undefined;
}

/** One Graph call; resolves with the JSON body or throws a BraidError. Tokens go in the header or body, never in a URL Braid logs. */
export async function graphRequest(call: GraphCall): Promise<Record<string, unknown>> {
  const base = call.apiBase.replace(/\/+$/, '');
  const url = new URL(call.path.startsWith('/') ? `${base}${call.path}` : `${base}/${GRAPH_VERSION}/${call.path}`);
  const host = url.host;
  const method = call.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  const params = { ...call.params };
  if (call.token && call.tokenIn === 'query') params.access_token = call.token;
  else if (call.token) headers.authorization = `Bearer ${call.token}`;
  let body: URLSearchParams | undefined;
  if (method === 'POST') body = new URLSearchParams(params);
  else for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  const response = await request(call.fetch, url, { method, headers, ...(body ? { body } : {}), ...(call.signal ? { signal: call.signal } : {}) });
  let json: unknown;
  try {
    json = await readJson(response, host);
  } catch (error) {
    call.onResponse?.(response.status, response.headers, undefined);
    throw error;
  }
  const record = asRecord(json);
  call.onResponse?.(response.status, response.headers, graphErrorOf(json));
  if (!response.ok || !record || record.error !== undefined) {
    const error = graphErrorOf(json);
    throw call.explain?.(response.status, error) ?? explainGraphError(host, call.step, response.status, error);
  }
  return record;
}
