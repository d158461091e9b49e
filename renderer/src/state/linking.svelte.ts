import type { BraidApi } from '@shared/api';
import { isWireError } from '@shared/errors';
import type { LinkFlow, LinkPhase, LinkRequest, LinkUpdate } from '@shared/linking';
import type { Account, Network } from '@shared/model';
import { errorMessage } from '../lib/braid';

/** Where the link dialog is: a form, a flow in progress, or how it ended. */
export type LinkStep = 'choose' | 'mastodon' | 'threads' | 'server' | 'waiting' | 'linked' | 'failed';

/** What "Try again" goes back to. */
type Attempt = { kind: Network } | { kind: 'relink'; account: Account };

/** Errors after which the flow is gone for good, so pasting another code cannot help. */
const FLOW_ENDED = new Set(['link.unknown-flow', 'link.timed-out']);

/** The id of the built-in "Braid sandbox" Threads server preset. */
const SANDBOX_SERVER_ID = 'sandbox';

/**
 * The link dialog's state: the form the user is filling in, the sign-in flow the backend runs,
 * and how it ended. The flow finishes in the background, so its phase comes from
 * `accounts.linkUpdated` events; calls only start, complete or cancel it.
 */
export class Linking {
  #api: BraidApi;
  #onLinked: (account: Account) => void;
  #open = $state(false);
  #step = $state<LinkStep>('choose');
  #flow = $state.raw<LinkFlow | null>(null);
  #phase = $state<LinkPhase | null>(null);
  #busy = $state<'begin' | 'paste' | 'token' | null>(null);
  #formError = $state<string | null>(null);
  #pasteError = $state<string | null>(null);
  #tokenError = $state<string | null>(null);
  #failure = $state<string | null>(null);
  #linked = $state.raw<Account | null>(null);
  #attempt = $state.raw<Attempt>({ kind: 'mastodon' });
  #editingServer = $state<string | null>(null);
  /** Updates that arrived before the call that started their flow returned. */
  #early: LinkUpdate[] = [];
  /** Bumped on every open and close, so a call that returns late knows the user moved on. */
  #generation = 0;

  /** What the user typed, kept when an attempt fails so "Try again" finds it again. */
  instance = $state('');
  pasteInstead = $state(false);
  serverId = $state<string | null>(null);

  constructor(api: BraidApi, onLinked: (account: Account) => void) {
    this.#api = api;
    this.#onLinked = onLinked;
  }

  get open() {
    return this.#open;
  }
  get step() {
    return this.#step;
  }
  get flow() {
    return this.#flow;
  }
  get phase() {
    return this.#phase;
  }
  /** A call is running; no second one starts until it returns. */
  get busy() {
    return this.#busy !== null;
  }
  /** Which call is running, so only its button says "Working…". */
  get busyWith() {
    return this.#busy;
  }
  /** Why starting a sign-in (or linking a token) failed: shown under the field. */
  get formError() {
    return this.#formError;
  }
  /** Why a pasted code was refused; the flow stays, the user may paste again. */
  get pasteError() {
    return this.#pasteError;
  }
  /** Why a pasted Threads access token was refused. */
  get tokenError() {
    return this.#tokenError;
  }
  /** Why the flow ended without an account. */
  get failure() {
    return this.#failure;
  }
  get linked() {
    return this.#linked;
  }
  get isRelink() {
    return this.#attempt.kind === 'relink';
  }
  /** The server the settings form edits inside the dialog; null for a new one. */
  get editingServer() {
    return this.#editingServer;
  }

  /** Subscribes to flow updates; returns the unsubscribe function. */
  listen(): () => void {
    return this.#api.on('accounts.linkUpdated', (update) => this.#apply(update));
  }

  start(network?: Network): void {
    this.#generation++;
    this.#reset();
    this.instance = '';
    this.pasteInstead = false;
    this.#step = network ?? 'choose';
    this.#open = true;
  }

  choose(step: 'choose' | Network): void {
    this.#formError = null;
    this.#step = step;
  }

  /** The user changed what the error was about. */
  clearFormError(): void {
    this.#formError = null;
  }

  editServer(serverId: string | null): void {
    this.#editingServer = serverId;
    this.#step = 'server';
  }

  /** Back from the server form to the Threads step, on the server just saved when there is one. */
  serverDone(savedId?: string): void {
    if (savedId) this.serverId = savedId;
    this.#formError = null;
    this.#step = 'threads';
  }

  /** Starts signing in with what the Mastodon or Threads step holds. */
  async begin(network: Network): Promise<void> {
    if (this.#busy) return;
    const method = this.pasteInstead ? 'paste' : undefined;
    let request: LinkRequest;
    if (network === 'mastodon') {
      const instance = this.instance.trim();
      if (!instance) {
        this.#formError = 'Enter a Mastodon server, like mastodon.social, or your handle, like @you@mastodon.social.';
        return;
      }
      request = { network, instance, ...(method && { method }) };
    } else {
      if (!this.serverId) {
        this.#formError = 'Choose a Threads server.';
        return;
      }
      request = { network, serverId: this.serverId, ...(method && { method }) };
    }
    this.#attempt = { kind: network };
    await this.#run(() => this.#api.accounts.beginLink(request), (message) => (this.#formError = message));
  }

  /**
   * `npm run demo`: link a sandbox demo account straight away. The sandbox's sign-in page comes
   * filled in, so this click and the page's one button are all it takes.
   */
  async linkDemo(network: Network, sandboxMastodon: string): Promise<void> {
    this.start(network);
    if (network === 'mastodon') this.instance = sandboxMastodon;
    else this.serverId = SANDBOX_SERVER_ID;
    await this.begin(network);
  }

  /** "Sign in again" for an account whose token expired: straight to the waiting step. */
  async relink(account: Account): Promise<void> {
    this.#generation++;
    this.#reset();
    this.#attempt = { kind: 'relink', account };
    this.#open = true;
    this.#step = 'waiting';
    await this.#run(
      () => this.#api.accounts.relink({ accountId: account.id }),
      (message) => this.#fail(message),
    );
  }

