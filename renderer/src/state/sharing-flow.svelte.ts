import type { BraidApi } from '@shared/api';
import type { SharingState, SharingVerification } from '@shared/sharing';
import { errorMessage } from '../lib/braid';
import type { Sharing } from './sharing.svelte';

/*
 * The flow that turns Fediverse sharing on or off for one account (Settings → Fediverse
 * sharing); the accounts' states themselves are in sharing.svelte.ts.
 */

export type SharingFlowKind = 'on' | 'off';
export type SharingStep = 'fediverse' | 'how' | 'requirements' | 'warning' | 'confirm' | 'off-explain' | 'off-confirm' | 'done';

/** The steps the progress indicator counts; `done` is where a flow ends, not a step of it. */
const STEPS: Record<SharingFlowKind, readonly [SharingStep, ...SharingStep[]]> = {
  on: ['fediverse', 'how', 'requirements', 'warning', 'confirm'],
  off: ['off-explain', 'off-confirm'],
};

/**
 * The turn-on / turn-off dialog. Nothing changes until the last step's button (api mode) or the
 * user's own change on Threads' page (guided mode): cancelling before that leaves all as it was.
 */
export class SharingFlow {
  #api: BraidApi;
  #sharing: Sharing;
  #open = $state(false);
  #kind = $state<SharingFlowKind>('on');
  #accountId = $state<string | null>(null);
  /** The account's state when the flow started, for when the list loses it (unlinked meanwhile). */
  #snapshot = $state.raw<SharingState | null>(null);
  #step = $state<SharingStep>('fediverse');
  #checking = $state(false);
  #checked = $state(false);
  #checkError = $state<string | null>(null);
  #busy = $state<'change' | 'open' | 'verify' | null>(null);
  #error = $state<string | null>(null);
  #verification = $state.raw<SharingVerification | null>(null);
  #settingsOpened = $state(false);
  /** Threads' page, when the browser refused to open it in a tab: shown as a link to press. */
  #blockedUrl = $state<string | null>(null);
  /** Bumped on every start and close, so a call that returns late knows the user moved on. */
  #generation = 0;

  /** "I understand" on the warning step. */
  acknowledged = $state(false);
  /** Turning off: ask other servers to delete what was shared. */
  removeSharedPosts = $state(false);

  constructor(api: BraidApi, sharing: Sharing) {
    this.#api = api;
    this.#sharing = sharing;
  }

