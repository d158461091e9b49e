/**
 * The rules a draft is checked against before it is sent, and what exactly goes to each network
 * (docs/compose.md#rules). Pure: the service gathers the facts (the chosen accounts, the
 * instance's limits, the reply and quote targets, the Threads account's sharing), this decides.
 * Sending uses the same plan the check counted, so the numbers the user saw are what is posted.
 */
import type { ComposeCheck, ComposeWarning, Draft, Visibility } from '@shared/compose';
import type { Network } from '@shared/model';
import type { SharingStatus } from '@shared/sharing';
import type { Post, TimelineEntry } from '@shared/timeline';
import { countMastodon, countThreads, THREADS_MAX_CHARACTERS } from './count';

/** How the Mastodon account names a post: its own copy's id, or an address its server can look up. */
export type MastodonRef = { statusId: string } | { resolveUrl: string };

/** A card a reply or quote is about, as the chosen accounts can reach it. */
export interface ComposeTarget {
  /** False when the card is gone from the cache (deleted, or its account unlinked). */
  found: boolean;
  /** The Threads media id the chosen Threads account can name (a copy on its server). */
  threadsId: string | null;
  mastodon: MastodonRef | null;
  /** The post's web address, linked where a network cannot quote it. */
  url: string | null;
}

export interface ChosenAccount {
  id: string;
  /** The account's server origin (the API base for Threads). */
  server: string;
  handle: string;
}

export interface MastodonLimits {
  maxCharacters: number;
  charactersReservedPerUrl: number;
  /** Quote posts (`quoted_status_id`) came with Mastodon API version 7 (Mastodon 4.5). */
  canQuote: boolean;
}

export interface ComposeFacts {
  draft: Pick<Draft, 'text' | 'spoilerText' | 'visibility' | 'media'>;
  threads: (ChosenAccount & { sharing: SharingStatus | null }) | null;
  mastodon: (ChosenAccount & { limits: MastodonLimits }) | null;
  reply: ComposeTarget | null;
  quote: ComposeTarget | null;
  /** Networks an earlier, partly failed send already posted to: their rules no longer apply. */
  sent: readonly Network[];
}

export interface ThreadsPlan {
  text: string;
  replyToId: string | null;
  quotePostId: string | null;
}

export interface MastodonPlan {
  text: string;
  spoilerText: string;
  visibility: Visibility;
  inReplyTo: MastodonRef | null;
  quote: MastodonRef | null;
}

export interface ComposePlan {
  check: ComposeCheck;
  /** Null when Threads is not chosen, or already posted. */
  threads: ThreadsPlan | null;
  mastodon: MastodonPlan | null;
}

function warning(code: ComposeWarning['code'], network: Network | null, message: string, blocks: boolean): ComposeWarning {
  return { code, network, message, blocks };
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
}

/** A link on its own paragraph, the way Mastodon shows a quote to servers that cannot show quotes. */
const withLink = (text: string, url: string): string => (text.trim() === '' ? url : `${text.replace(/\s+$/, '')}\n\n${url}`);

