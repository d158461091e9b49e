/**
 * Sign-ins in progress. A flow starts with a LinkTarget (one server's OAuth details), opens the
 * way back (loopback listener, auth window, or nothing for a pasted code), waits for the answer,
 * exchanges the code and hands the identity to `store`. Every step is reported as an
 * `accounts.linkUpdated` event; a flow ends linked, failed or cancelled, and times out.
 */
import { randomUUID } from 'node:crypto';
import type { LinkFlow, LinkMethod } from '@shared/linking';
import type { Account } from '@shared/model';
import { BraidError } from '@shared/errors';
import type { CoreEvents } from '../events';
import type { Logger } from '../log';
import { readCallback } from './callback';
import { openLoopback, type LoopbackListener } from './loopback';
import { createPkce, randomToken } from './pkce';
import type { AuthWindowOpener, OpenExternal } from './shell-hooks';
import type { LinkedIdentity, LinkTarget } from './target';

export const DEFAULT_LINK_TIMEOUT_MS = 5 * 60_000;

export interface LinkFlowsOptions {
  events: CoreEvents;
  log: Logger;
  now: () => number;
  timeoutMs?: number;
  openExternal?: OpenExternal | undefined;
  authWindow?: AuthWindowOpener | undefined;
  /** Keeps the identity (account row + keychain) and returns the account to show. */
  store: (target: LinkTarget, identity: LinkedIdentity) => Promise<Account>;
}

interface PendingFlow {
  public: LinkFlow;
  target: LinkTarget;
  state: string;
  verifier: string;
  redirectUri: string;
  abort: AbortController;
  listener: LoopbackListener | undefined;
  timer: NodeJS.Timeout;
  /** Set while a code is being exchanged, so a second answer cannot race the first. */
  exchanging: boolean;
}

export class LinkFlows {
  readonly #flows = new Map<string, PendingFlow>();
  readonly #options: LinkFlowsOptions;

  constructor(options: LinkFlowsOptions) {
    this.#options = options;
  }

