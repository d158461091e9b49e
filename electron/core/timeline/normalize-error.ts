/**
 * Thrown when a network object lacks what Braid relies on (an id, an author, a time). The sync
 * logs it and skips that one post instead of failing the page it came in. It is a BraidError
 * with `network.bad-response` so that, should one ever escape, it still crosses the bridge as
 * a plain `{ code, message }`.
 */
import { BraidError } from '@shared/errors';

export class NormalizeError extends BraidError {
  constructor(message: string) {
    super('network.bad-response', message);
    this.name = 'NormalizeError';
  }
}