export function planCompose(facts: ComposeFacts): ComposePlan {
  const { draft, reply, quote } = facts;
  const threads = facts.sent.includes('threads') ? null : facts.threads;
  const mastodon = facts.sent.includes('mastodon') ? null : facts.mastodon;
  const warnings: ComposeWarning[] = [];
  const limits: ComposeCheck['limits'] = [];
  const hasText = draft.text.trim() !== '';
  const hasMedia = draft.media.length > 0;

  if (!facts.threads && !facts.mastodon) {
    warnings.push(warning('no-target', null, 'Choose an account to post from: Threads, Mastodon or both.', true));
  }
  if (!hasText && !hasMedia) warnings.push(warning('empty', null, 'Write something or attach an image first.', true));
  for (const [name, target] of [['replying to', reply], ['quoting', quote]] as const) {
    if (target && !target.found) {
      warnings.push(warning(name === 'replying to' ? 'reply-unresolved' : 'quote-unsupported', null, `The post you are ${name} is no longer in Braid: it was deleted, or its account was unlinked.`, true));
    }
  }

  let threadsPlan: ThreadsPlan | null = null;
  if (threads) {
    let text = draft.text;
    let quotePostId: string | null = null;
    if (draft.spoilerText.trim() !== '') {
      warnings.push(warning('threads-no-cw', 'threads', 'Threads has no content warnings; the warning goes only to Mastodon.', false));
    }
    if (hasMedia) {
      // Meta's API takes images only from a public web address (image_url); Braid has the file.
      warnings.push(warning('threads-media', 'threads', 'Threads takes images only from a public web address, so the images go to Mastodon only.', false));
      if (!hasText) warnings.push(warning('empty', 'threads', 'Threads needs text: the images go only to Mastodon. Write something, or post to Mastodon only.', true));
    }
    if (reply?.found && reply.threadsId === null) {
      warnings.push(warning('reply-unresolved', 'threads', `This post is not on Threads, so @${threads.handle} cannot reply to it there. Reply from Mastodon only.`, true));
    }
    if (quote?.found) {
      if (quote.threadsId !== null) quotePostId = quote.threadsId;
      else if (quote.url !== null) {
        text = withLink(text, quote.url);
        warnings.push(warning('quote-unsupported', 'threads', 'Threads can quote only Threads posts; the Threads post links to it instead.', false));
      } else warnings.push(warning('quote-unsupported', 'threads', 'Threads can quote only Threads posts, and this one has no address to link to.', true));
    }
    const used = countThreads(text);
    limits.push({ network: 'threads', max: THREADS_MAX_CHARACTERS, used });
    if (used > THREADS_MAX_CHARACTERS) {
      warnings.push(warning('over-limit', 'threads', `${used - THREADS_MAX_CHARACTERS} characters over Threads' limit of ${THREADS_MAX_CHARACTERS}.`, true));
    }
    threadsPlan = { text, replyToId: reply?.found ? reply.threadsId : null, quotePostId };
  }

  let mastodonPlan: MastodonPlan | null = null;
  if (mastodon) {
    const host = hostOf(mastodon.server);
    let text = draft.text;
    let quoteRef: MastodonRef | null = null;
    if (reply?.found && reply.mastodon === null) {
      warnings.push(
        warning('reply-unresolved', 'mastodon', `@${mastodon.handle} cannot reach this post: it is not shared to the Fediverse. Reply from Threads only.`, true),
      );
    }
    if (quote?.found) {
      if (mastodon.limits.canQuote && quote.mastodon !== null) quoteRef = quote.mastodon;
      else if (quote.url !== null) {
        text = withLink(text, quote.url);
        const why = mastodon.limits.canQuote ? `${host} cannot reach this post` : `${host} cannot post quotes (that needs Mastodon 4.5)`;
        warnings.push(warning('quote-unsupported', 'mastodon', `${why}; the Mastodon post links to it instead.`, false));
      } else warnings.push(warning('quote-unsupported', 'mastodon', `${host} cannot quote this post, and it has no address to link to.`, true));
    }
    const { maxCharacters, charactersReservedPerUrl } = mastodon.limits;
    const used = countMastodon(text, draft.spoilerText, charactersReservedPerUrl);
    limits.push({ network: 'mastodon', max: maxCharacters, used });
    if (used > maxCharacters) {
      warnings.push(
        warning('over-limit', 'mastodon', `${used - maxCharacters} characters over ${host}'s limit of ${maxCharacters} (each link counts ${charactersReservedPerUrl}; the content warning counts too).`, true),
      );
    }
    mastodonPlan = { text, spoilerText: draft.spoilerText, visibility: draft.visibility, inReplyTo: reply?.found ? reply.mastodon : null, quote: quoteRef };
  }

  // Only a fresh post to both: once one copy is out, posting the other is the user's decision made.
  if (threads && mastodon && threads.sharing === 'enabled') {
    warnings.push(
      warning(
        'double-post',
        null,
        `@${threads.handle} shares to the Fediverse, so Mastodon gets this post from Threads too: people who follow you in both places will see it twice. Post to Threads only to avoid that.`,
        false,
      ),
    );
  }

  return {
    check: { limits, warnings, canSend: !warnings.some((w) => w.blocks) },
    threads: threadsPlan,
    mastodon: mastodonPlan,
  };
}

export function checkCompose(facts: ComposeFacts): ComposeCheck {
  return planCompose(facts).check;
}

/** What the user must fix before sending, in one sentence per problem. */
export function blockingMessage(check: ComposeCheck): string {
  return check.warnings
    .filter((w) => w.blocks)
    .map((w) => w.message)
    .join(' ');
}

/** A Threads copy the Fediverse cannot see: its author does not share it. */
function knownUnshared(entry: TimelineEntry, post: Post): boolean {
  const badges = entry.sharing[post.id];
  return post.sharedToFediverse === false || badges?.post?.badge === 'not-shared' || ((badges?.post ?? null) === null && badges?.author?.badge === 'not-shared');
}

/**
 * How the chosen accounts can name a card's post. Threads: a Threads copy on the chosen
 * account's server (media ids are per server). Mastodon: the account's own copy; else an
 * address its server can fetch (docs.joinmastodon.org/methods/search, resolve=true): another
 * Mastodon copy's ActivityPub id, or a Threads copy's id or permalink unless it is known not
 * to be shared (Threads answers the Fediverse only for shared posts).
 */
export function targetOf(
  entry: TimelineEntry | undefined,
  accounts: { threads: ChosenAccount | null; mastodon: ChosenAccount | null },
  serverOf: (accountId: string) => string | undefined,
): ComposeTarget {
  if (!entry) return { found: false, threadsId: null, mastodon: null, url: null };
  const { threads, mastodon } = accounts;
  const threadsCopy = threads
    ? (entry.posts.find((p) => p.network === 'threads' && p.accountId === threads.id) ??
      entry.posts.find((p) => p.network === 'threads' && serverOf(p.accountId) === threads.server))
    : undefined;
  let mastodonRef: MastodonRef | null = null;
  if (mastodon) {
    const own = entry.posts.find((p) => p.network === 'mastodon' && p.accountId === mastodon.id);
    const otherMastodon = entry.posts.find((p) => p.network === 'mastodon' && (p.uri ?? p.url) !== null);
    const sharedThreads = entry.posts.find((p) => p.network === 'threads' && (p.uri ?? p.url) !== null && !knownUnshared(entry, p));
    const address = otherMastodon ? (otherMastodon.uri ?? otherMastodon.url) : sharedThreads ? (sharedThreads.uri ?? sharedThreads.url) : null;
    mastodonRef = own ? { statusId: own.remoteId } : address !== null ? { resolveUrl: address } : null;
  }
  const url =
    entry.posts.find((p) => p.network === 'threads' && p.url !== null)?.url ??
    entry.posts.find((p) => p.url !== null)?.url ??
    entry.posts.find((p) => p.uri !== null)?.uri ??
    null;
  return { found: true, threadsId: threadsCopy?.remoteId ?? null, mastodon: mastodonRef, url };
}
