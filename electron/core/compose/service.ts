/**
 * The composer's side of the core (docs/compose.md): drafts saved as the user types, checks
 * against each network's rules, and sending to Threads, Mastodon or both. Each copy that goes
 * out is recorded on the draft and stored in the timeline cache at once, on one card; a failure
 * keeps the draft and says which network failed and why.
 */
import type { ComposeCheck, Draft, DraftFields, DraftMedia, SendResult, SentCopy } from '@shared/compose';
import { BraidError } from '@shared/errors';
import type { Network } from '@shared/model';
import { accountTokenKey } from '../accounts/tokens';
import type { AccountRecord, AccountsRepo } from '../db/accounts-repo';
import type { Db } from '../db/open';
import type { SharingAccountsRepo } from '../db/sharing-accounts-repo';
import type { ThreadsServersRepo } from '../db/threads-servers-repo';
import type { TimelineReader } from '../db/timeline-read';
import type { TimelineWriter, WriteResult } from '../db/timeline-write';
import type { CoreEvents } from '../events';
import type { Logger } from '../log';
import type { Fetch } from '../net/http';
import type { SecretStore } from '../secrets/secret-store';
import { normalizeContextFor } from '../timeline/context';
import type { NormalizeContext } from '../timeline/types';
import { blockingMessage, planCompose, targetOf, type ChosenAccount, type ComposeFacts, type MastodonLimits } from './check';
import { DEFAULT_MASTODON_MAX_CHARACTERS, DEFAULT_URL_LENGTH } from './count';
import { createDraftsRepo, decodeImage, type ImageMime } from './drafts-repo';
import { fetchMastodonLimits, postToMastodon, postToThreads, type PostedCopy } from './send';

export interface ComposeServiceDeps {
  db: Db;
  accounts: AccountsRepo;
  threadsServers: ThreadsServersRepo;
  sharingAccounts: SharingAccountsRepo;
  secrets: SecretStore;
  writer: TimelineWriter;
  reader: TimelineReader;
  events: CoreEvents;
  log: Logger;
  fetch: Fetch;
  now: () => number;
  /** A burst of saves (typing) becomes one `drafts.changed` after this long (default 200 ms). */
  changedDelayMs?: number;
}

const NETWORK_NAMES: Record<Network, string> = { threads: 'Threads', mastodon: 'Mastodon' };

export type ComposeService = ReturnType<typeof createComposeService>;

