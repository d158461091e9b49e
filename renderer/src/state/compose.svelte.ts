import type { BraidApi } from '@shared/api';
import type { ComposeCheck, Draft, DraftFields, DraftMedia, SendResult, SentCopy, Visibility } from '@shared/compose';
import type { Account, Network } from '@shared/model';
import type { TimelineEntry } from '@shared/timeline';
import { SvelteMap } from 'svelte/reactivity';
import { errorMessage } from '../lib/braid';
import type { Notices } from './notices.svelte';

/** Typing saves this long after the last key; blur, close, send and attach save at once. */
const SAVE_DELAY_MS = 300;
/** Typing without a pause still saves this often, so a crash mid-sentence loses at most this much. */
const SAVE_MAX_WAIT_MS = 1_000;
/** A save that failed (the core unreachable) is tried again this often, this many times. */
const RETRY_MS = 3_000;
const RETRIES = 40;

/** The images `drafts.attach` takes (shared/compose.ts AttachInput). */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
type ImageType = (typeof IMAGE_TYPES)[number];
/** AttachInput's ceiling, checked here only to say so before sending 8 MB over the bridge. */
const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
/** Images per post (Mastodon's limit). */
export const MAX_IMAGES = 4;

const NETWORK_ORDER: readonly Network[] = ['threads', 'mastodon'];
const NETWORK_NAME: Record<Network, string> = { threads: 'Threads', mastodon: 'Mastodon' };

export type ComposeKind = 'new' | 'reply' | 'quote';
export type SaveState = 'saved' | 'pending' | 'saving' | 'failed';
export type SendFailure = SendResult['failed'][number];
/** What a send that posted something tells listeners (the interactions view refreshes the card it answered). */
export interface SentPost {
  /** The card the new post is on; null when the core did not say. */
  groupId: string | null;
  replyToGroupId: string | null;
  quoteGroupId: string | null;
  posted: SentCopy[];
}
type Targets = Pick<DraftFields, 'threadsAccountId' | 'mastodonAccountId'>;

function isImageType(mime: string): mime is ImageType {
  return (IMAGE_TYPES as readonly string[]).includes(mime);
}

/** A file's bytes as base64 without the `data:` prefix, as `drafts.attach` takes them. */
function readBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = typeof reader.result === 'string' ? reader.result : '';
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsDataURL(file);
  });
}

interface EditorStart {
  draft: Draft | null;
  fields: DraftFields;
  /** The account each network's checkbox ticks, even while it is unticked. */
  choices: Record<Network, string | null>;
}

/**
 * One post being written: what the user typed, the draft the core keeps of it (saved as they
 * type, so a crash loses at most the last second of typing), the core's check, and how sending went.
 * Limits, counts and warnings are the core's (`compose.check`); nothing is counted here.
 */
export class DraftEditor {
  readonly #api: BraidApi;
  readonly #previews: SvelteMap<string, string>;
  readonly replyToGroupId: string | null;
  readonly quoteGroupId: string | null;
  /** Opened from the drafts list (or the draft was made earlier). */
  readonly resumed: boolean;
  #id = $state<string | null>(null);
  #text = $state('');
  #spoilerText = $state('');
  #visibility = $state<Visibility>('public');
  #targets = $state<Targets>({ threadsAccountId: null, mastodonAccountId: null });
  #choices = $state<Record<Network, string | null>>({ threads: null, mastodon: null });
  #media = $state.raw<DraftMedia[]>([]);
  #adding = $state.raw<string[]>([]);
  #mediaProblem = $state<string | null>(null);
  #context = $state.raw<TimelineEntry | null>(null);
  #contextState = $state<'none' | 'loading' | 'ready' | 'missing'>('none');
  #check = $state.raw<ComposeCheck | null>(null);
  #checkError = $state<string | null>(null);
  #saveState = $state<SaveState>('saved');
  #saveError = $state<string | null>(null);
  #sending = $state(false);
  #sent = $state.raw<SentCopy[]>([]);
  #failed = $state.raw<SendFailure[]>([]);
  #sendError = $state<string | null>(null);
  #lastError = $state<string | null>(null);

  // Bookkeeping nothing draws.
  #closed = false;
  #dirty = false;
  #retries = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** When the oldest edit not saved yet was made. */
  #pendingSince: number | null = null;
  #saving: Promise<void> | null = null;
  #checkSeq = 0;
  /** Alt text typed but not saved yet, by media id. */
  #altTimers: Record<string, ReturnType<typeof setTimeout>> = {};

