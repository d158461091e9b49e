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
    secrets: new KeytarSecretStore(),
  },
);

ready.catch((error: unknown) => {
  console.error('Braid could not start:', error instanceof Error ? error.message : error);
  app.quit();
});