  /** The user pasted the code, or the whole address the browser landed on. */
  async complete(code: string): Promise<void> {
    const flow = this.#flow;
    if (this.#busy || !flow) return;
    if (!code.trim()) {
      this.#pasteError = 'Paste the code or the address from your browser first.';
      return;
    }
    this.#busy = 'paste';
    this.#pasteError = null;
    const generation = this.#generation;
    try {
      const account = await this.#api.accounts.completeLink({ flowId: flow.id, code: code.trim() });
      if (generation === this.#generation) this.#succeed(account);
    } catch (error) {
      if (generation !== this.#generation) return;
      if (isWireError(error) && FLOW_ENDED.has(error.code)) this.#fail(error.message);
      else this.#pasteError = errorMessage(error);
    } finally {
      if (generation === this.#generation) this.#busy = null;
    }
  }

  /** Threads power users: a long-lived token made elsewhere. Returns true when it was linked. */
  async linkToken(token: string): Promise<boolean> {
    if (this.#busy) return false;
    if (!this.serverId) {
      this.#tokenError = 'Choose a Threads server.';
      return false;
    }
    if (token.trim().length < 10) {
      this.#tokenError = 'That is too short for an access token. Paste the whole token.';
      return false;
    }
    this.#busy = 'token';
    this.#tokenError = null;
    const generation = this.#generation;
    try {
      const account = await this.#api.accounts.linkToken({ serverId: this.serverId, token: token.trim() });
      if (generation !== this.#generation) return false;
      this.#attempt = { kind: 'threads' };
      this.#succeed(account);
      return true;
    } catch (error) {
      if (generation === this.#generation) this.#tokenError = errorMessage(error);
      return false;
    } finally {
      if (generation === this.#generation) this.#busy = null;
    }
  }

  /** Back to the form with the user's input as it was, or a fresh sign-in for a relink. */
  tryAgain(): void {
    const attempt = this.#attempt;
    if (attempt.kind === 'relink') {
      void this.relink(attempt.account);
      return;
    }
    this.#flow = null;
    this.#phase = null;
    this.#failure = null;
    this.#step = attempt.kind;
  }

  /** Cancel, Escape, Done: a flow still waiting is cancelled so its listener closes at once. */
  close(): void {
    const flow = this.#flow;
    if (flow && (this.#phase === 'waiting' || this.#phase === 'exchanging')) {
      this.#api.accounts.cancelLink({ flowId: flow.id }).catch(() => {
        // Already finished or expired: nothing left to cancel.
      });
    }
    this.#generation++;
    this.#reset();
    this.#open = false;
  }

  /** Runs a call that starts a flow, unless the user closed the dialog meanwhile. */
  async #run(start: () => Promise<LinkFlow>, onError: (message: string) => void): Promise<void> {
    this.#busy = 'begin';
    this.#formError = null;
    const generation = this.#generation;
    try {
      const flow = await start();
      if (generation !== this.#generation) {
        void this.#api.accounts.cancelLink({ flowId: flow.id }).catch(() => undefined);
        return;
      }
      this.#begin(flow);
    } catch (error) {
      if (generation === this.#generation) onError(errorMessage(error));
    } finally {
      if (generation === this.#generation) this.#busy = null;
    }
  }

  #begin(flow: LinkFlow): void {
    this.#flow = flow;
    this.#phase = 'waiting';
    this.#pasteError = null;
    this.#step = 'waiting';
    // The browser host cannot open a tab for us; this still runs inside the click's user activation.
    if (!flow.openedExternally) window.open(flow.authorizeUrl, '_blank', 'noopener,noreferrer');
    const early = this.#early.filter((update) => update.flowId === flow.id);
    this.#early = [];
    for (const update of early) this.#apply(update);
  }

  #apply(update: LinkUpdate): void {
    if (this.#flow?.id !== update.flowId) {
      // Possibly for the flow whose start call has not returned yet.
      if (this.#busy === 'begin') this.#early = [...this.#early.slice(-9), update];
      return;
    }
    this.#phase = update.phase;
    if (update.phase === 'linked') {
      // The account comes with the update; `accounts.changed` shows it in the sidebar either way.
      if (update.account) this.#succeed(update.account);
      else this.close();
    } else if (update.phase === 'failed') {
      this.#fail(update.error?.message ?? 'Signing in did not finish.');
    } else if (update.phase === 'cancelled') {
      this.#generation++;
      this.#reset();
      this.#open = false;
    }
  }

  #succeed(account: Account): void {
    this.#phase = 'linked';
    this.#linked = account;
    this.#step = 'linked';
    this.#onLinked(account);
  }

  #fail(message: string): void {
    this.#phase = 'failed';
    this.#failure = message;
    this.#step = 'failed';
  }

  #reset(): void {
    this.#flow = null;
    this.#phase = null;
    this.#busy = null;
    this.#formError = null;
    this.#pasteError = null;
    this.#tokenError = null;
    this.#failure = null;
    this.#linked = null;
    this.#early = [];
  }
}
