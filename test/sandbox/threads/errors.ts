/**
 * Meta's Graph API error envelope, which graph.threads.net uses for every failure:
 * `{error:{message,type,code,error_subcode?,error_user_title?,error_user_msg?,fbtrace_id}}`
 * (https://developers.facebook.com/docs/graph-api/guides/error-handling). Handlers throw a
 * GraphError; the app's onError turns it (and any unexpected exception) into that envelope.
 */
import type { Context } from 'hono';
import { secretToken } from '../core/random.ts';

export type GraphStatus = 400 | 403 | 404 | 429 | 500 | 502 | 503;

export interface GraphErrorBody {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  error_user_title?: string;
  error_user_msg?: string;
  is_transient?: boolean;
  fbtrace_id: string;
}

export class GraphError extends Error {
  readonly status: GraphStatus;
  readonly body: Omit<GraphErrorBody, 'fbtrace_id'>;
  readonly headers: Record<string, string>;
  constructor(status: GraphStatus, body: Omit<GraphErrorBody, 'fbtrace_id'>, headers: Record<string, string> = {}) {
    super(body.message);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

export function errorResponse(c: Context, error: GraphError): Response {
  const body: GraphErrorBody = { ...error.body, fbtrace_id: secretToken(9) };
  return c.json({ error: body }, error.status, error.headers);
}

// The errors the server raises, named after what happened. Messages follow Meta's wording.

export const invalidToken = (): GraphError =>
  new GraphError(400, { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190 });

export const missingToken = (): GraphError =>
  new GraphError(400, { message: 'An active access token must be used to query information about the current user.', type: 'OAuthException', code: 2500 });

export function expiredToken(expiredAt: number, now: number): GraphError {
  const when = (ms: number): string => new Date(ms).toUTCString();
  return new GraphError(400, {
    message: `Error validating access token: Session has expired on ${when(expiredAt)}. The current time is ${when(now)}.`,
    type: 'OAuthException',
    code: 190,
    error_subcode: 463,
  });
}

export const revokedToken = (): GraphError =>
  new GraphError(400, {
    message: 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
    type: 'OAuthException',
    code: 190,
    error_subcode: 460,
  });

export const permissionDenied = (scope: string): GraphError =>
  new GraphError(403, {
    message: `(#10) Application does not have permission for this action`,
    type: 'OAuthException',
    code: 10,
    error_user_msg: `This call needs the ${scope} permission.`,
  });

export const nonexistingField = (field: string, node: string): GraphError =>
  new GraphError(400, { message: `(#100) Tried accessing nonexisting field (${field}) on node type (${node})`, type: 'OAuthException', code: 100 });

export const invalidParameter = (message: string, userMessage?: string): GraphError =>
  new GraphError(400, {
    message: `(#100) ${message}`,
    type: 'OAuthException',
    code: 100,
    ...(userMessage ? { error_user_title: 'Invalid parameter', error_user_msg: userMessage } : {}),
  });

export const unsupportedGet = (id: string, method = 'get'): GraphError =>
  new GraphError(400, {
    message: `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    type: 'GraphMethodException',
    code: 100,
    error_subcode: 33,
  });

export const unknownPath = (path: string): GraphError =>
  new GraphError(400, { message: `Unknown path components: ${path}`, type: 'OAuthException', code: 2500 });

export const userRateLimited = (): GraphError =>
  new GraphError(400, { message: '(#17) User request limit reached', type: 'OAuthException', code: 17, is_transient: true });

export const appRateLimited = (retryAfterSeconds?: number): GraphError =>
  new GraphError(
    429,
    { message: '(#4) Application request limit reached', type: 'OAuthException', code: 4, is_transient: true },
    retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
  );

export const unexpected = (status: 500 | 502 | 503 = 500): GraphError =>
  new GraphError(status, { message: 'An unexpected error has occurred. Please retry your request later.', type: 'OAuthException', code: 2, is_transient: true });

/** Instagram's content-publishing limit error; Threads reports its 250/1000/100 limits the same way. */
export const publishingLimit = (what: 'posts' | 'replies' | 'deletes'): GraphError =>
  new GraphError(400, {
    message: 'Application request limit reached',
    type: 'OAuthException',
    code: 9,
    error_subcode: 2207042,
    error_user_title: 'Publishing limit reached',
    error_user_msg:
      what === 'deletes'
        ? 'This profile has reached the maximum number of posts that can be deleted through the API in 24 hours.'
        : `This profile has reached the maximum number of ${what} that can be published through the API in 24 hours.`,
  });
