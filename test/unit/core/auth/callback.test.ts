import { describe, expect, it } from 'vitest';
import { readCallback } from '../../../../electron/core/auth/callback';

const STATE = 'expected-state-value';

describe('reading a sign-in answer', () => {
  it('takes the code from the address the browser landed on, ignoring Meta\'s #_', () => {
    expect(readCallback(`https://braid.example/cb?code=abc123&state=${STATE}#_`, STATE, 'Threads', false)).toEqual({ code: 'abc123' });
    expect(readCallback(`  ?code=abc123&state=${STATE}  `, STATE, 'Threads', true)).toEqual({ code: 'abc123' });
  });

  it('takes a bare code only from the user\'s own paste', () => {
    expect(readCallback('AbC-123_xyz#_', STATE, 'mastodon.social', true)).toEqual({ code: 'AbC-123_xyz' });
    expect(() => readCallback('AbC-123_xyz', STATE, 'mastodon.social', false)).toThrow(expect.objectContaining({ code: 'link.code-rejected' }));
    expect(() => readCallback('not a code!', STATE, 'mastodon.social', true)).toThrow(expect.objectContaining({ code: 'link.code-rejected' }));
  });

  it('rejects an address with another state, or none', () => {
    for (const input of ['https://x.example/cb?code=abc&state=other', 'https://x.example/cb?code=abc']) {
      expect(() => readCallback(input, STATE, 'x.example', true)).toThrow(expect.objectContaining({ code: 'link.state-mismatch' }));
    }
  });

  it('explains Deny and other errors the server sent back', () => {
    expect(() => readCallback(`https://x.example/cb?error=access_denied&state=${STATE}`, STATE, 'x.example', false)).toThrow(
      expect.objectContaining({ code: 'link.denied', message: expect.stringContaining('chose not to give Braid access to x.example') as string }),
    );
    expect(() => readCallback(`https://x.example/cb?error=server_error&error_description=Boom&state=${STATE}`, STATE, 'x.example', false)).toThrow(
      expect.objectContaining({ code: 'link.code-rejected', message: expect.stringContaining('Boom') as string }),
    );
    expect(() => readCallback(`https://x.example/cb?state=${STATE}`, STATE, 'x.example', false)).toThrow(expect.objectContaining({ code: 'link.code-rejected' }));
  });
});
