/** What the drafts tests save: a draft's fields, plain unless a test says otherwise. */
import type { DraftFields } from '@shared/compose';

/** "Hello", public, to no account yet, neither a reply nor a quote. */
export const draftFields = (overrides: Partial<DraftFields> = {}): DraftFields => ({
  text: 'Hello',
  spoilerText: '',
  visibility: 'public',
  threadsAccountId: null,
  mastodonAccountId: null,
  replyToGroupId: null,
  quoteGroupId: null,
  ...overrides,
});
