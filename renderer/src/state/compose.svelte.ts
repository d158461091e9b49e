import type { BraidApi } from '@shared/api';
import type { Draft, DraftFields, SentCopy } from '@shared/compose';
import type { Account, Network } from '@shared/model';
import { SvelteMap } from 'svelte/reactivity';
import { errorMessage } from '../lib/braid';
import { NETWORK_NAMES, sortedNetworks } from '../lib/networks';
import { DraftEditor, type Targets } from './draft-editor.svelte';
import type { Notices } from './notices.svelte';

/** What a send that posted something tells listeners (the interactions view refreshes the card it answered). */
export interface SentPost {
  /** The card the new post is on; null when the core did not say. */
  groupId: string | null;
  replyToGroupId: string | null;
  quoteGroupId: string | null;
  posted: SentCopy[];
}

/**
 * The composer and the drafts: which post is being written (at most one), the saved drafts
 * newest first, and the drafts list dialog. Drafts come from the core at start and follow
 * `drafts.changed`, so a crash or a restart loses nothing.
 */
export class Compose {
  readonly #api: BraidApi;
  readonly #accounts: () => readonly Account[];
  readonly #notices: Notices;
  readonly #previews = new SvelteMap<string, string>();
  #drafts = $state.raw<Draft[]>([]);
  #editor = $state.raw<DraftEditor | null>(null);
  #draftsOpen = $state(false);
  #loadError = $state<string | null>(null);
  #sentListeners: ((sent: SentPost) => void)[] = [];

  constructor(api: BraidApi, accounts: () => readonly Account[], notices: Notices) {
    this.#api = api;
    this.#accounts = accounts;
    this.#notices = notices;
  }

  /** Saved drafts, newest first. */
  get drafts() { return this.#drafts; }
  /** The post being written; null while the composer is closed. */
  get editor() { return this.#editor; }
  get isOpen() { return this.#editor !== null; }
  get draftsOpen() { return this.#draftsOpen; }
  get loadError() { return this.#loadError; }

  /** Follows `drafts.changed` and reads the drafts once; saves the open draft when the page goes. */
  listen(): () => void {
    const stop = this.#api.on('drafts.changed', (drafts) => this.#setDrafts(drafts));
    const save = () => void this.#editor?.flush();
    window.addEventListener('pagehide', save);
    void this.load();
    return () => {
      stop();
      window.removeEventListener('pagehide', save);
      save();
    };
  }

  async load(): Promise<void> {
    try {
      this.#setDrafts(await this.#api.drafts.list());
      this.#loadError = null;
    } catch (error) {
      this.#loadError = `Could not read the drafts: ${errorMessage(error)}`;
    }
  }

  #setDrafts(drafts: readonly Draft[]): void {
    this.#drafts = [...drafts].sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt));
  }

  openNew(): void {
    this.#start(null, { replyToGroupId: null, quoteGroupId: null }, null);
  }

  /** A reply to a card; with an account, only that account's network is ticked. */
  openReply(groupId: string, accountId: string | null): void {
    this.#start(null, { replyToGroupId: groupId, quoteGroupId: null }, accountId);
  }

  /** A quote of a card; with an account, only that account's network is ticked. */
  openQuote(groupId: string, accountId: string | null): void {
    this.#start(null, { replyToGroupId: null, quoteGroupId: groupId }, accountId);
  }

  openDraft(draftId: string): void {
    const draft = this.#drafts.find((candidate) => candidate.id === draftId);
    if (!draft) {
      this.#notices.push('That draft is gone: it was sent or deleted.', 'warning');
      return;
    }
    this.#draftsOpen = false;
    this.#start(draft, draft, null);
  }

  #start(draft: Draft | null, about: Pick<DraftFields, 'replyToGroupId' | 'quoteGroupId'>, accountId: string | null): void {
    this.close();
    const accounts = this.#accounts();
    const first = (network: Network) => accounts.find((account) => account.network === network)?.id ?? null;
    const chosen = accountId ? accounts.find((account) => account.id === accountId) : undefined;
    const targets: Targets = chosen
      ? { threadsAccountId: chosen.network === 'threads' ? chosen.id : null, mastodonAccountId: chosen.network === 'mastodon' ? chosen.id : null }
      : { threadsAccountId: first('threads'), mastodonAccountId: first('mastodon') };
    const fields: DraftFields = draft ?? { text: '', spoilerText: '', visibility: 'public', ...targets, ...about };
    const choices = {
      threads: fields.threadsAccountId ?? first('threads'),
      mastodon: fields.mastodonAccountId ?? first('mastodon'),
    };
    this.#editor = new DraftEditor(this.#api, this.#previews, { draft, fields, choices });
  }

  /** Closes the composer, keeping the draft (Escape, ×, opening another). */
  close(): void {
    const editor = this.#editor;
    if (!editor) return;
    this.#editor = null;
    editor.close().catch((error: unknown) => {
      this.#notices.push(`Your last changes are not saved yet: ${errorMessage(error)} Braid keeps trying while it is open.`, 'warning');
    });
  }

  /** Posts the open draft; everything sent closes the composer with a notice, a failure keeps it open. */
  async send(): Promise<void> {
    const editor = this.#editor;
    if (!editor) return;
    const result = await editor.send();
    if (result && result.posted.length > 0) {
      const sent: SentPost = { groupId: result.groupId, replyToGroupId: editor.replyToGroupId, quoteGroupId: editor.quoteGroupId, posted: result.posted };
      this.#sentListeners.forEach((listener) => listener(sent));
    }
    if (!result || result.draft || result.failed.length > 0) return;
    if (this.#editor === editor) this.#editor = null;
    const names = sortedNetworks(result.posted.map((copy) => copy.network)).map((network) => NETWORK_NAMES[network]);
    this.#notices.push(names.length > 0 ? `Posted to ${names.join(' and ')}.` : 'Posted.', 'success');
  }

  /** "Delete draft" in the composer. */
  async deleteOpen(): Promise<void> {
    const editor = this.#editor;
    if (!editor) return;
    this.#editor = null;
    try {
      await editor.delete();
      this.#drafts = this.#drafts.filter((draft) => draft.id !== editor.id);
      this.#notices.push('Draft deleted.', 'info');
    } catch (error) {
      this.#notices.push(`Could not delete the draft: ${errorMessage(error)}`, 'warning');
    }
  }

  /** "Delete" in the drafts list. Rejects with a message the list shows. */
  async deleteDraft(draftId: string): Promise<void> {
    if (this.#editor?.id === draftId) return this.deleteOpen();
    await this.#api.drafts.delete({ draftId });
    this.#drafts = this.#drafts.filter((draft) => draft.id !== draftId);
  }

  /** Called after each send that posted something (all of it or part); returns the unsubscribe. */
  onSent(listener: (sent: SentPost) => void): () => void {
    this.#sentListeners = [...this.#sentListeners, listener];
    return () => (this.#sentListeners = this.#sentListeners.filter((candidate) => candidate !== listener));
  }

  showDrafts(): void {
    this.close();
    this.#draftsOpen = true;
    void this.load();
  }

  closeDrafts(): void {
    this.#draftsOpen = false;
  }
}
