/** What every part of the Mastodon sandbox shares: state, federation and the streaming hub. */
import type { Federation } from '../federation/delivery.ts';
import type { Store, StatusRecord } from './model.ts';

export interface StreamHub {
  /** An event on one account's `user` stream; the payload is rendered for that account. */
  toUser(accountId: string, event: 'update' | 'status.update' | 'notification', payload: () => unknown): void;
  /** A new or edited public status on public, public:local/remote and hashtag streams. */
  toPublic(status: StatusRecord, event: 'update' | 'status.update'): void;
  /** A deleted status: the user streams of the homes it was in, and the public/hashtag streams that carried it. */
  deleted(status: StatusRecord, homeOwners: string[]): void;
  /** A revoked token: its connections close, as Mastodon's `kill` event does. */
  revoked(token: string): void;
  subscriptions(): string[];
  close(): void;
}

export interface Ctx {
  store: Store;
  federation: Federation;
  streams: StreamHub;
  log(line: string): void;
}

/** An API error with Mastodon's status and `{"error": …}` body; app.onError renders it. */
export class ApiError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 409 | 422 | 429 | 500 | 503;
  constructor(status: ApiError['status'], message: string) {
    super(message);
    this.status = status;
  }
}

export const notFound = (): ApiError => new ApiError(404, 'Record not found');
export const notAllowed = (): ApiError => new ApiError(403, 'This action is not allowed');