  constructor(api: BraidApi, previews: SvelteMap<string, string>, start: EditorStart) {
    this.#api = api;
    this.#previews = previews;
    const { draft, fields } = start;
    this.resumed = draft !== null;
    this.replyToGroupId = fields.replyToGroupId;
    this.quoteGroupId = fields.quoteGroupId;
    this.#id = draft?.id ?? null;
    this.#text = fields.text;
    this.#spoilerText = fields.spoilerText;
    this.#visibility = fields.visibility;
    this.#targets = { threadsAccountId: fields.threadsAccountId, mastodonAccountId: fields.mastodonAccountId };
    this.#choices = start.choices;
    this.#media = draft?.media ?? [];
    this.#sent = draft?.sent ?? [];
    this.#lastError = draft?.lastError ?? null;
    const about = fields.replyToGroupId ?? fields.quoteGroupId;
    if (about) void this.#loadContext(about);
    if (this.#id) void this.#runCheck();
  }

  get id() { return this.#id; }
  get kind(): ComposeKind { return this.replyToGroupId ? 'reply' : this.quoteGroupId ? 'quote' : 'new'; }
  get text() { return this.#text; }
  set text(value: string) { this.#text = value; this.#edited(); }
  /** Mastodon's content warning. */
  get spoilerText() { return this.#spoilerText; }
  set spoilerText(value: string) { this.#spoilerText = value; this.#edited(); }
  get visibility() { return this.#visibility; }
  set visibility(value: Visibility) { this.#visibility = value; this.#edited(); }
  get threadsAccountId() { return this.#targets.threadsAccountId; }
  get mastodonAccountId() { return this.#targets.mastodonAccountId; }
  get media() { return this.#media; }
  /** Names of the files being attached right now. */
  get adding() { return this.#adding; }
  get mediaProblem() { return this.#mediaProblem; }
  /** The card answered or quoted; null while loading or when it is gone from the cache. */
  get context() { return this.#context; }
  get contextState() { return this.#contextState; }
  get check() { return this.#check; }
  get checkError() { return this.#checkError; }
  get saveState() { return this.#saveState; }
  get saveError() { return this.#saveError; }
  get sending() { return this.#sending; }
  /** Copies already posted (by this send or an earlier one that failed elsewhere). */
  get sent() { return this.#sent; }
  get failed() { return this.#failed; }
  get sendError() { return this.#sendError; }
  /** Why the draft's last send failed, as the core kept it. */
  get lastError() { return this.#lastError; }
  /** The core says it can go (on the latest saved text) and nothing is on its way. */
  get canSend() { return !this.#sending && this.#adding.length === 0 && this.#check?.canSend === true; }
  get empty() {
    return this.#text.trim() === '' && this.#spoilerText.trim() === '' && this.#media.length === 0 && this.#adding.length === 0;
  }

  /** The object URL of an image attached in this session; null after a restart (show its name). */
  preview(mediaId: string): string | null {
    return this.#previews.get(mediaId) ?? null;
  }

  accountFor(network: Network): string | null {
    return network === 'threads' ? this.#targets.threadsAccountId : this.#targets.mastodonAccountId;
  }

  /** The account a network's checkbox would tick. */
  choiceFor(network: Network): string | null {
    return this.#choices[network];
  }

  /** Ticks or unticks a network; ticking uses the account chosen for it. */
  setTarget(network: Network, on: boolean): void {
    const accountId = on ? this.#choices[network] : null;
    this.#targets = network === 'threads' ? { ...this.#targets, threadsAccountId: accountId } : { ...this.#targets, mastodonAccountId: accountId };
    this.#edited();
  }

  /** Picks which of a network's accounts posts (and ticks the network). */
  chooseAccount(network: Network, accountId: string): void {
    this.#choices = { ...this.#choices, [network]: accountId };
    this.setTarget(network, true);
  }

  #edited(): void {
    if (this.#closed) return;
    this.#dirty = true;
    this.#retries = 0;
    if (this.#saveState !== 'saving') this.#saveState = 'pending';
    const now = Date.now();
    this.#pendingSince ??= now;
    this.#schedule(Math.max(0, Math.min(SAVE_DELAY_MS, this.#pendingSince + SAVE_MAX_WAIT_MS - now)));
  }

  #schedule(delay: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.flush(), delay);
  }

  #fields(): DraftFields {
    return {
      text: this.#text,
      spoilerText: this.#spoilerText,
      visibility: this.#visibility,
      threadsAccountId: this.#targets.threadsAccountId,
      mastodonAccountId: this.#targets.mastodonAccountId,
      replyToGroupId: this.replyToGroupId,
      quoteGroupId: this.quoteGroupId,
    };
  }

  /**
   * Saves what is not saved yet, then checks it. One save at a time: the first one creates the
   * draft and the next ones need its id. An empty new post is not saved unless `create` asks
   * (attaching an image needs a draft to attach to).
   */
  async flush(create = false): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    while (this.#saving) await this.#saving;
    if (!this.#dirty && (this.#id !== null || !create)) return;
    if (this.#id === null && !create && this.empty) {
      this.#dirty = false;
      this.#saveState = 'saved';
      return;
    }
    const saving = this.#save();
    this.#saving = saving;
    try {
      await saving;
    } finally {
      this.#saving = null;
    }
  }

  async #save(): Promise<void> {
    this.#dirty = false;
    this.#pendingSince = null;
    this.#saveState = 'saving';
    const fields = this.#fields();
    try {
      const draft = await this.#api.drafts.save(this.#id ? { ...fields, id: this.#id } : fields);
      this.#id = draft.id;
      this.#saveError = null;
      this.#saveState = this.#dirty ? 'pending' : 'saved';
    } catch (error) {
      this.#dirty = true;
      this.#saveState = 'failed';
      this.#saveError = errorMessage(error);
      // The core may be restarting; the text stays here and goes as soon as it answers.
      if (this.#retries++ < RETRIES) this.#schedule(RETRY_MS);
      return;
    }
    await this.#runCheck();
  }

  async #runCheck(): Promise<void> {
    const draftId = this.#id;
    if (!draftId) return;
    const seq = ++this.#checkSeq;
    try {
      const check = await this.#api.compose.check({ draftId });
      if (seq !== this.#checkSeq) return;
      this.#check = check;
      this.#checkError = null;
    } catch (error) {
      if (seq === this.#checkSeq) this.#checkError = errorMessage(error);
    }
  }

  async #loadContext(groupId: string): Promise<void> {
    this.#contextState = 'loading';
    try {
      const [entry] = await this.#api.timeline.entries({ groupIds: [groupId] });
      this.#context = entry ?? null;
      this.#contextState = entry ? 'ready' : 'missing';
    } catch {
      this.#contextState = 'missing';
    }
  }

  /** Attaches chosen images (PNG, JPEG, GIF, WebP, up to four), saving the draft first if it is new. */
  async attach(files: readonly File[]): Promise<void> {
    if (this.#closed || files.length === 0) return;
    const problems: string[] = [];
    const room = MAX_IMAGES - this.#media.length - this.#adding.length;
    const fitting = files.filter((file) => {
      if (!isImageType(file.type)) problems.push(`${file.name} is not a PNG, JPEG, GIF or WebP image.`);
      else if (file.size > MAX_IMAGE_BYTES) problems.push(`${file.name} is larger than 8 MB.`);
      else return true;
      return false;
    });
    const taken = fitting.slice(0, Math.max(0, room));
    if (fitting.length > taken.length) problems.push(`A post holds up to ${MAX_IMAGES} images: ${fitting.slice(taken.length).map((file) => file.name).join(', ')} left out.`);
    this.#mediaProblem = problems.length > 0 ? problems.join(' ') : null;
    if (taken.length === 0) return;
    this.#adding = [...this.#adding, ...taken.map((file) => file.name)];
    await this.flush(true);
    for (const file of taken) await this.#attachOne(file, problems);
    this.#mediaProblem = problems.length > 0 ? problems.join(' ') : null;
    await this.#runCheck();
  }

  async #attachOne(file: File, problems: string[]): Promise<void> {
    const draftId = this.#id;
    const mime = file.type;
    if (!draftId || !isImageType(mime)) {
      problems.push(`${file.name} was not added: the draft could not be saved (${this.#saveError ?? 'no answer'}).`);
      return;
    }
    try {
      const base64 = await readBase64(file);
      const media = await this.#api.drafts.attach({ draftId, name: file.name.slice(0, 255), mime, base64, alt: '' });
      this.#previews.set(media.id, URL.createObjectURL(file));
      this.#media = [...this.#media, media];
    } catch (error) {
      problems.push(`${file.name} was not added: ${errorMessage(error)}`);
    } finally {
      const index = this.#adding.indexOf(file.name);
      if (index >= 0) this.#adding = this.#adding.toSpliced(index, 1);
    }
  }

  /** Changes an image's alt text here at once, and in the draft a moment later (or on blur). */
  setAlt(mediaId: string, alt: string): void {
    this.#media = this.#media.map((media) => (media.id === mediaId ? { ...media, alt } : media));
    clearTimeout(this.#altTimers[mediaId]);
    this.#altTimers[mediaId] = setTimeout(() => void this.saveAlt(mediaId), SAVE_DELAY_MS);
  }

  /** Saves an image's alt text now if it changed. */
  async saveAlt(mediaId: string): Promise<void> {
    const timer = this.#altTimers[mediaId];
    if (!timer) return;
    clearTimeout(timer);
    delete this.#altTimers[mediaId];
    const media = this.#media.find((candidate) => candidate.id === mediaId);
    if (!this.#id || !media) return;
    try {
      await this.#api.drafts.setAlt({ draftId: this.#id, mediaId, alt: media.alt });
    } catch (error) {
      this.#mediaProblem = `The alt text of ${media.name} was not saved: ${errorMessage(error)}`;
    }
  }

  async #saveAlts(): Promise<void> {
    await Promise.all(Object.keys(this.#altTimers).map((mediaId) => this.saveAlt(mediaId)));
  }

  async detach(mediaId: string): Promise<void> {
    if (!this.#id) return;
    const media = this.#media.find((candidate) => candidate.id === mediaId);
    try {
      await this.#api.drafts.detach({ draftId: this.#id, mediaId });
    } catch (error) {
      this.#mediaProblem = `${media?.name ?? 'The image'} was not removed: ${errorMessage(error)}`;
      return;
    }
    clearTimeout(this.#altTimers[mediaId]);
    delete this.#altTimers[mediaId];
    this.#media = this.#media.filter((candidate) => candidate.id !== mediaId);
    this.#forgetPreview(mediaId);
    this.#mediaProblem = null;
    await this.#runCheck();
  }

  #forgetPreview(mediaId: string): void {
    const url = this.#previews.get(mediaId);
    if (url) URL.revokeObjectURL(url);
    this.#previews.delete(mediaId);
  }

  /**
   * Saves, checks again and posts. Resolves with the core's answer, or null when nothing was
   * sent (the check said no, or the call failed: `sendError` says why). A failure keeps the draft.
   */
  async send(): Promise<SendResult | null> {
    if (this.#sending || this.#closed) return null;
    this.#sending = true;
    this.#failed = [];
    this.#sendError = null;
    try {
      await this.#saveAlts();
      await this.flush(true);
      const draftId = this.#id;
      if (!draftId) {
        this.#sendError = `The draft could not be saved: ${this.#saveError ?? 'no answer'}`;
        return null;
      }
      await this.#runCheck();
      if (!this.#check?.canSend) return null;
      const result = await this.#api.compose.send({ draftId });
      this.#failed = result.failed;
      this.#sent = result.draft?.sent ?? result.posted;
      this.#lastError = result.draft?.lastError ?? null;
      // Everything went: the core threw the draft away, nothing more may save it.
      if (!result.draft) this.#closed = true;
      else void this.#runCheck();
      return result;
    } catch (error) {
      this.#sendError = errorMessage(error);
      return null;
    } finally {
      this.#sending = false;
    }
  }

  /**
   * The composer closes: saves what is left. A draft emptied by the user is thrown away; one with
   * anything in it stays. Rejects when the last save failed (the retries go on meanwhile).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#saveAlts();
    await this.flush();
    if (this.#saveState === 'failed') throw new Error(this.#saveError ?? 'The draft could not be saved.');
    this.#closed = true;
    if (this.#id && this.empty && this.#sent.length === 0) await this.#api.drafts.delete({ draftId: this.#id });
  }

  /** "Delete draft": throws it away with its images. */
  async delete(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    Object.values(this.#altTimers).forEach((timer) => clearTimeout(timer));
    this.#altTimers = {};
    while (this.#saving) await this.#saving;
    for (const media of this.#media) this.#forgetPreview(media.id);
    if (this.#id) await this.#api.drafts.delete({ draftId: this.#id });
  }
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
    const names = NETWORK_ORDER.filter((network) => result.posted.some((copy) => copy.network === network)).map((network) => NETWORK_NAME[network]);
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
