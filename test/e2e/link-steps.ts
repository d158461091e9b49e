/**
 * Linking the sandbox's demo accounts through the link dialog, as a person does: in the browser
 * host the sign-in page opens in a new tab that is filled in like a person would; under
 * _electron it opens in the system browser, which Playwright cannot drive, so there the same
 * pages are answered by a scripted browser and the code pasted back.
 */
import type { Locator, Page } from '@playwright/test';
import { DEMO_PASSWORD, DEMO_USERNAME, type Sandbox } from '../sandbox/index.ts';
import { answerMastodon, answerThreads, visit } from '../sandbox/sign-in-pages.ts';
import { expect, screenshotPath, type BraidApp } from './fixtures';

export interface SignInAs {
  username: string;
  password: string;
}

export const demo: SignInAs = { username: DEMO_USERNAME, password: DEMO_PASSWORD };

export function linkDialog(page: Page): Locator {
  return page.getByRole('dialog');
}

export async function openLinkDialog(page: Page): Promise<Locator> {
  await page.getByTestId('link-account-sidebar').click();
  const dialog = linkDialog(page);
  await expect(dialog.getByRole('heading', { name: 'Link an account' })).toBeVisible();
  return dialog;
}

/** Fills in a sandbox server's own login page, then Authorize/Allow (or Deny/Cancel) on its consent page. */
export async function answerInTab(tab: Page, network: 'mastodon' | 'threads', deny = false, who: SignInAs = demo): Promise<void> {
  await tab.waitForLoadState();
  await tab.getByLabel(network === 'mastodon' ? 'Username or e-mail' : 'Username').fill(who.username);
  await tab.getByLabel('Password').fill(who.password);
  await tab.getByRole('button', { name: 'Log in' }).click();
  const button = network === 'mastodon' ? (deny ? 'Deny' : 'Authorize') : deny ? 'Cancel' : 'Allow';
  await tab.getByRole('button', { name: button }).click();
}

/** Presses Continue and signs in on the server's own pages, in a real tab where the shell allows it. */
export async function continueAndSignIn(app: BraidApp, dialog: Locator, network: 'mastodon' | 'threads', who: SignInAs = demo): Promise<void> {
  if (app.shell === 'host') {
    const tab = app.page.context().waitForEvent('page');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    const signIn = await tab;
    await answerInTab(signIn, network, false, who);
    await expect(signIn.getByText('You can close this tab')).toBeVisible();
    await signIn.screenshot({ path: screenshotPath(`linking-${network}-done-tab`) });
    await signIn.close();
    return;
  }
  await dialog.getByRole('button', { name: 'Continue' }).click();
  const authorizeUrl = (await dialog.getByRole('link', { name: 'Open the sign-in page again' }).getAttribute('href')) ?? '';
  if (network === 'mastodon') {
    const { oobCode } = await answerMastodon(authorizeUrl, who);
    await dialog.getByLabel('Code or address').fill(oobCode ?? '');
    await dialog.getByRole('button', { name: 'Finish linking' }).click();
  } else {
    await visit(await answerThreads(authorizeUrl, who));
  }
}

export async function linkMastodon(app: BraidApp, sandbox: Sandbox): Promise<void> {
  const dialog = await openLinkDialog(app.page);
  await dialog.getByRole('button', { name: 'Mastodon', exact: true }).click();
  await dialog.getByLabel('Mastodon server or handle').fill(`@${DEMO_USERNAME}@${sandbox.mastodon.host}`);
  // The system browser cannot be driven under _electron: take the code-paste path there.
  if (app.shell === 'electron') await dialog.getByRole('checkbox').check();
  await continueAndSignIn(app, dialog, 'mastodon');
  await expect(dialog.getByRole('heading', { name: `Linked @${DEMO_USERNAME}@${sandbox.mastodon.host}` })).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
}

export async function linkThreads(app: BraidApp, who: SignInAs = demo): Promise<void> {
  const dialog = await openLinkDialog(app.page);
  await dialog.getByRole('button', { name: 'Threads', exact: true }).click();
  await dialog.getByRole('radio', { name: /^Braid sandbox/ }).check();
  await continueAndSignIn(app, dialog, 'threads', who);
  await expect(dialog.getByRole('heading', { name: `Linked @${who.username}` })).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();
}

