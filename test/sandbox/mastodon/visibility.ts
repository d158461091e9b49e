/** Who may see a status, and resolving a local text's mentions, tags and emojis. */
import type { Ctx } from './context.ts';
import type { AccountRecord, StatusRecord, Store } from './model.ts';
import { extractEmojis, extractMentions, extractTags, renderText } from './text.ts';

/** https://docs.joinmastodon.org/entities/Status/#visibility */
export function canSee(store: Store, status: StatusRecord, viewerId: string | null): boolean {
  if (status.reblogOfId !== null) {
    const original = store.statuses.get(status.reblogOfId);
    if (!original || !canSee(store, original, viewerId)) return false;
  }
  if (status.visibility === 'public' || status.visibility === 'unlisted') return true;
  if (viewerId === null) return false;
  if (viewerId === status.accountId || status.mentionIds.includes(viewerId)) return true;
  if (status.visibility === 'private') return store.accounts.get(viewerId)?.following.has(status.accountId) ?? false;
  return false;
}

export function findAccountByHandle(store: Store, handle: string): AccountRecord | undefined {
  const clean = handle.replace(/^@/, '').toLowerCase();
  const [user, domain] = clean.split('@');
  const key = domain === undefined || domain === store.host.toLowerCase() ? (user ?? '') : clean;
  const id = store.accountsByAcct.get(key);
  return id === undefined ? undefined : store.accounts.get(id);
}

export function entitiesFor(ctx: Ctx, text: string): { content: string; mentionIds: string[]; tags: string[]; emojis: string[] } {
  const { store } = ctx;
  const mentionIds: string[] = [];
  const content = renderText(text, store.origin, (handle) => {
    const account = findAccountByHandle(store, handle);
    if (!account) return undefined;
    if (!mentionIds.includes(account.id)) mentionIds.push(account.id);
    return { handle, url: account.url, username: account.username };
  });
  // renderText only visits tokens once; extractMentions keeps the order stable when it did not.
  for (const handle of extractMentions(text)) {
    const account = findAccountByHandle(store, handle);
    if (account && !mentionIds.includes(account.id)) mentionIds.push(account.id);
  }
  return { content, mentionIds, tags: extractTags(text), emojis: extractEmojis(text, (code) => store.customEmojis.has(code)) };
}
