import { describe, expect, it } from 'vitest';
import { BraidError } from '@shared/errors';
import { readJson, request, transportError } from '../../../../electron/core/net/http';

/** undici reports socket and TLS failures as TypeError('fetch failed') with the Node error as its cause. */
function fetchFailed(code: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
}

describe('transport errors', () => {
  const url = new URL('https://mastodon.example/api/v2/instance?x=secret');

  it.each([
    ['ENOTFOUND', 'network.unreachable', 'No server called mastodon.example could be found'],
    ['EAI_AGAIN', 'network.unreachable', 'No server called mastodon.example could be found'],
    ['ECONNREFUSED', 'network.unreachable', 'refused the connection'],
    ['ECONNRESET', 'network.unreachable', 'could not reach mastodon.example (ECONNRESET)'],
    ['CERT_HAS_EXPIRED', 'network.tls', "could not verify mastodon.example's security certificate"],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'network.tls', 'security certificate'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'network.tls', 'security certificate'],
  ])('%s becomes %s', (code, expected, words) => {
    const error = transportError(url, fetchFailed(code), null);
    expect(error).toBeInstanceOf(BraidError);
    expect(error.code).toBe(expected);
    expect(error.message).toContain(words);
    expect(error.message).not.toContain('secret');
  });

  it('names the timeout in seconds', () => {
    expect(transportError(url, new DOMException('t', 'TimeoutError'), 10_000).message).toBe(
      'mastodon.example did not answer within 10 s. Check your connection and try again.',
    );
  });

  it('turns a failing fetch into a BraidError, and a caller abort into its reason', async () => {
    const failing = () => Promise.reject(fetchFailed('ECONNREFUSED'));
    await expect(request(failing, url)).rejects.toMatchObject({ code: 'network.unreachable' });
    const controller = new AbortController();
    const reason = new BraidError('link.cancelled', 'Linking was cancelled.');
    controller.abort(reason);
    await expect(request(() => Promise.reject(new Error('aborted')), url, { signal: controller.signal })).rejects.toBe(reason);
  });

  it('calls an HTML page where JSON was expected a bad response', async () => {
    await expect(readJson(new Response('<html>captive portal</html>'), 'mastodon.example')).rejects.toMatchObject({
      code: 'network.bad-response',
      message: expect.stringContaining('not JSON') as string,
    });
    await expect(readJson(new Response('{"ok":true}'), 'x')).resolves.toEqual({ ok: true });
  });
});
