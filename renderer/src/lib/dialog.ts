/**
 * Focus around a dialog: what opened it gets the focus back when it closes, or a fixed place
 * when that is gone or hidden (a row that changed, a menu that closed).
 */

/** What has focus now, to give it back later; null on <body> (after a keyboard shortcut), so the fallback takes it. */
export function focusedElement(): HTMLElement | null {
  const active = document.activeElement;
  return active instanceof HTMLElement && active !== document.body ? active : null;
}

/** Focus on `opener` if it is still on the page and visible, else on the element `fallback` selects. */
export function focusBack(opener: HTMLElement | null, fallback: string): void {
  const back = opener?.isConnected && opener.checkVisibility() ? opener : document.querySelector<HTMLElement>(fallback);
  back?.focus();
}
