/**
 * Shared by the linking tests: a core on a temp folder whose secrets, logs and renderer-bound
 * output are all recorded (for the token scan), and a scripted "browser" that answers the
 * sandbox servers' real sign-in and consent pages the way a person would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LinkUpdate } from '@shared/linking';
import { createCore, type Core, type CoreOptions } from '../../../electron/core/app';
import { createLogger, formatRecord } from '../../../electron/core/log';
import { MemorySecretStore } from '../../../electron/core/secrets/memory-store';
import type { SecretStore } from '../../../electron/core/secrets/secret-store';

export interface Harness {
  core: Core;
  dataDir: string;
  /** Every line the core logged. */
  logLines: string[];
  /** Every value the core put in the secret store, ever. */
  secretsWritten: string[];
  /** Every event payload the core emitted (what a renderer would receive). */
  emitted: unknown[];
  updates: LinkUpdate[];
  secrets: MemorySecretStore;
  /** Calls a method the way a renderer does (through the validating dispatcher), recording the answer. */
  call(method: string, input?: unknown): Promise<unknown>;
  /** Resolves with the first update for the flow in one of `phases`. */
  nextUpdate(flowId: string, phases: LinkUpdate['phase'][]): Promise<LinkUpdate>;
  close(): void;
}

/** `fileLog`: log to the data folder's log file like the app does, instead of into `logLines`. */
export function startHarness(options: Partial<CoreOptions> & { fileLog?: boolean } = {}): Harness {
  const { fileLog, ...coreOptions } = options;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'braid-link-'));
  const logLines: string[] = [];
  const secretsWritten: string[] = [];
  const emitted: unknown[] = [];
  const updates: LinkUpdate[] = [];
  const waiters: { flowId: string; phases: LinkUpdate['phase'][]; resolve: (u: LinkUpdate) => void }[] = [];
  const secrets = new MemorySecretStore();
  const recording: SecretStore = {
    get: (key) => secrets.get(key),
    set: (key, value) => {
      secretsWritten.push(value);
      return secrets.set(key, value);
    },
    delete: (key) => secrets.delete(key),
    keys: () => secrets.keys(),
  };
  const core = createCore({
    dataDir,
    secrets: recording,
    fetch: globalThis.fetch,
    clock: { now: () => Date.now() },
    shell: 'browser',
    appVersion: '0.0.0-test',
    ...(fileLog ? {} : { logger: createLogger((record) => logLines.push(formatRecord(record))) }),
    ...coreOptions,
  });
  core.events.onAny((name, payload) => {
    emitted.push({ name, payload });
    if (name !== 'accounts.linkUpdated') return;
    const update = payload as LinkUpdate;
    updates.push(update);
    for (const waiter of [...waiters]) {
      if (waiter.flowId === update.flowId && waiter.phases.includes(update.phase)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(update);
      }
    }
  });
  return {
    core,
    dataDir,
    logLines,
    secretsWritten,
    emitted,
    updates,
    secrets,
    async call(method, input) {
      const result = await core.dispatch(method, input);
      emitted.push({ method, result });
      if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
      return result.value;
    },
    nextUpdate(flowId, phases) {
      const seen = updates.find((u) => u.flowId === flowId && phases.includes(u.phase));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ flowId, phases, resolve }));
    },
    close() {
      core.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function hiddenFields(page: string): Record<string, string> {
  const out: Record<string, string> = {};
  const unescape = (s: string) => s.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
  for (const m of page.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) out[unescape(m[1] ?? '')] = unescape(m[2] ?? '');
  return out;
}

export interface SignIn {
  username: string;
  password: string;
  /** Press the consent page's Deny / Cancel instead. */
  deny?: boolean;
}

/**
 * The Mastodon sandbox's pages: log in, then Authorize or Deny. Resolves with where the server
 * sends the browser (the redirect URI with code/state or error), or the oob page's code.
 */
export async function answerMastodon(authorizeUrl: string, who: SignIn): Promise<{ location?: string; oobCode?: string }> {
  const origin = new URL(authorizeUrl).origin;
  const loginPage = await (await fetch(authorizeUrl)).text();
  if (!loginPage.includes('name="password"')) throw new Error(`expected a login form, got: ${loginPage.slice(0, 300)}`);
  const signIn = await fetch(`${origin}/auth/sign_in`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ ...hiddenFields(loginPage), username: who.username, password: who.password }),
  });
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const next = signIn.headers.get('location');
  if (next === null) throw new Error(`sign in failed with ${signIn.status}`);
  const consent = await fetch(new URL(next, origin), { headers: { cookie }, redirect: 'manual' });
  const consentPage = consent.status === 302 ? '' : await consent.text();
  // A user who already holds a token of this app is not asked again (the oob code shows at once).
  const shown = /<code class="code">([^<]+)<\/code>/.exec(consentPage);
  if (shown?.[1]) return { oobCode: shown[1] };
  const answer =
    consent.status === 302
      ? consent
      : await fetch(`${origin}/oauth/authorize`, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie },
          body: new URLSearchParams({ ...hiddenFields(consentPage), decision: who.deny ? 'deny' : 'authorize' }),
        });
  const location = answer.headers.get('location');
  if (location) return { location };
  const page = await answer.text();
  const oob = /<code class="code">([^<]+)<\/code>/.exec(page);
  if (!oob?.[1]) throw new Error(`no redirect and no code (HTTP ${answer.status}): ${page.replace(/<[^>]+>/g, ' ').slice(-300)}`);
  return { oobCode: oob[1] };
}

/** The Threads sandbox's pages: log in, then Allow or Cancel. Resolves with the redirect's Location. */
export async function answerThreads(authorizeUrl: string, who: SignIn): Promise<string> {
  const origin = new URL(authorizeUrl).origin;
  const loginPage = await (await fetch(authorizeUrl)).text();
  if (!loginPage.includes('name="password"')) throw new Error(`expected a login form, got: ${loginPage.slice(0, 300)}`);
  const consent = await fetch(`${origin}/oauth/authorize/login`, {
    method: 'POST',
    body: new URLSearchParams({ ...hiddenFields(loginPage), username: who.username, password: who.password }),
  });
  const consentPage = await consent.text();
  if (!consentPage.includes('name="decision"')) throw new Error(`expected the consent page, got HTTP ${consent.status}`);
  const answer = await fetch(`${origin}/oauth/authorize/consent`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ ...hiddenFields(consentPage), decision: who.deny ? 'cancel' : 'allow' }),
  });
  const location = answer.headers.get('location');
  if (!location) throw new Error(`consent did not redirect (HTTP ${answer.status})`);
  return location;
}

/** The browser arriving at the redirect URI (the loopback listener). */
export async function visit(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url.replace(/#.*$/, ''));
  return { status: response.status, body: await response.text() };
}
