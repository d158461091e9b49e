import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The folder Electron's `app.getPath('userData')` gives Braid on each OS, so the desktop app and
 * the browser host (`npm run web`) read the same cache and settings.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.BRAID_DATA_DIR) return env.BRAID_DATA_DIR;
  const home = homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Braid');
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Braid');
  // An empty XDG_CONFIG_HOME counts as unset (as in Electron), not as the current folder.
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'Braid');
}
