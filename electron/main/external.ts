export interface ShellLike {
  openExternal(url: string): Promise<void>;
}

/**
 * The only way Braid opens anything outside itself: parsed with `new URL` and limited to
 * http(s), so a post can never make the OS run `file:`, `smb:` or a custom-scheme handler.
 * Resolves false (and opens nothing) for anything else.
 */
export async function openExternalSafe(shell: ShellLike, raw: unknown): Promise<boolean> {
  if (typeof raw !== 'string') return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.username || url.password) return false;
  await shell.openExternal(url.href);
  return true;
}
