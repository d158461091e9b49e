import { describe, expect, it, vi } from 'vitest';
import { openExternalSafe } from '../../../electron/main/external';

function fakeShell() {
  return { openExternal: vi.fn<(url: string) => Promise<void>>(() => Promise.resolve()) };
}

describe('openExternalSafe', () => {
  it.each([
    ['https://mastodon.social/@braid/1234', 'https://mastodon.social/@braid/1234'],
    ['http://example.com', 'http://example.com/'],
    ['HTTPS://Example.COM:443/a/../b?q=1#frag', 'https://example.com/b?q=1#frag'],
    ['https://exämple.com/', 'https://xn--exmple-cua.com/'],
  ])('opens %s as its normalized href', async (raw, href) => {
    const shell = fakeShell();
    await expect(openExternalSafe(shell, raw)).resolves.toBe(true);
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
    expect(shell.openExternal).toHaveBeenCalledWith(href);
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'JavaScript:alert(document.cookie)',
    'smb://attacker.example/share',
    'ms-msdt:/id PCWDiagnostic',
    'vscode://file/etc/passwd',
    'braid://app/index.html',
    'data:text/html,<script>alert(1)</script>',
    'mailto:someone@example.com',
    'ftp://example.com/file',
    'https://user:secret@example.com/',
    'https://user@example.com/',
    'http://:pass@example.com/',
    'not a url',
    '',
    '//example.com/no-scheme',
    'https://',
  ])('refuses %j and opens nothing', async (raw) => {
    const shell = fakeShell();
    await expect(openExternalSafe(shell, raw)).resolves.toBe(false);
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it.each([undefined, null, 42, {}, { href: 'https://example.com/' }, new URL('https://example.com/'), ['https://example.com/']])(
    'refuses a non-string (%j)',
    async (raw) => {
      const shell = fakeShell();
      await expect(openExternalSafe(shell, raw)).resolves.toBe(false);
      expect(shell.openExternal).not.toHaveBeenCalled();
    },
  );

  it('passes a failure of the OS handler on to the caller', async () => {
    const shell = { openExternal: vi.fn<(url: string) => Promise<void>>(() => Promise.reject(new Error('no browser'))) };
    await expect(openExternalSafe(shell, 'https://example.com/')).rejects.toThrow('no browser');
  });
});
