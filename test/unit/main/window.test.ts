import { describe, expect, it } from 'vitest';
import { mainWindowOptions } from '../../../electron/main/window';

describe('mainWindowOptions', () => {
  const preload = '/opt/Braid/resources/app/out/preload/index.cjs';
  const prefs = mainWindowOptions(preload).webPreferences;

  it('passes the bundled preload through unchanged', () => {
    expect(prefs?.preload).toBe(preload);
  });

  it('runs the page sandboxed and isolated from the preload', () => {
    expect(prefs?.sandbox).toBe(true);
    expect(prefs?.contextIsolation).toBe(true);
  });

  it('gives no Node to the page, its workers or its subframes', () => {
    expect(prefs?.nodeIntegration).toBe(false);
    expect(prefs?.nodeIntegrationInWorker).toBe(false);
    expect(prefs?.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on and refuses webviews and insecure content', () => {
    expect(prefs?.webSecurity).toBe(true);
    expect(prefs?.allowRunningInsecureContent).toBe(false);
    expect(prefs?.webviewTag).toBe(false);
    expect(prefs?.experimentalFeatures).toBe(false);
    expect(prefs?.navigateOnDragDrop).toBe(false);
  });

  it('stays hidden until the page is ready to show', () => {
    expect(mainWindowOptions(preload).show).toBe(false);
  });

  it('returns a fresh object each time, so one window cannot weaken another', () => {
    const first = mainWindowOptions(preload);
    const second = mainWindowOptions(preload);
    expect(first).not.toBe(second);
    expect(first.webPreferences).not.toBe(second.webPreferences);
  });
});
