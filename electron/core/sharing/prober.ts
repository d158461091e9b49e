/**
 * The background look-ups behind the timeline's sharing badges (sharing-badges.ts wires them to
 * `decorate`): one queue keyed by fact, WebFinger for authors and a search from the user's
 * Mastodon account for posts, each paced within its server's limits. Answers are stored as facts
 * and the cards that wanted them are announced, coalesced, through `onLanded`.
 */
import type { Logger } from '../log';
import type { Fetch } from '../net/http';
import { RateBudget } from '../sync/rate-budget';
import { factId, type FactKind, type FactRef, type StoredFact } from './badges';
import type { SharingFactsRepo } from './facts-repo';
import { searchPost, type PostSearchResult } from './post-search';
import { webFinger } from './webfinger';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** How long a fact is believed: a post may federate late, a failed check is retried soon. */
export const FACT_TTL = { actor: 24 * HOUR, postShared: 24 * HOUR, postNotShared: 6 * HOUR, unknown: 15 * MINUTE } as const;

export interface ProbePacing {
  /** Smallest gap between two WebFinger requests to one host (default 1 s). */
  webFingerIntervalMs: number;
  /** At most this many WebFinger requests to one host per `windowMs` (default 30 per minute). */
  webFingerPerWindow: number;
  windowMs: number;
  /** Smallest gap between two searches from one Mastodon account (default 2 s). */
  searchIntervalMs: number;
  /** A 429 without Retry-After pauses its host this long (default 60 s). */
  defaultPauseMs: number;
  /** Facts landing within this long become one `timeline.updated` (default 100 ms). */
  coalesceMs: number;
  /** Per request (default 10 s). */
  timeoutMs: number;
  /** Look-ups waiting at most; more are left for the next read to ask again (default 2,000). */
  maxQueue: number;
}

const DEFAULT_PACING: ProbePacing = {
  webFingerIntervalMs: 1_000,
  webFingerPerWindow: 30,
  windowMs: MINUTE,
  searchIntervalMs: 2_000,
  defaultPauseMs: MINUTE,
  coalesceMs: 100,
  timeoutMs: 10_000,
  maxQueue: 2_000,
};

export interface ProberOptions {
  facts: SharingFactsRepo;
  fetch: Fetch;
  now: () => number;
  log: Logger;
  /** The cards whose facts landed, coalesced. */
  onLanded: (groupIds: string[]) => void;
  tokenFor: (accountId: string) => Promise<string | null>;
  /** The Mastodon account's own rate budget, when the caller can reach it; else the prober keeps one per account. */
  budgetFor?: (accountId: string) => RateBudget | null;
  pacing?: Partial<ProbePacing>;
}

interface Job {
  id: string;
  ref: FactRef;
  lane: string;
  groupIds: Set<string>;
  /** Forgotten while running: its answer is dropped. */
  cancelled: boolean;
}

interface Lane {
  /** Start times within the window, oldest first. */
  starts: number[];
  pausedUntil: number;
  busy: boolean;
  /** Search lanes without a caller's budget: Braid's own, reading the server's rate-limit headers. */
  ownBudget: RateBudget | null;
}

/** The background look-ups: one queue keyed by fact, one request at a time per host or account. */
export class SharingProber {
  readonly #options: ProberOptions;
  readonly #pacing: ProbePacing;
  readonly #queue = new Map<string, Job>();
  readonly #running = new Map<string, Job>();
  readonly #lanes = new Map<string, Lane>();
  readonly #abort = new AbortController();
  readonly #landed = new Set<string>();
  #pumpTimer: ReturnType<typeof setTimeout> | null = null;
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #settledWaiters: (() => void)[] = [];
  #stopped = false;

  constructor(options: ProberOptions) {
    this.#options = options;
    this.#pacing = { ...DEFAULT_PACING, ...options.pacing };
  }

