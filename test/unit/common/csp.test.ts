import { describe, expect, it } from 'vitest';
import { buildCsp, securityHeaders } from '../../../electron/common/csp';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
}

describe('buildCsp', () => {
  it('starts from default-src none and allows scripts only from the app', () => {
    const csp = buildCsp();
    expect(csp).toMatch(/^default-src 'none'/);
    const map = directives(csp);
    expect(map.get('script-src')).toEqual(["'self'"]);
    expect(map.get('style-src')).toEqual(["'self'"]);
    expect(map.get('connect-src')).toEqual(["'self'"]);
    expect(map.get('object-src')).toEqual(["'none'"]);
    expect(map.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('unsafe-inline');
  });

  it('allows remote images and media over https, and plain http only from the loopback sandbox', () => {
    const map = directives(buildCsp());
    for (const name of ['img-src', 'media-src']) {
      const sources = map.get(name) ?? [];
      expect(sources, name).toContain('https:');
      expect(sources, name).not.toContain('http:');
      const plainHttp = sources.filter((source) => source.startsWith('http:') || source.startsWith('http://'));
      expect(plainHttp, name).toEqual(['http://127.0.0.1:*', 'http://localhost:*']);
    }
    // The sandbox's http origins open media only, never scripts, styles or connections.
    for (const name of ['script-src', 'style-src', 'connect-src', 'font-src', 'default-src']) {
      expect(map.get(name)?.some((source) => source.startsWith('http')), name).toBe(false);
    }
  });

  it('adds extra connect origins after self', () => {
    const map = directives(buildCsp({ connect: ['ws://127.0.0.1:4000', 'ws://localhost:4000'] }));
    expect(map.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:4000', 'ws://localhost:4000']);
  });

  it('allows inline styles only in dev', () => {
    expect(directives(buildCsp({ dev: true })).get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directives(buildCsp({ dev: true })).get('script-src')).toEqual(["'self'"]);
  });
});

describe('securityHeaders', () => {
  it('carries the CSP and the hardening headers', () => {
    expect(securityHeaders('default-src x')).toEqual({
      'Content-Security-Policy': 'default-src x',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
  });
});
