import { afterEach, describe, expect, it } from 'vitest';
import { callApi, startTestHost, type TestHost } from './helpers';

const running: TestHost[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.stop()));
});

async function launch(): Promise<TestHost> {
  const t = await startTestHost();
  running.push(t);
  return t;
}

describe('the per-launch token', () => {
  it('is long, URL-safe, and different on every launch', async () => {
    const [a, b] = await Promise.all([launch(), launch()]);
    for (const { host } of [a, b]) {
      expect(host.token.length).toBeGreaterThanOrEqual(32);
      expect(host.token).toMatch(/^[A-Za-z0-9_-]+$/);
    }
    expect(a.host.token).not.toBe(b.host.token);
    expect(a.host.port).not.toBe(b.host.port);
  });

  it('is part of the printed address, which points at 127.0.0.1 on the chosen port', async () => {
    const { host } = await launch();
    expect(host.port).toBeGreaterThan(0);
    expect(host.origin).toBe(`http://127.0.0.1:${host.port}`);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(new URL(host.url).searchParams.get('token')).toBe(host.token);
  });

  it('of one launch does not open another launch', async () => {
    const [a, b] = await Promise.all([launch(), launch()]);
    const response = await callApi(b.host, 'app.info', undefined, { token: a.host.token });
    expect(response.status).toBe(401);
  });
});
