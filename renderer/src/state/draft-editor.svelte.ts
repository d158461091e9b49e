// The one post open in the composer: its fields, saving them as the user types, the core's check
// and sending. Compose (compose.svelte.ts) opens and closes it and keeps the drafts list.
import type { BraidApi } from '@shared/api';
import type { ComposeCheck, Draft, DraftFields, DraftMedia, SendResult, SentCopy, Visibility } from '@shared/compose';
import type { Network } from '@shared/model';
import type { TimelineEntry } from '@shared/timeline';
import type { SvelteMap } from 'svelte/reactivity';
import { errorMessage } from '../lib/braid';

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

export type ComposeKind = 'new' | 'reply' | 'quote';
export type SaveState = 'saved' | 'pending' | 'saving' | 'failed';
export type SendFailure = SendResult['failed'][number];
export type Targets = Pick<DraftFields, 'threadsAccountId' | 'mastodonAccountId'>;

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
