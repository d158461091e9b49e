import { describe, expect, it, vi } from 'vitest';
import { openExternalSafe } from '../../../electron/main/external';
import { hardenWebContents } from '../../../electron/main/navigation';
import { fakeWebContents, recordingLogger } from './fakes';

function setup(openExternal = vi.fn<(url: string) => Promise<boolean>>(() => Promise.resolve(true))) {
  const contents = fakeWebContents();
  const { log, records } = recordingLogger();
  hardenWebContents(contents, openExternal, log);
  return { contents, openExternal, records };
}

describe('hardenWebContents', () => {
  it.each([
    'https://evil.example/phish',
    'braid://app/index.html',
    'http://localhost:5173/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'not a url',
  ])('prevents navigation to %s', (url) => {
    const { contents, openExternal } = setup();
    expect(contents.navigate).toHaveLength(1);
    expect(contents.navigateTo(url)).toBe(true);
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('logs where a blocked navigation went, without its query or fragment', () => {
    const { contents, records } = setup();
    contents.navigateTo('https://evil.example/callback?code=SECRET-CODE-123#access_token=abc');
    const line = records.find((r) => r.scope === 'navigation');
    expect(line?.level).toBe('warn');
    expect(line?.message).toContain('https://evil.example/callback');
    expect(line?.message).not.toContain('SECRET-CODE-123');
    expect(line?.message).not.toContain('access_token');
    expect(line?.message).not.toContain('?');
  });

  it('logs an unparseable navigation target without echoing it', () => {
    const { contents, records } = setup();
    contents.navigateTo('::garbage?token=xyz::');
    const line = records.find((r) => r.scope === 'navigation');
    expect(line?.message).toContain('unparseable');
    expect(line?.message).not.toContain('xyz');
  });

  it('prevents attaching a webview', () => {
    const { contents } = setup();
    expect(contents.attach).toHaveLength(1);
    expect(contents.attachWebview()).toBe(true);
  });

  it.each(['https://mastodon.social/@braid', 'http://example.com/', 'file:///etc/passwd', 'about:blank', ''])(
    'denies window.open(%j) and hands the URL to openExternal',
    (url) => {
      const { contents, openExternal } = setup();
      expect(contents.windowOpen(url)).toEqual({ action: 'deny' });
      expect(openExternal).toHaveBeenCalledWith(url);
    },
  );

  it('together with openExternalSafe opens only http(s) links in the system browser', async () => {
    const shell = { openExternal: vi.fn<(url: string) => Promise<void>>(() => Promise.resolve()) };
    const opened: Promise<boolean>[] = [];
    const openExternal = (url: string) => {
      const result = openExternalSafe(shell, url);
      opened.push(result);
      return result;
    };
    const { contents } = setup(vi.fn(openExternal));
    for (const url of ['https://a.example/x', 'http://b.example/', 'file:///etc/passwd', 'smb://c/share', 'javascript:void 0']) {
      expect(contents.windowOpen(url)).toEqual({ action: 'deny' });
    }
    await expect(Promise.all(opened)).resolves.toEqual([true, true, false, false, false]);
    expect(shell.openExternal.mock.calls).toEqual([['https://a.example/x'], ['http://b.example/']]);
  });

  it('still denies, and logs, when opening externally fails', async () => {
    let failed!: Promise<unknown>;
    const openExternal = vi.fn<(url: string) => Promise<boolean>>(() => {
      failed = Promise.reject(new Error('no default browser'));
      return failed as Promise<boolean>;
    });
    const { contents, records } = setup(openExternal);
    expect(contents.windowOpen('https://example.com/')).toEqual({ action: 'deny' });
    await expect(failed).rejects.toThrow('no default browser');
    // The handler's .catch runs after the rejection settles; wait for the log line it writes.
    await vi.waitFor(() => {
      expect(records.some((r) => r.level === 'warn' && r.message.includes('no default browser'))).toBe(true);
    });
  });
});

describe('hardenWebContents with self-navigating contents (sign-in windows)', () => {
  it('leaves navigation of registered contents to their own handler, deciding when the navigation happens', () => {
    const { log, records } = recordingLogger();
    const openExternal = vi.fn<(url: string) => Promise<boolean>>(() => Promise.resolve(true));
    const selfNavigating = new WeakSet<object>();
    const main = fakeWebContents();
    const signIn = fakeWebContents();
    hardenWebContents(main, openExternal, log, selfNavigating);
    hardenWebContents(signIn, openExternal, log, selfNavigating);

    // Not registered yet (Electron hardens inside the BrowserWindow constructor): blocked.
    expect(signIn.navigateTo('https://threads.example/login')).toBe(true);
    selfNavigating.add(signIn);
    expect(signIn.navigateTo('https://threads.example/login')).toBe(false);
    // Not even file: is refused here: the sign-in window's own handler does that (auth-window.test.ts).
    expect(signIn.navigateTo('file:///etc/passwd')).toBe(false);

    // Everything else stays as hard as for Braid's own window.
    expect(main.navigateTo('https://threads.example/login')).toBe(true);
    expect(signIn.attachWebview()).toBe(true);
    expect(signIn.windowOpen('https://threads.example/')).toEqual({ action: 'deny' });
    expect(records.filter((r) => r.scope === 'navigation' && r.message.startsWith('blocked'))).toHaveLength(2);
  });
});
