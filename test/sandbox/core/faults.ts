/**
 * Fault injection, per route, controlled from tests (in process, or over HTTP through the
 * sandbox's admin routes). A rule matches a server, an HTTP method and a path pattern, and
 * fires a number of times (or until removed).
 *
 * Path patterns: `*` matches within one path segment, `**` matches anything, e.g.
 * `/api/v1/statuses/*\/favourite`, `/v1.0/**`. Query strings are not part of the match.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import { z } from 'zod';

export const SERVER_NAMES = ['mastodon', 'threads'] as const;
export type ServerName = (typeof SERVER_NAMES)[number];

export const faultSchema = z.discriminatedUnion('kind', [
  /** Answer normally, but only after `ms`. */
  z.object({ kind: z.literal('latency'), ms: z.number().int().min(0).max(120_000) }),
  /** Answer with this status and the server's own error body (429 and 503 carry Retry-After). */
  z.object({
    kind: z.literal('status'),
    status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503)]),
    retryAfterSeconds: z.number().int().min(0).optional(),
  }),
  /** Accept the request and never answer, until the client gives up or the sandbox stops. */
  z.object({ kind: z.literal('timeout') }),
  /** Close the connection without any response. */
  z.object({ kind: z.literal('reset') }),
  /** Send the real status and headers (with the full Content-Length), half the body, then close. */
  z.object({ kind: z.literal('truncated') }),
  /** 200 with Content-Type application/json and a body that is not JSON. */
  z.object({ kind: z.literal('malformed-json') }),
  /** 200 with an HTML page where JSON was expected, as a captive portal or proxy sends. */
  z.object({ kind: z.literal('html') }),
  /** The server's own answer for a token that was revoked (Mastodon 401, Threads code 190). */
  z.object({ kind: z.literal('revoked-token') }),
]);
export type Fault = z.infer<typeof faultSchema>;

export const faultRuleSchema = z.object({
  server: z.enum(SERVER_NAMES).optional(),
  method: z
    .string()
    .transform((m) => m.toUpperCase())
    .optional(),
  path: z.string().startsWith('/'),
  /** How many requests it applies to; omitted means until removed. */
  times: z.number().int().min(1).optional(),
  fault: faultSchema,
});
export type FaultRuleInput = z.input<typeof faultRuleSchema>;

export interface FaultRule extends z.output<typeof faultRuleSchema> {
  id: string;
  hits: number;
}

export interface FaultRegistry {
  add(rule: FaultRuleInput): FaultRule;
  remove(id: string): boolean;
  clear(): void;
  list(): FaultRule[];
  /** The rule for this request, counting it as a hit; undefined when none applies. */
  take(server: ServerName, method: string, path: string): FaultRule | undefined;
  /** Release every held ("timeout") request; called when the sandbox stops. */
  releaseAll(): void;
  onRelease(listener: () => void): () => void;
}

function patternToRegExp(pattern: string): RegExp {
  const source = pattern
    .split(/(\*\*|\*)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}/?$`);
}

export function createFaultRegistry(): FaultRegistry {
  let rules: (FaultRule & { regexp: RegExp })[] = [];
  let counter = 0;
  const releaseListeners = new Set<() => void>();
  const strip = ({ regexp: _regexp, ...rule }: FaultRule & { regexp: RegExp }): FaultRule => ({ ...rule });
  return {
    add(input) {
      const parsed = faultRuleSchema.parse(input);
      counter += 1;
      const rule = { ...parsed, id: `fault-${counter}`, hits: 0, regexp: patternToRegExp(parsed.path) };
      rules.push(rule);
      return strip(rule);
    },
    remove(id) {
      const before = rules.length;
      rules = rules.filter((rule) => rule.id !== id);
      return rules.length !== before;
    },
    clear() {
      rules = [];
    },
    list: () => rules.map(strip),
    take(server, method, path) {
      const rule = rules.find(
        (r) =>
          (r.server === undefined || r.server === server) &&
          (r.method === undefined || r.method === method.toUpperCase()) &&
          r.regexp.test(path),
      );
      if (!rule) return undefined;
      rule.hits += 1;
      if (rule.times !== undefined && rule.hits >= rule.times) rules = rules.filter((r) => r !== rule);
      return strip(rule);
    },
    releaseAll() {
      for (const listener of [...releaseListeners]) listener();
    },
    onRelease(listener) {
      releaseListeners.add(listener);
      return () => releaseListeners.delete(listener);
    },
  };
}

/** What a server answers for the faults whose body is its own (status codes, revoked token). */
export interface FaultResponses {
  error(c: Context, status: 429 | 500 | 502 | 503, retryAfterSeconds: number | undefined): Response;
  revokedToken(c: Context): Response;
}

const ALREADY_SENT_HEADER = 'x-hono-already-sent';
const alreadySent = (): Response => new Response(null, { headers: { [ALREADY_SENT_HEADER]: 'true' } });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Hono middleware that applies the registry's rules to one server. Mount it first. */
export function faultMiddleware(
  registry: FaultRegistry,
  server: ServerName,
  responses: FaultResponses,
): MiddlewareHandler<{ Bindings: HttpBindings }> {
  return async (c, next) => {
    // The admin routes must stay reachable whatever the rules say.
    if (c.req.path.startsWith('/__sandbox/')) return next();
    const rule = registry.take(server, c.req.method, c.req.path);
    if (!rule) return next();
    const { fault } = rule;
    const { incoming, outgoing } = c.env;
    switch (fault.kind) {
      case 'latency':
        await sleep(fault.ms);
        return next();
      case 'status':
        return responses.error(c, fault.status, fault.retryAfterSeconds);
      case 'revoked-token':
        return responses.revokedToken(c);
      case 'malformed-json':
        return c.body('{"id": "1", "content": "<p>cut off', 200, { 'content-type': 'application/json; charset=utf-8' });
      case 'html':
        return c.html(
          '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The proxy could not reach the server.</p></body></html>',
          200,
        );
      case 'reset':
        incoming.socket.destroy();
        return alreadySent();
      case 'timeout':
        await new Promise<void>((resolve) => {
          const stop = registry.onRelease(done);
          incoming.socket.once('close', done);
          function done(): void {
            stop();
            resolve();
          }
        });
        incoming.socket.destroy();
        return alreadySent();
      case 'truncated': {
        await next();
        const body = Buffer.from(await c.res.arrayBuffer());
        const headers: Record<string, string> = {};
        c.res.headers.forEach((value, key) => {
          headers[key] = value;
        });
        headers['content-length'] = String(body.length);
        delete headers['content-encoding'];
        outgoing.writeHead(c.res.status, headers);
        outgoing.write(body.subarray(0, Math.floor(body.length / 2)), () => incoming.socket.destroy());
        c.res = alreadySent();
        return;
      }
    }
  };
}
