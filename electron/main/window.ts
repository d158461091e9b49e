import type { BrowserWindowConstructorOptions } from 'electron';

/** What every Braid window runs with: sandboxed, isolated, no Node in the page, no webviews. */
export const HARDENED_WEB_PREFERENCES = {
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
} as const satisfies BrowserWindowConstructorOptions['webPreferences'];

/**
 * Options for the main Braid window: sandboxed, isolated, no Node in the page, and a bundled
 * preload that exposes only the contract.
 */
export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    title: 'Braid',
    show: false,
    backgroundColor: '#1b1d22',
    autoHideMenuBar: true,
    webPreferences: {
      ...HARDENED_WEB_PREFERENCES,
      preload: preloadPath,
      spellcheck: true,
    },
  };
}