export function createComposeService(deps: ComposeServiceDeps) {
  const { accounts, events, log, writer } = deps;
  const repo = createDraftsRepo(deps.db, deps.now);
  /** Per instance origin: limits change rarely, and a check runs on every keystroke's pause. */
  const limitsCache = new Map<string, MastodonLimits>();
  /** A second send of a draft while one runs gets the same answer instead of posting twice. */
  const sending = new Map<string, Promise<SendResult>>();
  let changedTimer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  /** The write is already on disk; only the event waits, so a burst of keystrokes is one event. */
  function announceDrafts(): void {
    if (stopped || changedTimer) return;
    changedTimer = setTimeout(() => {
      changedTimer = null;
      if (!stopped) events.emit('drafts.changed', repo.list());
    }, deps.changedDelayMs ?? 200);
  }

  function requireDraft(draftId: string): Draft {
    const draft = repo.get(draftId);
    if (!draft) throw new BraidError('draft.unknown', 'That draft no longer exists: it was sent or thrown away.');
    return draft;
  }

  function chosen(accountId: string | null): AccountRecord | null {
    return accountId === null ? null : (accounts.get(accountId) ?? null);
  }

  function asChosen(account: AccountRecord | null): ChosenAccount | null {
    return account ? { id: account.id, server: account.server, handle: account.handle } : null;
  }

  async function tokenFor(account: AccountRecord): Promise<string> {
    const token = account.status === 'needs-sign-in' ? null : await deps.secrets.get(accountTokenKey(account.id));
    if (token === null) throw new BraidError('account.needs-sign-in', `@${account.handle} needs to sign in again before Braid can post from it.`);
    return token;
  }

  async function limitsFor(account: AccountRecord): Promise<MastodonLimits> {
    const cached = limitsCache.get(account.server);
    if (cached) return cached;
    try {
      const limits = await fetchMastodonLimits(account.server, await tokenFor(account));
      limitsCache.set(account.server, limits);
      return limits;
    } catch (error) {
      // Counted against Mastodon's defaults for now; the next check asks again.
      log.info('compose', `could not read the limits of ${new URL(account.server).host}: ${error instanceof Error ? error.message : String(error)}`);
      return { maxCharacters: DEFAULT_MASTODON_MAX_CHARACTERS, charactersReservedPerUrl: DEFAULT_URL_LENGTH, canQuote: false };
    }
  }

  async function factsFor(draft: Draft) {
    const threads = chosen(draft.threadsAccountId);
    const mastodon = chosen(draft.mastodonAccountId);
    const reach = { threads: asChosen(threads), mastodon: asChosen(mastodon) };
    const serverOf = (accountId: string) => accounts.get(accountId)?.server;
    const wanted = [draft.replyToGroupId, draft.quoteGroupId].filter((groupId): groupId is string => groupId !== null);
    const entries = wanted.length === 0 ? [] : deps.reader.entries(wanted);
    const target = (groupId: string | null) => (groupId === null ? null : targetOf(entries.find((entry) => entry.groupId === groupId), reach, serverOf));
    const facts: ComposeFacts = {
      draft,
      threads: threads && reach.threads ? { ...reach.threads, sharing: deps.sharingAccounts.get(threads.id)?.status ?? null } : null,
      mastodon: mastodon && reach.mastodon ? { ...reach.mastodon, limits: await limitsFor(mastodon) } : null,
      reply: target(draft.replyToGroupId),
      quote: target(draft.quoteGroupId),
      sent: draft.sent.map((copy) => copy.network),
    };
    return { facts, threads, mastodon };
  }

  /** What the normalizers need (timeline/context.ts, as the sync builds it). */
  function normalizeContext(account: AccountRecord): NormalizeContext {
    return normalizeContextFor(account, accounts.list(), deps.threadsServers.list());
  }

  function announceTimeline(result: WriteResult): void {
    const newer = result.added.filter((added) => added.sortAt > result.newestBefore);
    const older = result.added.filter((added) => added.sortAt <= result.newestBefore).map((added) => String(added.groupId));
    if (result.added.length + result.changed.size + result.removed.size === 0) return;
    events.emit('timeline.updated', {
      newer: newer.length,
      older: older.length,
      olderGroupIds: older.slice(0, 500),
      changedGroupIds: [...result.changed].map(String),
      removedGroupIds: [...result.removed].map(String),
    });
  }

  /** Puts a posted copy on the card of the draft's other copy (or a new card); returns that card. */
  function storeCopy(account: AccountRecord, posted: PostedCopy, groupId: number | null): number | null {
    const item = posted.item;
    if (!item) return groupId;
    try {
      const card: { id: number | null } = { id: groupId };
      // Both copies are the user's own words, sent together: the rule the UI explains as "same author, same text".
      const result = writer.transaction((changes) => {
        card.id = writer.storeOwnCopy(item.post, account.server, groupId, 'same-author-text', changes);
      });
      announceTimeline(result);
      return card.id;
    } catch (error) {
      log.warn('compose', `posted, but could not store the copy in the timeline: ${error instanceof Error ? error.message : String(error)}`);
      return groupId;
    }
  }

  function cardOf(copies: readonly SentCopy[]): number | null {
    for (const copy of copies) {
      const groupId = writer.groupOf(`${copy.accountId}:${copy.remoteId}`);
      if (groupId !== null) return groupId;
    }
    return null;
  }

  async function send(draftId: string): Promise<SendResult> {
    const draft = requireDraft(draftId);
    const { facts, threads, mastodon } = await factsFor(draft);
    const plan = planCompose(facts);
    if (!plan.check.canSend) throw new BraidError('draft.invalid', blockingMessage(plan.check));

    const posted = [...draft.sent];
    const failed: SendResult['failed'] = [];
    let groupId = cardOf(posted);
    const attempt = async (network: Network, account: AccountRecord, post: (token: string) => Promise<PostedCopy>): Promise<void> => {
      try {
        const result = await post(await tokenFor(account));
        // Recorded before anything else can fail: a retry must never post this network again.
        repo.recordSent(draftId, result.copy);
        posted.push(result.copy);
        groupId = storeCopy(account, result, groupId);
      } catch (error) {
        if (!(error instanceof BraidError)) log.error('compose', `posting to ${NETWORK_NAMES[network]} failed unexpectedly`, error);
        const message = error instanceof BraidError ? error.message : 'Braid hit an unexpected problem (the details are in the log).';
        failed.push({ network, message });
      }
    };
    const sendDeps = { fetch: deps.fetch, log, now: deps.now };
    // Threads first: its copy, once federated, is what the Mastodon copy's card is found by.
    if (plan.threads && threads) {
      const threadsPlan = plan.threads;
      await attempt('threads', threads, (token) => postToThreads(sendDeps, { account: threads, token, plan: threadsPlan, normalize: normalizeContext(threads) }));
    }
    if (plan.mastodon && mastodon) {
      const mastodonPlan = plan.mastodon;
      await attempt('mastodon', mastodon, (token) =>
        postToMastodon(sendDeps, {
          account: mastodon,
          token,
          plan: mastodonPlan,
          images: repo.images(draftId),
          // The same key on every retry of this draft: a status the server made but whose answer was lost is returned, not posted again.
          idempotencyKey: `braid-draft-${draftId}`,
          normalize: normalizeContext(mastodon),
        }),
      );
    }

    if (failed.length === 0) repo.delete(draftId);
    else {
      const done = posted.length > 0 ? `Posted to ${posted.map((copy) => NETWORK_NAMES[copy.network]).join(' and ')}. ` : '';
      repo.setLastError(draftId, done + failed.map((f) => `Not posted to ${NETWORK_NAMES[f.network]}: ${f.message}`).join(' '));
    }
    announceDrafts();
    return {
      posted,
      failed,
      groupId: groupId === null ? null : String(groupId),
      draft: failed.length === 0 ? null : (repo.get(draftId) ?? null),
    };
  }

  return {
    list: (): Draft[] => repo.list(),
    save(input: DraftFields & { id?: string | undefined }): Draft {
      const draft = repo.save(input);
      announceDrafts();
      return draft;
    },
    delete(draftId: string): null {
      repo.delete(draftId);
      announceDrafts();
      return null;
    },
    attach(input: { draftId: string; name: string; mime: ImageMime; base64: string; alt: string }): DraftMedia {
      const bytes = decodeImage(input.base64, input.mime);
      const media = repo.attach(input.draftId, { name: input.name, mime: input.mime, bytes, alt: input.alt });
      announceDrafts();
      return media;
    },
    setAlt(input: { draftId: string; mediaId: string; alt: string }): DraftMedia {
      const media = repo.setAlt(input.draftId, input.mediaId, input.alt);
      announceDrafts();
      return media;
    },
    detach(input: { draftId: string; mediaId: string }): null {
      repo.detach(input.draftId, input.mediaId);
      announceDrafts();
      return null;
    },
    async check(draftId: string): Promise<ComposeCheck> {
      return planCompose((await factsFor(requireDraft(draftId))).facts).check;
    },
    send(draftId: string): Promise<SendResult> {
      const running = sending.get(draftId);
      if (running) return running;
      const next = send(draftId).finally(() => sending.delete(draftId));
      sending.set(draftId, next);
      return next;
    },
    stop(): void {
      stopped = true;
      if (changedTimer) clearTimeout(changedTimer);
      changedTimer = null;
    },
  };
}

