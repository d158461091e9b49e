import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir } from '../../../electron/common/data-dir';

const home = homedir();

describe('defaultDataDir', () => {
  describe('on Linux', () => {
    it('uses $XDG_CONFIG_HOME/Braid when it is set', () => {
      expect(defaultDataDir({ XDG_CONFIG_HOME: '/srv/config' }, 'linux')).toBe(join('/srv/config', 'Braid'));
    });

    it('falls back to ~/.config/Braid', () => {
      expect(defaultDataDir({}, 'linux')).toBe(join(home, '.config', 'Braid'));
    });

    it('treats an empty XDG_CONFIG_HOME as unset instead of using the current folder', () => {
      expect(defaultDataDir({ XDG_CONFIG_HOME: '' }, 'linux')).toBe(join(home, '.config', 'Braid'));
    });

    it('uses the same rule on other Unix-likes', () => {
      expect(defaultDataDir({}, 'freebsd')).toBe(join(home, '.config', 'Braid'));
    });
  });

  describe('on macOS', () => {
    it('uses ~/Library/Application Support/Braid and ignores XDG_CONFIG_HOME', () => {
      expect(defaultDataDir({ XDG_CONFIG_HOME: '/srv/config' }, 'darwin')).toBe(
        join(home, 'Library', 'Application Support', 'Braid'),
      );
    });
  });

  describe('on Windows', () => {
    it('uses %APPDATA%\\Braid', () => {
      const appData = join('C:', 'Users', 'someone', 'AppData', 'Roaming');
      expect(defaultDataDir({ APPDATA: appData }, 'win32')).toBe(join(appData, 'Braid'));
    });

    it('falls back to the roaming folder in the home directory without APPDATA', () => {
      expect(defaultDataDir({}, 'win32')).toBe(join(home, 'AppData', 'Roaming', 'Braid'));
      expect(defaultDataDir({ APPDATA: '' }, 'win32')).toBe(join(home, 'AppData', 'Roaming', 'Braid'));
    });
  });

  describe('BRAID_DATA_DIR', () => {
    it.each(['linux', 'darwin', 'win32'] as const)('overrides the default on %s', (platform) => {
      expect(
        defaultDataDir({ BRAID_DATA_DIR: '/tmp/braid-profile', XDG_CONFIG_HOME: '/srv/config', APPDATA: '/srv/appdata' }, platform),
      ).toBe('/tmp/braid-profile');
    });

    it('is ignored when empty', () => {
      expect(defaultDataDir({ BRAID_DATA_DIR: '' }, 'linux')).toBe(join(home, '.config', 'Braid'));
    });
  });

  it('reads process.env and process.platform by default', () => {
    expect(defaultDataDir()).toBe(defaultDataDir(process.env, process.platform));
  });
});
