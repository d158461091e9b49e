import { describe, expect, it } from 'vitest';
import { APP_URL, isTrustedFrame, originOf, trustedOrigins, type FrameLike } from '../../../electron/main/trust';

const top = (url: string): FrameLike => ({ url, parent: null });

describe('originOf', () => {
  it('gives scheme://host for braid:, where URL.origin is "null"', () => {
    expect(new URL('braid://app/index.html').origin).toBe('null');
    expect(originOf('braid://app/index.html')).toBe('braid://app');
    expect(originOf(APP_URL)).toBe('braid://app');
  });

  it('matches URL.origin for http(s), default ports dropped', () => {
    expect(originOf('http://localhost:5173/src/main.ts?x=1')).toBe('http://localhost:5173');
    expect(originOf('https://example.com:443/a')).toBe('https://example.com');
  });

  it('is null for something that is not a URL', () => {
    expect(originOf('not a url')).toBeNull();
    expect(originOf('')).toBeNull();
  });
});

describe('isTrustedFrame', () => {
  const origins = trustedOrigins();

  it('accepts the top frame of the app', () => {
    expect(isTrustedFrame(top(APP_URL), origins)).toBe(true);
    expect(isTrustedFrame(top('braid://app/settings?tab=1#x'), origins)).toBe(true);
  });

  it('refuses a subframe, even one served by the app', () => {
    const parent = top(APP_URL);
    expect(isTrustedFrame({ url: 'braid://app/index.html', parent }, origins)).toBe(false);
  });

  it('refuses other origins at the top', () => {
    expect(isTrustedFrame(top('https://evil.example/index.html'), origins)).toBe(false);
    expect(isTrustedFrame(top('file:///opt/Braid/resources/app/out/renderer/index.html'), origins)).toBe(false);
    expect(isTrustedFrame(top('braid://evil/index.html'), origins)).toBe(false);
    expect(isTrustedFrame(top('braid://app.evil.example/index.html'), origins)).toBe(false);
    expect(isTrustedFrame(top('about:blank'), origins)).toBe(false);
    expect(isTrustedFrame(top('data:text/html,<h1>hi</h1>'), origins)).toBe(false);
  });

  it('refuses a missing frame and an unparseable URL', () => {
    expect(isTrustedFrame(null, origins)).toBe(false);
    expect(isTrustedFrame(undefined, origins)).toBe(false);
    expect(isTrustedFrame(top('::not a url::'), origins)).toBe(false);
    expect(isTrustedFrame(top(''), origins)).toBe(false);
  });

  it('trusts the dev server origin only when a dev server URL is given', () => {
    const devPage = top('http://localhost:5173/index.html');
    expect(isTrustedFrame(devPage, trustedOrigins())).toBe(false);
    expect(isTrustedFrame(devPage, trustedOrigins(undefined))).toBe(false);
    expect(isTrustedFrame(devPage, trustedOrigins(''))).toBe(false);

    const dev = trustedOrigins('http://localhost:5173/');
    expect(isTrustedFrame(devPage, dev)).toBe(true);
    expect(isTrustedFrame(top(APP_URL), dev)).toBe(true);
    // Same host, another port, is another origin.
    expect(isTrustedFrame(top('http://localhost:5174/index.html'), dev)).toBe(false);
    expect(isTrustedFrame({ url: 'http://localhost:5173/index.html', parent: devPage }, dev)).toBe(false);
  });

  it('trusts only the app origin by default', () => {
    expect([...trustedOrigins()]).toEqual(['braid://app']);
    expect([...trustedOrigins('http://localhost:5173')].sort()).toEqual(['braid://app', 'http://localhost:5173']);
    expect([...trustedOrigins('garbage')]).toEqual(['braid://app']);
  });
});
