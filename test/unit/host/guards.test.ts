import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkRequest, isLoopbackHost, ownOrigins, tokenMatches } from '../../../electron/host/guards';

const PORT = 43123;

function fakeRequest(headers: IncomingHttpHeaders): IncomingMessage {
  return { headers } as IncomingMessage;
}

describe('isLoopbackHost', () => {
  it.each([`127.0.0.1:${PORT}`, `localhost:${PORT}`, `[::1]:${PORT}`, `LOCALHOST:${PORT}`, `LocalHost:${PORT}`])(
    'accepts %s',
    (host) => {
      expect(isLoopbackHost(host, PORT)).toBe(true);
    },
  );

  it.each([
    ['the wrong port', `127.0.0.1:${PORT + 1}`],
    ['localhost on the wrong port', `localhost:80`],
    ['a missing port', '127.0.0.1'],
    ['localhost without a port', 'localhost'],
    ['[::1] without a port', '[::1]'],
    ['a foreign name', `evil.example:${PORT}`],
    ['a name that starts like loopback', `127.0.0.1.evil.example:${PORT}`],
    ['a name that ends like loopback', `evil.localhost:${PORT}`],
    ['another loopback-looking address', `127.0.0.2:${PORT}`],
    ['0.0.0.0', `0.0.0.0:${PORT}`],
    ['userinfo tricks', `evil.example@127.0.0.1:${PORT}`],
    ['an empty port', '127.0.0.1:'],
    ['two ports', `127.0.0.1:${PORT}:${PORT}`],
    ['an empty header', ''],
  ])('refuses %s', (_label, host) => {
    expect(isLoopbackHost(host, PORT)).toBe(false);
  });

  it('refuses a missing Host header', () => {
    expect(isLoopbackHost(undefined, PORT)).toBe(false);
  });
});

describe('ownOrigins', () => {
  it('lists exactly the loopback origins on the port', () => {
    expect([...ownOrigins(PORT)].sort()).toEqual(
      [`http://127.0.0.1:${PORT}`, `http://localhost:${PORT}`, `http://[::1]:${PORT}`].sort(),
    );
  });
});

describe('tokenMatches', () => {
  const token = 'a'.repeat(43);

  it('accepts the exact token', () => {
    expect(tokenMatches(token, token)).toBe(true);
  });

  it('refuses a token of the same length that differs', () => {
    expect(tokenMatches(`${'a'.repeat(42)}b`, token)).toBe(false);
  });

  it('refuses prefixes, extensions and the empty string without throwing on the length difference', () => {
    // timingSafeEqual throws on buffers of different lengths; tokenMatches must check first.
    expect(tokenMatches(token.slice(0, -1), token)).toBe(false);
    expect(tokenMatches(`${token}a`, token)).toBe(false);
    expect(tokenMatches('', token)).toBe(false);
  });

  it('refuses null and undefined', () => {
    expect(tokenMatches(null, token)).toBe(false);
    expect(tokenMatches(undefined, token)).toBe(false);
  });

  it('compares bytes, not characters', () => {
    // Same number of UTF-16 units as the token, different byte length.
    expect(tokenMatches(`${'a'.repeat(42)}é`, token)).toBe(false);
  });
});

describe('checkRequest', () => {
  const host = `127.0.0.1:${PORT}`;

  it('lets a loopback request without Origin through when Origin is optional', () => {
    expect(checkRequest(fakeRequest({ host }), PORT, false)).toBeNull();
  });

  it('refuses a request without Origin when Origin is required (WebSockets)', () => {
    expect(checkRequest(fakeRequest({ host }), PORT, true)).toMatchObject({ status: 403 });
  });

  it.each([`http://127.0.0.1:${PORT}`, `http://localhost:${PORT}`, `http://[::1]:${PORT}`])(
    'accepts our own origin %s whether or not it is required',
    (origin) => {
      expect(checkRequest(fakeRequest({ host, origin }), PORT, false)).toBeNull();
      expect(checkRequest(fakeRequest({ host, origin }), PORT, true)).toBeNull();
    },
  );

  it.each([
    'https://evil.example',
    `http://127.0.0.1:${PORT + 1}`,
    `https://127.0.0.1:${PORT}`,
    `http://127.0.0.1.evil.example:${PORT}`,
    'null',
    '',
  ])('refuses the foreign origin %j with 403 in both modes', (origin) => {
    expect(checkRequest(fakeRequest({ host, origin }), PORT, false)).toMatchObject({ status: 403 });
    expect(checkRequest(fakeRequest({ host, origin }), PORT, true)).toMatchObject({ status: 403 });
  });

  it('refuses a non-loopback Host with 421 before looking at the Origin', () => {
    const failure = checkRequest(fakeRequest({ host: `evil.example:${PORT}`, origin: `http://127.0.0.1:${PORT}` }), PORT, false);
    expect(failure).toMatchObject({ status: 421 });
    expect(failure?.message).toMatch(/127\.0\.0\.1|localhost/);
  });

  it('refuses a request without Host with 421', () => {
    expect(checkRequest(fakeRequest({}), PORT, false)).toMatchObject({ status: 421 });
  });
});