  get open() {
    return this.#open;
  }
  get kind() {
    return this.#kind;
  }
  get accountId() {
    return this.#accountId;
  }
  /** The account's sharing as the core says now. */
  get state(): SharingState | null {
    return this.#sharing.byAccount(this.#accountId) ?? this.#snapshot;
  }
  /** Guided: the change is made on Threads' own settings page, then checked. */
  get guided() {
    return this.state?.mode === 'guided';
  }
  get step() {
    return this.#step;
  }
  get steps() {
    return STEPS[this.#kind];
  }
  /** 1-based; the last step's number on the done screen. */
  get stepNumber() {
    const index = this.steps.indexOf(this.#step);
    return index === -1 ? this.steps.length : index + 1;
  }
  get canGoBack() {
    return this.#step !== 'done' && this.steps.indexOf(this.#step) > 0 && this.#busy !== 'change';
  }
  /** The requirements step is asking the server. */
  get checking() {
    return this.#checking;
  }
  /** The requirements step has an answer from this visit (not only the cached one). */
  get checked() {
    return this.#checked;
  }
  get checkError() {
    return this.#checkError;
  }
  get busy() {
    return this.#busy;
  }
  /** Why turning on or off (or opening Threads' page, or checking it) failed. */
  get error() {
    return this.#error;
  }
  /** Guided mode: what the last check of Threads' change found. */
  get verification() {
    return this.#verification;
  }
  get settingsOpened() {
    return this.#settingsOpened;
  }
  get blockedUrl() {
    return this.#blockedUrl;
  }
  /** Cancelling now could not undo what is being sent. */
  get committing() {
    return this.#busy === 'change';
  }

  /** Why "Next" cannot go on from this step, or null when it can. */
  get blocked(): string | null {
    if (this.#step === 'requirements') {
      if (this.#checking || !this.#checked) return 'Checking your Threads profile…';
      if (this.#checkError) return 'Braid could not check the requirements. Check again to go on.';
      const state = this.state;
      if (state?.status === 'enabled') return 'Sharing is already on for this account.';
      if (state?.requirements.some((requirement) => requirement.met === false))
        return 'A requirement is not met yet: see how to fix it above, then check again.';
    }
    if (this.#step === 'warning' && !this.acknowledged) return 'Tick “I understand” to go on.';
    return null;
  }

  start(accountId: string, kind: SharingFlowKind): void {
    this.#generation++;
    this.#reset();
    this.#accountId = accountId;
    this.#snapshot = this.#sharing.byAccount(accountId) ?? null;
    this.#kind = kind;
    this.#step = STEPS[kind][0];
    this.acknowledged = false;
    this.removeSharedPosts = false;
    this.#open = true;
  }

  next(): void {
    if (this.blocked) return;
    const index = this.steps.indexOf(this.#step);
    const following = index === -1 ? undefined : this.steps[index + 1];
    if (following) this.#go(following);
  }

  back(): void {
    if (!this.canGoBack) return;
    const previous = this.steps[this.steps.indexOf(this.#step) - 1];
    if (previous) this.#go(previous);
  }

  /** Cancel, Escape, Done. Refused while a change is being sent (returns false). */
  close(): boolean {
    if (this.committing) return false;
    this.#generation++;
    this.#reset();
    this.#open = false;
    return true;
  }

  /** The requirements step asks the server each time it opens, and on "Check again". */
  async checkRequirements(): Promise<void> {
    const accountId = this.#accountId;
    if (!accountId || this.#checking) return;
    const generation = this.#generation;
    this.#checking = true;
    this.#checkError = null;
    try {
      const state = await this.#sharing.check(accountId);
      if (generation !== this.#generation) return;
      this.#snapshot = state;
      this.#checked = true;
    } catch (error) {
      if (generation === this.#generation) this.#checkError = errorMessage(error);
    } finally {
      if (generation === this.#generation) this.#checking = false;
    }
  }

  /** Api mode, the last step's button: `sharing.enable` or `sharing.disable`. */
  async confirm(): Promise<void> {
    const accountId = this.#accountId;
    if (!accountId || this.#busy) return;
    await this.#call('change', async (live) => {
      const state =
        this.#kind === 'on'
          ? await this.#api.sharing.enable({ accountId, acceptWarnings: true })
          : await this.#api.sharing.disable({ accountId, removeSharedPosts: this.removeSharedPosts });
      this.#sharing.put(state);
      if (!live()) return;
      this.#snapshot = state;
      this.#step = 'done';
    });
  }

  /** Guided mode: Threads' own settings page, in the system browser (or a new tab in the browser host). */
  async openSettings(): Promise<void> {
    const accountId = this.#accountId;
    if (!accountId || this.#busy) return;
    await this.#call('open', async (live) => {
      const page = await this.#api.sharing.openSettings({ accountId });
      if (!live()) return;
      // The browser host cannot open a tab for us; this still runs inside the click's user activation.
      // Not `noopener` in the features: that makes window.open return null even when the tab opened.
      if (!page.openedExternally) {
        const tab = window.open(page.url, '_blank');
        if (!tab) {
          this.#blockedUrl = page.url;
          return;
        }
        tab.opener = null;
      }
      this.#blockedUrl = null;
      this.#settingsOpened = true;
    });
  }

  /** Guided mode: did the change the user made on Threads take effect? */
  async verify(): Promise<void> {
    const accountId = this.#accountId;
    if (!accountId || this.#busy) return;
    await this.#call('verify', async (live) => {
      const verification = await this.#api.sharing.verify({
        accountId,
        expect: this.#kind === 'on' ? 'enabled' : 'disabled',
      });
      this.#sharing.put(verification.state);
      if (!live()) return;
      this.#snapshot = verification.state;
      this.#verification = verification;
      if (verification.confirmed) this.#step = 'done';
    });
  }

  /** Runs one call at a time; `live()` says whether the user is still in this flow when it answers. */
  async #call(busy: 'change' | 'open' | 'verify', run: (live: () => boolean) => Promise<void>): Promise<void> {
    const generation = this.#generation;
    this.#busy = busy;
    this.#error = null;
    try {
      await run(() => generation === this.#generation);
    } catch (error) {
      if (generation === this.#generation) this.#error = errorMessage(error);
    } finally {
      if (generation === this.#generation) this.#busy = null;
    }
  }

  #go(step: SharingStep): void {
    this.#step = step;
    this.#error = null;
    this.#verification = null;
    if (step === 'requirements') {
      this.#checked = false;
      void this.checkRequirements();
    }
  }

  #reset(): void {
    this.#checking = false;
    this.#checked = false;
    this.#checkError = null;
    this.#busy = null;
    this.#error = null;
    this.#verification = null;
    this.#settingsOpened = false;
    this.#blockedUrl = null;
  }
}
