import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, protocol, session, shell } from 'electron';
import { KeytarSecretStore } from '../core/secrets/keytar-store';
import { startMain } from './app';

const here = import.meta.dirname;

// Tests and second profiles point Braid at another data folder; must happen before 'ready'.
if (process.env.BRAID_DATA_DIR) app.setPath('userData', process.env.BRAID_DATA_DIR);

const { ready } = startMain(
  { app, BrowserWindow, ipcMain, protocol, session, shell },
  {
    preloadPath: join(here, '../preload/index.cjs'),
    rendererDir: join(here, '../renderer'),
    ...(process.env.ELECTRON_RENDERER_URL ? { devServerUrl: process.env.ELECTRON_RENDERER_URL } : {}),
    // A second profile (or a test) keeps its tokens under its own keychain service name.
    secrets: new KeytarSecretStore(process.env.BRAID_KEYCHAIN_SERVICE || undefined),
    // Where the "Braid sandbox" preset finds the sandbox's Threads-like server (npm run sandbox).
    ...(process.env.BRAID_SANDBOX_THREADS ? { sandboxThreadsUrl: process.env.BRAID_SANDBOX_THREADS } : {}),
    ...(process.env.BRAID_SANDBOX_MASTODON ? { sandboxMastodonUrl: process.env.BRAID_SANDBOX_MASTODON } : {}),
  },
);

ready.catch((error: unknown) => {
  console.error('Braid could not start:', error instanceof Error ? error.message : error);
  app.quit();
});
