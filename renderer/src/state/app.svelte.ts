import type { BraidApi } from '@shared/api';
import type { Account, AppInfo, Settings, SettingsPatch } from '@shared/model';
import { errorMessage } from '../lib/braid';

export type View = 'timeline' | 'settings';

/** The renderer's app-wide state: what the backend said last, and which view is open. */
export class AppState {
  #api: BraidApi;
  #info = $state<AppInfo | null>(null);
  #accounts = $state.raw<Account[]>([]);
  #settings = $state<Settings | null>(null);
  #loading = $state(true);
  #error = $state<string | null>(null);
  #connected = $state(true);
  view = $state<View>('timeline');

  constructor(api: BraidApi) {
    this.#api = api;
  }

  get info() {
    return this.#info;
  }
  get accounts() {
    return this.#accounts;
  }
  get settings() {
    return this.#settings;
  }
  get loading() {
    return this.#loading;
  }
  get error() {
    return this.#error;
  }
  get connected() {
    return this.#connected;
  }

  /** Reads everything the shell needs and subscribes to changes. Returns the unsubscribe function. */
  start(): () => void {
    const stops = [
      this.#api.on('settings.changed', (settings) => (this.#settings = settings)),
      this.#api.on('accounts.changed', (accounts) => (this.#accounts = accounts)),
    ];
    void this.reload();
    return () => stops.forEach((stop) => stop());
  }

  async reload(): Promise<void> {
    this.#loading = true;
    try {
      const [info, accounts, settings] = await Promise.all([
        this.#api.app.info(),
        this.#api.accounts.list(),
        this.#api.settings.get(),
      ]);
      this.#info = info;
      this.#accounts = accounts;
      this.#settings = settings;
      this.#error = null;
    } catch (error) {
      this.#error = errorMessage(error);
    } finally {
      this.#loading = false;
    }
  }

  async updateSettings(patch: SettingsPatch): Promise<void> {
    const previous = this.#settings;
    if (previous) this.#settings = { ...previous, ...patch };
    try {
      this.#settings = await this.#api.settings.set(patch);
      this.#error = null;
    } catch (error) {
      this.#settings = previous;
      this.#error = `Could not save settings: ${errorMessage(error)}`;
    }
  }

  setConnected(connected: boolean): void {
    const regained = connected && !this.#connected;
    this.#connected = connected;
    if (regained) void this.reload();
  }

  dismissError(): void {
    this.#error = null;
  }
}
