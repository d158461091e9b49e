import { afterEach, describe, expect, it } from 'vitest';
import { openLoopback, type LoopbackListener } from '../../../../electron/core/auth/loopback';

let listener: LoopbackListener | undefined;
afterEach(async () => listener?.close());

const get = async (url: string, init?: RequestInit) => {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.text(), csp: response.headers.get('content-security-policy') };
};

describe('the loopback listener', () => {
  it('listens on 127.0.0.1 on a random port and accepts the one callback with our state', async () => {
    listener = await openLoopback({ expectedState: 'our-state', serverName: 'example.social' });
    expect(listener.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d{2,5}\/callback$/);
    expect((await get(`${new URL(listener.redirectUri).origin}/favicon.ico`)).status).toBe(404);
    expect((await get(`${listener.redirectUri}?code=c&state=our-state`, { method: 'POST' })).status).toBe(404);

    const page = await get(`${listener.redirectUri}?code=the-code&state=our-state`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('You can close this tab');
    expect(page.body).not.toContain('the-code');
    expect(page.csp).toContain("default-src 'none'");
    const url = await listener.callback;
    expect(url.searchParams.get('code')).toBe('the-code');
    // Answered once, it closes.
    await expect(fetch(listener.redirectUri)).rejects.toThrow();
  });

  it('refuses a callback with another state and ends the sign-in', async () => {
    listener = await openLoopback({ expectedState: 'our-state', serverName: 'example.social' });
    const page = await get(`${listener.redirectUri}?code=c&state=<script>x</script>`);
    expect(page.status).toBe(400);
    expect(page.body).not.toContain('<script>');
    await expect(listener.callback).rejects.toMatchObject({ code: 'link.state-mismatch' });
  });

  it('uses a different port and state for every sign-in', async () => {
    const a = await openLoopback({ expectedState: 'a', serverName: 's' });
    const b = await openLoopback({ expectedState: 'b', serverName: 's' });
    try {
      expect(a.redirectUri).not.toBe(b.redirectUri);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