  async begin(target: LinkTarget, requested?: LinkMethod): Promise<LinkFlow> {
    const method = this.#chooseMethod(target, requested);
    const state = randomToken();
    const pkce = createPkce();
    const listener = method === 'loopback' ? await openLoopback({ expectedState: state, serverName: target.serverName }) : undefined;
    let redirectUri: string;
    let authorizeUrl: string;
    try {
      redirectUri = listener ? listener.redirectUri : target.redirectUriFor(method as Exclude<LinkMethod, 'loopback'>);
      authorizeUrl = target.authorizeUrl({ redirectUri, state, codeChallenge: pkce.challenge });
    } catch (error) {
      await listener?.close();
      throw error;
    }
    const id = randomUUID();
    const timeoutMs = this.#options.timeoutMs ?? DEFAULT_LINK_TIMEOUT_MS;
    const flow: PendingFlow = {
      public: {
        id,
        network: target.network,
        server: target.server,
        serverName: target.serverName,
        authorizeUrl,
        method,
        expiresAt: new Date(this.#options.now() + timeoutMs).toISOString(),
        openedExternally: false,
      },
      target,
      state,
      verifier: pkce.verifier,
      redirectUri,
      abort: new AbortController(),
      listener,
      timer: setTimeout(() => {
        const minutes = Math.max(1, Math.round(timeoutMs / 60_000));
        this.#fail(id, new BraidError('link.timed-out', `Signing in to ${target.serverName} took longer than ${minutes} min, so Braid stopped waiting. Start linking again.`));
      }, timeoutMs),
      exchanging: false,
    };
    flow.timer.unref();
    this.#flows.set(id, flow);
    this.#options.log.info('link', `started ${method} sign-in to ${target.serverName}`);

    listener?.callback.then(
      (url) => void this.#answer(id, url.href, false),
      (error: unknown) => this.#fail(id, error),
    );
    if (method === 'window') {
      const opener = this.#options.authWindow;
      if (!opener) throw new Error('window method chosen without an auth window');
      opener({ authorizeUrl, redirectUri, signal: flow.abort.signal }).then(
        (url) => void this.#answer(id, url, false),
        (error: unknown) => this.#fail(id, error),
      );
    } else if (this.#options.openExternal) {
      flow.public.openedExternally = await this.#options.openExternal(authorizeUrl).catch((error: unknown) => {
        this.#options.log.warn('link', 'could not open the system browser', error);
        return false;
      });
    }
    this.#emit(id, 'waiting');
    return { ...flow.public };
  }

  /** The user pasted a code or an address. Resolves with the account, or rejects and leaves the flow waiting. */
  async complete(flowId: string, pasted: string): Promise<Account> {
    const account = await this.#answer(flowId, pasted, true);
    if (!account) throw unknownFlow();
    return account;
  }

  cancel(flowId: string): void {
    const flow = this.#flows.get(flowId);
    if (!flow) return;
    this.#end(flow, new BraidError('link.cancelled', 'Linking was cancelled.'));
    this.#emit(flowId, 'cancelled');
  }

  /** Ends every flow (the app is closing). */
  closeAll(): void {
    for (const flow of [...this.#flows.values()]) this.#end(flow, new BraidError('link.cancelled', 'Braid is closing.'));
  }

  get pending(): number {
    return this.#flows.size;
  }

  #chooseMethod(target: LinkTarget, requested: LinkMethod | undefined): LinkMethod {
    const usable = target.methods.filter((m) => m !== 'window' || this.#options.authWindow);
    if (requested) {
      if (usable.includes(requested)) return requested;
      throw new BraidError('input.invalid', `${target.serverName} cannot be linked with the "${requested}" method here. Use ${usable.join(' or ')}.`);
    }
    const [best] = usable;
    if (!best) throw new BraidError('link.server-not-ready', `${target.serverName} offers no way to sign in from here.`);
    return best;
  }

  /**
   * An answer arrived (redirect or paste). Returns undefined when the flow no longer exists.
   * A failed paste throws and keeps the flow; a failed redirect ends it.
   */
  async #answer(flowId: string, input: string, pasted: boolean): Promise<Account | undefined> {
    const flow = this.#flows.get(flowId);
    if (!flow) return undefined;
    if (flow.exchanging) {
      if (pasted) throw new BraidError('input.invalid', `Braid is already finishing this sign-in to ${flow.target.serverName}.`);
      return undefined;
    }
    try {
      const { code } = readCallback(input, flow.state, flow.target.serverName, pasted);
      flow.exchanging = true;
      this.#emit(flowId, 'exchanging');
      const identity = await flow.target.exchange({ code, redirectUri: flow.redirectUri, codeVerifier: flow.verifier, signal: flow.abort.signal });
      if (!this.#flows.has(flowId)) return undefined;
      const account = await this.#options.store(flow.target, identity);
      this.#end(flow);
      this.#options.log.info('link', `linked ${account.handle} on ${flow.target.serverName}`);
      this.#emit(flowId, 'linked', { account });
      return account;
    } catch (error) {
      flow.exchanging = false;
      // A redirect that fails ends the flow; a wrong paste (a typo, an old address) may be retried.
      const retryable = ['link.code-rejected', 'link.state-mismatch', 'input.invalid'];
      if (pasted && error instanceof BraidError && retryable.includes(error.code)) {
        this.#emit(flowId, 'waiting');
        throw error;
      }
      this.#fail(flowId, error);
      if (pasted) throw error;
      return undefined;
    }
  }

  #fail(flowId: string, error: unknown): void {
    const flow = this.#flows.get(flowId);
    if (!flow) return;
    const wire =
      error instanceof BraidError
        ? error.toWire()
        : { code: 'internal' as const, message: `Linking ${flow.target.serverName} failed unexpectedly. Details are in Braid's log.` };
    if (!(error instanceof BraidError)) this.#options.log.error('link', 'unexpected failure', error);
    else this.#options.log.warn('link', `sign-in to ${flow.target.serverName} failed: ${error.message}`);
    this.#end(flow, error);
    this.#emit(flowId, error instanceof BraidError && error.code === 'link.cancelled' ? 'cancelled' : 'failed', { error: wire });
  }

  #end(flow: PendingFlow, reason?: unknown): void {
    this.#flows.delete(flow.public.id);
    clearTimeout(flow.timer);
    if (!flow.abort.signal.aborted) flow.abort.abort(reason ?? new BraidError('link.cancelled', 'The sign-in is over.'));
    void flow.listener?.close();
  }

  #emit(flowId: string, phase: 'waiting' | 'exchanging' | 'linked' | 'failed' | 'cancelled', extra: { account?: Account; error?: { code: BraidError['code']; message: string } } = {}): void {
    this.#options.events.emit('accounts.linkUpdated', { flowId, phase, ...extra });
  }
}

function unknownFlow(): BraidError {
  return new BraidError('link.unknown-flow', 'This sign-in is no longer open (it finished, was cancelled or expired). Start linking again.');
}
