/**
 * A scripted "browser" for the sandbox servers' real sign-in and consent pages: it logs in and
 * answers the consent page the way a person would, over plain fetch. Tests that cannot drive a
 * real browser tab (core integration tests, Electron e2e) use it; the Chromium e2e clicks the
 * pages themselves.
 */

import { hiddenFields } from './mastodon/test-support.ts';

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
