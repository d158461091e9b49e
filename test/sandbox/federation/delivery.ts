/**
 * How the sandbox servers talk to each other: ActivityPub deliveries (POST to an inbox, after a
 * configurable delay, retried with backoff) and fetches of remote objects (WebFinger, actors,
 * notes).
 *
 * Normally everything goes over real HTTP between the two ports. In "direct" mode, used while
 * seeding thousands of posts, requests to a registered origin are answered by that server's
 * Hono app in process: the very same routes and handlers, without sockets.
 */
import { ACTIVITY_JSON, AS_CONTEXT, type ActivityInput } from './activities.ts';

type FetchLike = (input: Request) => Promise<Response>;

export interface DeliveryRecord {
  inbox: string;
  type: string;
  activityId: string;
  /** HTTP status of the last attempt, or 0 when the connection failed. */
  status: number;
  attempts: number;
  ok: boolean;
}

export interface FederationOptions {
  /** Wait before each delivery, in real ms (how long federation "takes"). */
  delayMs?: number;
  maxAttempts?: number;
  /** Backoff before the second attempt, doubled each time. */
  retryBaseMs?: number;
  /** Told about deliveries that failed for good; silent when omitted. */
  log?: (line: string) => void;
}

export interface Federation {
  /** Queue an activity for an inbox; returns at once. */
  deliver(inbox: string, activity: ActivityInput): void;
  /** Fetch a remote URL (through the in-process app in direct mode). */
  fetch(url: string, init?: RequestInit): Promise<Response>;
  /** GET JSON with the given Accept header; undefined when the server says 404 or 410. */
  fetchJson(url: string, accept?: string): Promise<unknown>;
  /** Resolves once nothing is waiting, in flight or being retried. */
  idle(): Promise<void>;
  /** Every finished delivery, oldest first (tests read this). */
  deliveries(): readonly DeliveryRecord[];
  setDelay(ms: number): void;
  delay(): number;
  /** Serve requests for `origin` in process while direct mode is on. */
  registerOrigin(origin: string, handler: FetchLike): void;
  setDirect(direct: boolean): void;
  stop(): void;
}

export function createFederation(options: FederationOptions = {}): Federation {
  let delayMs = options.delayMs ?? 0;
  const maxAttempts = options.maxAttempts ?? 4;
  const retryBaseMs = options.retryBaseMs ?? 200;
  const log = options.log ?? ((): void => undefined);
  const origins = new Map<string, FetchLike>();
  const records: DeliveryRecord[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let direct = false;
  let pending = 0;
  let stopped = false;
  let waiters: (() => void)[] = [];

  const settle = (): void => {
    pending -= 1;
    if (pending === 0) {
      const done = waiters;
      waiters = [];
      for (const resolve of done) resolve();
    }
  };

  const later = (ms: number, run: () => void): void => {
    if (ms <= 0 && direct) {
      run();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const doFetch = (url: string, init?: RequestInit): Promise<Response> => {
    const request = new Request(url, init);
    const local = direct ? origins.get(new URL(url).origin) : undefined;
    return local ? local(request) : fetch(request);
  };

  const attempt = (inbox: string, activity: ActivityInput & { '@context': unknown }, n: number): void => {
    if (stopped) {
      settle();
      return;
    }
    void doFetch(inbox, {
      method: 'POST',
      headers: { 'content-type': ACTIVITY_JSON, accept: ACTIVITY_JSON },
      body: JSON.stringify(activity),
    })
      .then(async (response) => {
        await response.arrayBuffer().catch(() => undefined);
        return response.status;
      })
      .catch(() => 0)
      .then((status) => {
        const ok = status >= 200 && status < 300;
        // 4xx means the receiver will never take it; only retry what may succeed later.
        const retry = !ok && (status === 0 || status === 429 || status >= 500) && n < maxAttempts && !stopped;
        if (retry) {
          later(retryBaseMs * 2 ** (n - 1), () => attempt(inbox, activity, n + 1));
          return;
        }
        records.push({ inbox, type: activity.type, activityId: activity.id, status, attempts: n, ok });
        if (!ok) log(`delivery of ${activity.type} to ${inbox} failed (status ${status}, ${n} attempts)`);
        settle();
      });
  };

  return {
    deliver(inbox, activity) {
      if (stopped) return;
      pending += 1;
      const withContext = { '@context': AS_CONTEXT, ...activity };
      later(delayMs, () => attempt(inbox, withContext, 1));
    },
    fetch: doFetch,
    async fetchJson(url, accept = ACTIVITY_JSON) {
      const response = await doFetch(url, { headers: { accept } });
      if (response.status === 404 || response.status === 410) return undefined;
      if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
      return (await response.json()) as unknown;
    },
    idle: () => (pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    deliveries: () => records,
    setDelay(ms) {
      delayMs = ms;
    },
    delay: () => delayMs,
    registerOrigin(origin, handler) {
      origins.set(origin, handler);
    },
    setDirect(on) {
      direct = on;
    },
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      pending = 0;
      const done = waiters;
      waiters = [];
      for (const resolve of done) resolve();
    },
  };
}
