import { SvelteSet } from 'svelte/reactivity';
import type { BraidApi } from '@shared/api';
import type { SharingState } from '@shared/sharing';
import { errorMessage } from '../lib/braid';
import { SharingFlow } from './sharing-flow.svelte';

/**
 * Fediverse sharing of the linked Threads accounts, as the core last said (`sharing.list`,
 * `sharing.check`, `sharing.changed`); the flow that turns it on and off is sharing-flow.svelte.ts. The renderer
 * judges nothing here: status, requirements and mode are shown as they come.
 */
export class Sharing {
  #api: BraidApi;
  #states = $state.raw<SharingState[]>([]);
  #loaded = $state(false);
  #error = $state<string | null>(null);
  /** Accounts whose row is asking the server right now. */
  readonly #checking = new SvelteSet<string>();
  /** Why a row's last check failed (the call itself, not the status: that one is `problem`). */
  #checkErrors = $state.raw<Readonly<Record<string, string>>>({});
  #pending: Promise<void> | null = null;
  readonly flow: SharingFlow;

  constructor(api: BraidApi) {
    this.#api = api;
    this.flow = new SharingFlow(api, this);
  }

  /** One entry per linked Threads account. */
  get states() {
    return this.#states;
  }
  /** True once the list was read at least once (an empty list is then really empty). */
  get loaded() {
    return this.#loaded;
  }
  /** Why the list could not be read. */
  get error() {
    return this.#error;
  }

  byAccount(accountId: string | null): SharingState | undefined {
    return accountId === null ? undefined : this.#states.find((state) => state.accountId === accountId);
  }

  isChecking(accountId: string): boolean {
    return this.#checking.has(accountId);
  }

  checkError(accountId: string): string | null {
    return this.#checkErrors[accountId] ?? null;
  }

  /** Subscribes to `sharing.changed`; returns the unsubscribe function. */
  listen(): () => void {
    return this.#api.on('sharing.changed', (states) => {
      this.#states = states;
      this.#loaded = true;
      this.#error = null;
    });
  }

  /** The states as last checked: no network, so the sidebar can show its symbols at once. */
  load(): Promise<void> {
    // A second caller (the settings section opening while the app's first read runs) waits for the same answer.
    this.#pending ??= this.#read().finally(() => (this.#pending = null));
    return this.#pending;
  }

  async #read(): Promise<void> {
    try {
      this.#states = await this.#api.sharing.list();
      this.#loaded = true;
      this.#error = null;
    } catch (error) {
      this.#error = `Could not read Fediverse sharing: ${errorMessage(error)}`;
    }
  }

  /** The settings section opened: the list as last checked, then every account asked again in the background. */
  async refresh(): Promise<void> {
    await this.load();
    await Promise.all(this.#states.map((state) => this.recheck(state.accountId)));
  }

  /** A row's "Check again" (and the background check): a failure stays on the row. */
  async recheck(accountId: string): Promise<void> {
    if (this.#checking.has(accountId)) return;
    this.#checking.add(accountId);
    try {
      await this.check(accountId);
      this.#setCheckError(accountId, null);
    } catch (error) {
      this.#setCheckError(accountId, errorMessage(error));
    } finally {
      this.#checking.delete(accountId);
    }
  }

  /** Asks the server now; resolves with the new state (also kept here), rejects with the backend's error. */
  async check(accountId: string): Promise<SharingState> {
    return this.put(await this.#api.sharing.check({ accountId }));
  }

  /** Keeps a state a call answered, before `sharing.changed` says the same. */
  put(state: SharingState): SharingState {
    const known = this.#states.some((candidate) => candidate.accountId === state.accountId);
    this.#states = known
      ? this.#states.map((candidate) => (candidate.accountId === state.accountId ? state : candidate))
      : [...this.#states, state];
    this.#loaded = true;
    return state;
  }

  #setCheckError(accountId: string, message: string | null): void {
    const { [accountId]: _old, ...rest } = this.#checkErrors;
    this.#checkErrors = message === null ? rest : { ...rest, [accountId]: message };
  }
}
