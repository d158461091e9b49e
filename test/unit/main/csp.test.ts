import { describe, expect, it } from 'vitest';
import { buildCsp, securityHeaders } from '../../../electron/common/csp';

/** Parses a policy into directive -> sources, failing on a directive given twice. */
function parse(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (!name) continue;
    if (directives.has(name)) throw new Error(`directive ${name} appears twice`);
    directives.set(name, sources);
  }
  return directives;
}

describe('buildCsp', () => {
  const production = parse(buildCsp());

  it("starts from default-src 'none'", () => {
    expect(buildCsp().startsWith("default-src 'none'")).toBe(true);
    expect(production.get('default-src')).toEqual(["'none'"]);
  });

  it('runs only scripts of the app itself: no inline script, no eval', () => {
    expect(production.get('script-src')).toEqual(["'self'"]);
    expect(buildCsp()).not.toContain('unsafe-inline');
    expect(buildCsp()).not.toContain('unsafe-eval');
  });

  it('loads remote images over https, data: and blob:, never plain http from the network', () => {
    const img = production.get('img-src');
    expect(img).toEqual(expect.arrayContaining(['https:', 'data:', 'blob:']));
    expect(img).not.toContain('http:');
    expect(img).not.toContain('*');
    expect(img).not.toContain('http://*');
    expect(production.get('media-src')).not.toContain('http:');
  });

  it('loads images and media over plain http from the loopback sandbox servers, and nothing else from them', () => {
    // test/sandbox serves avatars and media at e.g. http://127.0.0.1:4200/media/…
    expect(production.get('img-src')).toEqual(["'self'", 'https:', 'data:', 'blob:', 'http://127.0.0.1:*', 'http://localhost:*']);
    expect(production.get('media-src')).toEqual(["'self'", 'https:', 'blob:', 'http://127.0.0.1:*', 'http://localhost:*']);
    expect(production.get('connect-src')).not.toContain('http://127.0.0.1:*');
    expect(production.get('script-src')).not.toContain('http://127.0.0.1:*');
  });

  it('locks plugins, <base>, form posts and framing', () => {
    expect(production.get('object-src')).toEqual(["'none'"]);
    expect(production.get('base-uri')).toEqual(["'none'"]);
    expect(production.get('form-action')).toEqual(["'none'"]);
    expect(production.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it("lets the page connect only to itself unless told otherwise", () => {
    expect(production.get('connect-src')).toEqual(["'self'"]);
  });

  it('appends extra connect origins after self', () => {
    const policy = parse(buildCsp({ connect: ['ws://127.0.0.1:41234', 'http://127.0.0.1:41234'] }));
    expect(policy.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:41234', 'http://127.0.0.1:41234']);
    // The extras go to connect-src only.
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('img-src')).not.toContain('ws://127.0.0.1:41234');
  });

  it("in dev mode adds 'unsafe-inline' to style-src and nowhere else", () => {
    const dev = parse(buildCsp({ dev: true }));
    expect(dev.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(production.get('style-src')).toEqual(["'self'"]);
    for (const [name, sources] of dev) {
      if (name !== 'style-src') expect(sources, name).not.toContain("'unsafe-inline'");
      expect(sources, name).not.toContain("'unsafe-eval'");
    }
    expect(dev.get('script-src')).toEqual(["'self'"]);
  });
});

describe('securityHeaders', () => {
  it('carries the given policy and the other hardening headers', () => {
    const csp = buildCsp();
    const headers = securityHeaders(csp);
    expect(headers['Content-Security-Policy']).toBe(csp);
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Referrer-Policy']).toBe('no-referrer');
    expect(headers['Cross-Origin-Opener-Policy']).toBe('same-origin');
    expect(headers['Cross-Origin-Resource-Policy']).toBe('same-origin');
  });
});
