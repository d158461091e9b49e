import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WireResult } from '@shared/errors';
import { callApi, rawRequest, startTestHost, type RawResponse, type TestHost } from './helpers';

let t: TestHost;

beforeEach(async () => {
  t = await startTestHost();
});

afterEach(async () => {
  await t.stop();
});

function json(response: RawResponse): WireResult<unknown> {
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return JSON.parse(response.body) as WireResult<unknown>;
}

describe('contract calls over POST /api/<method>', () => {
  it('answers app.info with the browser shell when called with the token and no Origin', async () => {
    const result = json(await callApi(t.host, 'app.info'));
    expect(result).toEqual({
      ok: true,
      value: expect.objectContaining({ name: 'Braid', version: '0.0.0-test', shell: 'browser', platform: process.platform }) as unknown,
    });
  });

  it.each(['127.0.0.1', 'localhost'])('answers a call from our own page at http://%s:<port>', async (name) => {
    const response = await callApi(t.host, 'app.info', undefined, {
      origin: `http://${name}:${t.host.port}`,
      host: `${name}:${t.host.port}`,
    });
    expect(json(response)).toMatchObject({ ok: true, value: { shell: 'browser' } });
  });

  it('does not let responses be cached', async () => {
    const response = await callApi(t.host, 'app.info');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('persists settings.set: settings.get afterwards returns the new value', async () => {
    const origin = t.host.origin;
    const set = json(await callApi(t.host, 'settings.set', { theme: 'dark', reduceMotion: true }, { origin }));
    expect(set).toEqual({ ok: true, value: { theme: 'dark', reduceMotion: true } });

    const get = json(await callApi(t.host, 'settings.get', undefined, { origin }));
    expect(get).toEqual({ ok: true, value: { theme: 'dark', reduceMotion: true } });
    // And the core itself agrees: the value went through to the database.
    await expect(t.core.dispatch('settings.get', undefined)).resolves.toEqual(get);
  });

  it('accepts a body with no input at all for methods without input', async () => {
    expect(json(await callApi(t.host, 'settings.get', undefined, { body: '' }))).toMatchObject({ ok: true });
  });

  it('accepts application/json with a charset', async () => {
    const response = await callApi(t.host, 'app.info', undefined, { contentType: 'application/json; charset=utf-8' });
    expect(json(response)).toMatchObject({ ok: true });
  });
});

describe('guards on contract calls', () => {
  it('refuses a call without the token with 401 and does not run it', async () => {
    const response = await callApi(t.host, 'settings.set', { theme: 'dark' }, { token: null });
    expect(response.status).toBe(401);
    expect(response.body).toMatch(/token/i);
    await expect(t.core.dispatch('settings.get', undefined)).resolves.toMatchObject({ value: { theme: 'system' } });
  });

  it.each([
    ['a wrong token of the same length', (token: string) => `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`],
    ['a truncated token', (token: string) => token.slice(0, 10)],
    ['an empty token', () => ''],
  ])('refuses %s with 401', async (_label, wrong) => {
    const response = await callApi(t.host, 'settings.set', { theme: 'dark' }, { token: wrong(t.host.token) });
    expect(response.status).toBe(401);
    await expect(t.core.dispatch('settings.get', undefined)).resolves.toMatchObject({ value: { theme: 'system' } });
  });

  it.each(['https://evil.example', `http://127.0.0.1:${1}`, 'null'])(
    'refuses a call from the foreign origin %s with 403, even with the right token',
    async (origin) => {
      const response = await callApi(t.host, 'settings.set', { theme: 'dark' }, { origin });
      expect(response.status).toBe(403);
      await expect(t.core.dispatch('settings.get', undefined)).resolves.toMatchObject({ value: { theme: 'system' } });
    },
  );

  it('refuses a DNS-rebound Host with 421, even with the right token', async () => {
    const response = await callApi(t.host, 'settings.set', { theme: 'dark' }, { host: `evil.example:${t.host.port}` });
    expect(response.status).toBe(421);
    await expect(t.core.dispatch('settings.get', undefined)).resolves.toMatchObject({ value: { theme: 'system' } });
  });

  it('refuses a DNS-rebound Host whose page also sends its own Origin with 421', async () => {
    const response = await callApi(t.host, 'app.info', undefined, {
      host: `evil.example:${t.host.port}`,
      origin: `http://evil.example:${t.host.port}`,
    });
    expect(response.status).toBe(421);
  });

  it('refuses a request without a Host header with 421', async () => {
    const response = await callApi(t.host, 'app.info', undefined, { host: null });
    // Node itself answers 400 to HTTP/1.1 without Host; either way the call never runs.
    expect([400, 421]).toContain(response.status);
  });

  it('answers GET on a method with 405', async () => {
    const response = await rawRequest({
      port: t.host.port,
      method: 'GET',
      path: '/api/app.info',
      headers: { 'x-braid-token': t.host.token },
    });
    expect(response.status).toBe(405);
    const bare = await rawRequest({ port: t.host.port, method: 'GET', path: '/api', headers: {} });
    expect(bare.status).toBe(405);
  });

  it('answers a malformed request target with 400, not a server error', async () => {
    const response = await rawRequest({ port: t.host.port, method: 'GET', path: '//', headers: {} });
    expect(response.status).toBe(400);
    expect(t.logs.some((r) => r.level === 'error')).toBe(false);
  });

  it('answers a non-JSON content type with 415', async () => {
    const response = await callApi(t.host, 'settings.set', undefined, {
      contentType: 'text/plain',
      body: JSON.stringify({ input: { theme: 'dark' } }),
    });
    expect(response.status).toBe(415);
    await expect(t.core.dispatch('settings.get', undefined)).resolves.toMatchObject({ value: { theme: 'system' } });
  });

  it('answers a form post (what a cross-site form could send) with 415', async () => {
    const response = await callApi(t.host, 'settings.set', undefined, {
      contentType: 'application/x-www-form-urlencoded',
      body: 'input=1',
    });
    expect(response.status).toBe(415);
  });
});

describe('contract errors over HTTP', () => {
  it.each(['{not json', '[1,2]', '"text"', 'null', '42'])('answers the body %j with input.invalid', async (body) => {
    const result = json(await callApi(t.host, 'settings.set', undefined, { body }));
    expect(result).toMatchObject({ ok: false, error: { code: 'input.invalid' } });
  });

  it('answers an unknown method with method.unknown', async () => {
    const result = json(await callApi(t.host, 'nothing.here'));
    expect(result).toMatchObject({ ok: false, error: { code: 'method.unknown' } });
  });

  it('does not treat inherited object keys as methods', async () => {
    const result = json(await callApi(t.host, 'constructor'));
    expect(result).toMatchObject({ ok: false, error: { code: 'method.unknown' } });
  });

  it('answers input that does not match the schema with input.invalid', async () => {
    const result = json(await callApi(t.host, 'settings.set', { theme: 'purple' }));
    expect(result).toMatchObject({ ok: false, error: { code: 'input.invalid' } });
    const unknownKey = json(await callApi(t.host, 'settings.set', { fontSize: 12 }));
    expect(unknownKey).toMatchObject({ ok: false, error: { code: 'input.invalid' } });
  });

  it('answers a body over 1 MiB with input.invalid and keeps serving afterwards', async () => {
    // Far more than the limit, so the host must refuse it while the client is still sending.
    const padding = 'x'.repeat(8 * 1024 * 1024);
    const big = JSON.stringify({ input: { theme: 'dark' }, padding });
    const result = json(await callApi(t.host, 'settings.set', undefined, { body: big }));
    expect(result).toMatchObject({ ok: false, error: { code: 'input.invalid' } });
    await expect(t.core.dispatch('settings.get', undefined)).resolves.toMatchObject({ value: { theme: 'system' } });

    const after = json(await callApi(t.host, 'app.info'));
    expect(after).toMatchObject({ ok: true, value: { shell: 'browser' } });
  });

  it('accepts a body just under 1 MiB', async () => {
    const body = JSON.stringify({ input: { theme: 'light' }, padding: 'x'.repeat(1024 * 1024 - 100) });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(1024 * 1024);
    const result = json(await callApi(t.host, 'settings.set', undefined, { body }));
    expect(result).toEqual({ ok: true, value: { theme: 'light', reduceMotion: false } });
  });

  it('refuses a method name with broken percent-encoding and keeps serving', async () => {
    const response = await callApi(t.host, '%E0%A4%A');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body) as WireResult<unknown>).toMatchObject({ ok: false, error: { code: 'method.unknown' } });
    const after = json(await callApi(t.host, 'app.info'));
    expect(after).toMatchObject({ ok: true });
  });
});
