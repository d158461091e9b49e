import type { BraidApi } from '@shared/api';
import type { ThreadsServer, ThreadsServerInput } from '@shared/linking';
import { errorMessage } from '../lib/braid';

/** The Threads servers Braid can link accounts on, for the link dialog and the settings screen. */
export class ThreadsServers {
  #api: BraidApi;
  #list = $state.raw<ThreadsServer[]>([]);
  #loaded = $state(false);
  #loading = $state(false);
  #error = $state<string | null>(null);

  constructor(api: BraidApi) {
    this.#api = api;
  }

  get list() {
    return this.#list;
  }
  /** True once the list was read at least once (an empty list is then really empty). */
  get loaded() {
    return this.#loaded;
  }
  get loading() {
    return this.#loading;
  }
  get error() {
    return this.#error;
  }

  byId(id: string | null): ThreadsServer | undefined {
    return id === null ? undefined : this.#list.find((server) => server.id === id);
  }

  async load(): Promise<void> {
    if (this.#loading) return;
    this.#loading = true;
    try {
      this.#list = await this.#api.threadsServers.list();
      this.#loaded = true;
      this.#error = null;
    } catch (error) {
      this.#error = `Could not read the Threads servers: ${errorMessage(error)}`;
    } finally {
      this.#loading = false;
    }
  }

  /** Saves and returns the server as the backend now has it; rejects with the backend's error. */
  async save(input: ThreadsServerInput): Promise<ThreadsServer> {
    const saved = await this.#api.threadsServers.save(input);
    const exists = this.#list.some((server) => server.id === saved.id);
    this.#list = exists ? this.#list.map((server) => (server.id === saved.id ? saved : server)) : [...this.#list, saved];
    return saved;
  }

  /** Rejects with the backend's error, e.g. when an account still uses the server. */
  async remove(serverId: string): Promise<void> {
    await this.#api.threadsServers.remove({ serverId });
    this.#list = this.#list.filter((server) => server.id !== serverId);
  }
}
