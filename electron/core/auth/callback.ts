/**
 * Reads the answer of a sign-in: the address the browser came back to (from the loopback, the
 * auth window, or pasted by the user), or a bare code the server showed (Mastodon's oob page).
 */
import { BraidError } from '@shared/errors';

export interface CallbackAnswer {
  code: string;
}

/**
 * `expectedState` is checked whenever the answer is an address. A bare code has no state: it is
 * accepted only from the user's own paste (`allowBareCode`), never from a redirect.
 */
export function readCallback(input: string, expectedState: string, serverName: string, allowBareCode: boolean): CallbackAnswer {
  const text = input.trim();
  const params = paramsOf(text);
  if (!params) {
    // Meta appends "#_" to its redirects; a code copied from the address bar may carry it.
    const code = text.replace(/#_?$/, '');
    if (!allowBareCode || !/^[\w.~+/=-]{4,2048}$/.test(code)) {
      throw new BraidError('link.code-rejected', `That does not look like a sign-in code from ${serverName}. Copy the whole code, or the whole address the browser landed on.`);
    }
    return { code };
  }
  if (params.get('state') !== expectedState) {
    throw new BraidError(
      'link.state-mismatch',
      `That address does not belong to the sign-in Braid started for ${serverName} (its state does not match — possible cross-site request forgery), so it was rejected. Use the address from the sign-in you just did, or start again.`,
    );
  }
  const error = params.get('error');
  if (error !== null) {
    if (error === 'access_denied') {
      throw new BraidError('link.denied', `You chose not to give Braid access to ${serverName}, so nothing was linked. Start again when you are ready.`);
    }
    const detail = params.get('error_description') ?? error;
    throw new BraidError('link.code-rejected', `${serverName} did not sign you in: ${detail.slice(0, 200)}. Start linking again.`);
  }
  const code = params.get('code');
  if (!code) throw new BraidError('link.code-rejected', `The address from ${serverName} has no sign-in code in it. Start linking again.`);
  return { code };
}

/** Query parameters of a pasted or redirected address, or of a bare "?code=…&state=…". */
function paramsOf(text: string): URLSearchParams | undefined {
  if (/^https?:\/\//i.test(text)) {
    try {
      return new URL(text).searchParams;
    } catch {
      return undefined;
    }
  }
  if (text.startsWith('?') || /(^|&)(code|error|state)=/.test(text)) return new URLSearchParams(text.replace(/^\?/, '').replace(/#.*$/, ''));
  return undefined;
}