  /** Asks for a fact on behalf of a card; a fact already waiting or running only gains the card. */
  enqueue(ref: FactRef, groupId: string): void {
    if (this.#stopped) return;
    const id = factId(ref.kind, ref.key);
    const known = this.#queue.get(id) ?? this.#running.get(id);
    if (known) {
      known.groupIds.add(groupId);
      return;
    }
    if (this.#queue.size >= this.#pacing.maxQueue) return;
    this.#queue.set(id, { id, ref, lane: laneOf(ref), groupIds: new Set([groupId]), cancelled: false });
    this.#schedule(0);
  }

  /** Drops waiting and running look-ups of these facts (their answers would be stale). */
  forget(kind: FactKind, keys: readonly string[]): void {
    for (const key of keys) {
      const id = factId(kind, key);
      this.#queue.delete(id);
      const running = this.#running.get(id);
      if (running) running.cancelled = true;
    }
    this.#checkSettled();
  }

  /** Look-ups waiting or running. */
  get pending(): number {
    return this.#queue.size + this.#running.size;
  }

  /** Resolves when nothing waits, runs, or is about to be announced (tests). */
  settled(): Promise<void> {
    if (this.#isSettled()) return Promise.resolve();
    return new Promise((resolve) => this.#settledWaiters.push(resolve));
  }

  stop(): void {
    this.#stopped = true;
    this.#abort.abort();
    if (this.#pumpTimer) clearTimeout(this.#pumpTimer);
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#pumpTimer = null;
    this.#flushTimer = null;
    this.#queue.clear();
    this.#landed.clear();
    for (const resolve of this.#settledWaiters.splice(0)) resolve();
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    if (this.#pumpTimer) clearTimeout(this.#pumpTimer);
    this.#pumpTimer = setTimeout(() => this.#pump(), Math.max(0, delayMs));
    this.#pumpTimer.unref?.();
  }

  /** Starts every waiting look-up whose lane may go now; sleeps until the next one may. */
  #pump(): void {
    this.#pumpTimer = null;
    if (this.#stopped) return;
    const now = this.#options.now();
    let wake = Number.POSITIVE_INFINITY;
    const blocked = new Set<string>();
    for (const job of this.#queue.values()) {
      if (blocked.has(job.lane)) continue;
      const lane = this.#lane(job);
      if (lane.busy) {
        blocked.add(job.lane);
        continue;
      }
      const readyAt = this.#readyAt(lane, job.ref, now);
      if (readyAt > now) {
        blocked.add(job.lane);
        wake = Math.min(wake, readyAt);
        continue;
      }
      this.#start(job, lane, now);
      blocked.add(job.lane);
    }
    if (Number.isFinite(wake)) this.#schedule(wake - now);
  }

  #lane(job: Job): Lane {
    let lane = this.#lanes.get(job.lane);
    if (!lane) {
      // Reserve half the allowance: the searches share the account's limit with its timeline sync.
      const ownBudget = job.ref.kind === 'post' ? new RateBudget({ now: this.#options.now, reserve: 0.5, minIntervalMs: this.#pacing.searchIntervalMs }) : null;
      lane = { starts: [], pausedUntil: 0, busy: false, ownBudget };
      this.#lanes.set(job.lane, lane);
    }
    return lane;
  }

  #budget(lane: Lane, ref: FactRef): RateBudget | null {
    return ref.kind === 'post' ? (this.#options.budgetFor?.(ref.searcher.accountId) ?? lane.ownBudget) : null;
  }

  #readyAt(lane: Lane, ref: FactRef, now: number): number {
    const { windowMs, webFingerPerWindow, webFingerIntervalMs, searchIntervalMs } = this.#pacing;
    while (lane.starts.length > 0 && (lane.starts[0] as number) <= now - windowMs) lane.starts.shift();
    const last = lane.starts.at(-1) ?? Number.NEGATIVE_INFINITY;
    let at = Math.max(lane.pausedUntil, last + (ref.kind === 'actor' ? webFingerIntervalMs : searchIntervalMs));
    if (ref.kind === 'actor' && lane.starts.length >= webFingerPerWindow) {
      at = Math.max(at, (lane.starts[lane.starts.length - webFingerPerWindow] as number) + windowMs);
    }
    const budget = this.#budget(lane, ref);
    if (budget) at = Math.max(at, now + budget.delayFor('background'));
    return at;
  }

  #start(job: Job, lane: Lane, now: number): void {
    this.#queue.delete(job.id);
    this.#running.set(job.id, job);
    lane.busy = true;
    lane.starts.push(now);
    this.#budget(lane, job.ref)?.spend();
    this.#lookUp(job, lane)
      .catch((error: unknown): StoredFact => {
        // Stored like any failed check, so the next read does not ask again at once.
        this.#options.log.warn('sharing', `looking up a ${job.ref.kind} sharing fact failed unexpectedly`, error);
        return unknownFact(job.ref, 'something unexpected went wrong; details are in Braid\'s log.', this.#options.now(), null);
      })
      .then((fact) => {
        // One synchronous step: a card that joins the job from here on starts a new one.
        this.#running.delete(job.id);
        lane.busy = false;
        if (fact !== null && !job.cancelled && !this.#stopped) {
          this.#options.facts.save(fact);
          for (const groupId of job.groupIds) this.#landed.add(groupId);
          this.#scheduleFlush();
        }
        this.#schedule(0);
        this.#checkSettled();
      })
      .catch((error: unknown) => this.#options.log.error('sharing', 'could not store a sharing fact', error));
  }

  /** One look-up; null when it was cancelled (Braid is closing). */
  async #lookUp(job: Job, lane: Lane): Promise<StoredFact | null> {
    const { ref } = job;
    // Another read may have asked and stored it meanwhile.
    const stored = this.#options.facts.get(ref.kind, ref.key);
    if (stored && stored.expiresAt > this.#options.now()) return stored;
    return ref.kind === 'actor' ? this.#webFinger(ref, lane) : this.#search(ref, lane);
  }

  async #webFinger(ref: Extract<FactRef, { kind: 'actor' }>, lane: Lane): Promise<StoredFact | null> {
    const { fetch, now } = this.#options;
    let status = 0;
    const watching: Fetch = async (input, init) => {
      const response = await fetch(input, init);
      status = response.status;
      return response;
    };
    const signal = this.#abort.signal;
    const result = await webFinger(watching, { origin: ref.origin, username: ref.username, domain: ref.domain, timeoutMs: this.#pacing.timeoutMs, signal }, now);
    if (signal.aborted) return null;
    const checkedAt = now();
    const handle = `@${ref.username}@${ref.domain}`;
    if (result.state === 'shared') {
      return { kind: 'actor', key: ref.key, state: 'shared', how: `Shares their Threads profile with the Fediverse: ${ref.domain} answers WebFinger for ${handle}.`, checkedAt, expiresAt: checkedAt + FACT_TTL.actor };
    }
    if (result.state === 'not-shared') {
      return { kind: 'actor', key: ref.key, state: 'not-shared', how: `Does not share their Threads profile with the Fediverse: ${ref.domain} has no WebFinger entry for ${handle}.`, checkedAt, expiresAt: checkedAt + FACT_TTL.actor };
    }
    this.#pauseIfAsked(lane, laneOf(ref), status === 429, result.retryAfterMs);
    return unknownFact(ref, result.reason, checkedAt, result.retryAfterMs);
  }

  async #search(ref: Extract<FactRef, { kind: 'post' }>, lane: Lane): Promise<StoredFact | null> {
    const { fetch, now, log } = this.#options;
    const signal = this.#abort.signal;
    const token = await this.#options.tokenFor(ref.searcher.accountId);
    if (signal.aborted) return null;
    if (token === null) return unknownFact(ref, 'Braid has no sign-in for your Mastodon account; sign in again.', now(), null);
    const budget = this.#budget(lane, ref);
    let result: PostSearchResult;
    try {
      result = await searchPost(
        fetch,
        { server: ref.searcher.server, token, permalink: ref.permalink, timeoutMs: this.#pacing.timeoutMs, signal, onResponse: (status, headers) => budget?.observe(headers, status) },
        now,
      );
    } catch (error) {
      if (signal.aborted) return null;
      throw error;
    }
    const checkedAt = now();
    if (result.state === 'shared') {
      return { kind: 'post', key: ref.key, state: 'shared', how: 'Shared to the Fediverse: your Mastodon server found this post by its link.', checkedAt, expiresAt: checkedAt + FACT_TTL.postShared };
    }
    if (result.state === 'not-shared') {
      return { kind: 'post', key: ref.key, state: 'not-shared', how: "Not found on the Fediverse: your Mastodon server's search for this post's link came back empty.", checkedAt, expiresAt: checkedAt + FACT_TTL.postNotShared };
    }
    if (this.#pauseIfAsked(lane, laneOf(ref), result.rateLimited, result.retryAfterMs)) log.info('sharing', `searches from ${new URL(ref.searcher.server).host} pause: ${result.reason}`);
    return unknownFact(ref, result.reason, checkedAt, result.retryAfterMs);
  }

  /** A 429, or any answer with Retry-After, pauses the whole host (or account). */
  #pauseIfAsked(lane: Lane, name: string, rateLimited: boolean, retryAfterMs: number | null): boolean {
    if (!rateLimited && retryAfterMs === null) return false;
    const until = this.#options.now() + (retryAfterMs ?? this.#pacing.defaultPauseMs);
    lane.pausedUntil = Math.max(lane.pausedUntil, until);
    this.#options.log.info('sharing', `${name} look-ups pause until ${new Date(lane.pausedUntil).toISOString()}`);
    return true;
  }

  #scheduleFlush(): void {
    if (this.#flushTimer || this.#stopped) return;
    this.#flushTimer = setTimeout(() => this.#flush(), this.#pacing.coalesceMs);
    this.#flushTimer.unref?.();
  }

  #flush(): void {
    this.#flushTimer = null;
    if (this.#stopped) return;
    const groupIds = [...this.#landed].sort((a, b) => Number(a) - Number(b));
    this.#landed.clear();
    if (groupIds.length > 0) this.#options.onLanded(groupIds);
    this.#checkSettled();
  }

  #isSettled(): boolean {
    return this.#stopped || (this.#queue.size === 0 && this.#running.size === 0 && this.#flushTimer === null);
  }

  #checkSettled(): void {
    if (this.#isSettled()) for (const resolve of this.#settledWaiters.splice(0)) resolve();
  }
}

function laneOf(ref: FactRef): string {
  return ref.kind === 'actor' ? `WebFinger at ${new URL(ref.origin).host}` : `Mastodon search of ${ref.searcher.accountId}`;
}

function unknownFact(ref: FactRef, reason: string, checkedAt: number, retryAfterMs: number | null): StoredFact {
  const ttl = Math.max(FACT_TTL.unknown, retryAfterMs ?? 0);
  return { kind: ref.kind, key: ref.key, state: 'unknown', how: `Braid could not check: ${reason}`, checkedAt, expiresAt: checkedAt + ttl };
}
