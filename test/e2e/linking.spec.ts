/**
 * Linking both sandbox accounts the way a person does: the real renderer, the real core, the
 * sandbox servers' real login and consent pages, the real keychain.
 *
 * In the browser host the sign-in page opens in a new tab, which this spec fills in like a
 * person. Under _electron the page opens in the system browser, which Playwright cannot drive, so
 * there the same pages are answered by a scripted browser and the code pasted back.
 */
import type { Locator, Page } from '@playwright/test';
import { DEMO_USERNAME } from '../sandbox/index.ts';
import { answerThreads, visit } from '../sandbox/sign-in-pages.ts';
import { expect, screenshotPath, test } from './fixtures';
import { readKeychain } from './keychain';
import { answerInTab, demo, linkDialog, linkMastodon, linkThreads, openLinkDialog } from './link-steps';

function accountRow(page: Page, network: 'mastodon' | 'threads'): Locator {
  return page.getByRole('region', { name: 'Accounts' }).locator(`[data-network="${network}"]`);
}

test.describe('linking accounts', () => {
  test('links both sandbox accounts, keeps them across a restart, and unlinking revokes the token', async ({ app, sandbox }) => {
    const { page } = app;
    await linkMastodon(app, sandbox);
    await linkThreads(app);

    const mastodonRow = accountRow(page, 'mastodon');
    const threadsRow = accountRow(page, 'threads');
    await expect(mastodonRow).toContainText(`@${DEMO_USERNAME}@${sandbox.mastodon.host}`);
    await expect(mastodonRow).toContainText('Braid Demo');
    await expect(threadsRow).toContainText(`@${DEMO_USERNAME}`);
    await page.screenshot({ path: screenshotPath('linking-both-linked') });

    // Tokens are in the real keychain, and nowhere the page can see.
    const keychain = await readKeychain(app.keychainService);
    const tokens = [...keychain].filter(([key]) => key.endsWith(':token')).map(([, value]) => value);
    expect(tokens).toHaveLength(2);
    const html = await page.content();
    for (const token of tokens) expect(html).not.toContain(token);

    // A restart reads the tokens back from the keychain and checks them with both servers.
    await app.restart();
    await expect(accountRow(app.page, 'mastodon')).toHaveAttribute('data-status', 'ok');
    await expect(accountRow(app.page, 'threads')).toHaveAttribute('data-status', 'ok');
    await expect(app.page.getByTestId('linked-timeline')).toBeVisible();

    // Unlink Mastodon: its token stops working on the server.
    const mastodonId = await accountRow(app.page, 'mastodon').getAttribute('data-account-id');
    const tokenBefore = (await readKeychain(app.keychainService)).get(`account:${mastodonId ?? ''}:token`);
    expect(tokens).toContain(tokenBefore);
    await accountRow(app.page, 'mastodon').getByRole('button', { name: /^Account options/ }).click();
    await app.page.getByRole('button', { name: 'Unlink', exact: true }).click();
    const confirm = app.page.getByRole('dialog', { name: /^Unlink @/ });
    await confirm.getByRole('button', { name: 'Unlink' }).click();
    await expect(app.page.getByTestId('notices')).toContainText("has revoked Braid's access");
    await expect(accountRow(app.page, 'mastodon')).toHaveCount(0);
    await expect(accountRow(app.page, 'threads')).toHaveCount(1);

    const check = await fetch(`${sandbox.mastodon.origin}/api/v1/accounts/verify_credentials`, {
      headers: { authorization: `Bearer ${tokenBefore ?? ''}` },
    });
    expect(check.status).toBe(401);
    expect((await readKeychain(app.keychainService)).has(`account:${mastodonId ?? ''}:token`)).toBe(false);
  });

  test('a revoked Threads token shows "Needs sign-in", and one click signs in again', async ({ app, sandbox }) => {
    await linkThreads(app);
    const row = accountRow(app.page, 'threads');
    const id = await row.getAttribute('data-account-id');
    const token = (await readKeychain(app.keychainService)).get(`account:${id ?? ''}:token`) ?? '';
    sandbox.threads.admin.revokeToken(token);

    await app.restart();
    const stale = accountRow(app.page, 'threads');
    await expect(stale).toHaveAttribute('data-status', 'needs-sign-in');
    await expect(stale).toContainText('Needs sign-in');
    await app.page.screenshot({ path: screenshotPath('linking-needs-sign-in') });

    const dialog = linkDialog(app.page);
    if (app.shell === 'host') {
      const tab = app.page.context().waitForEvent('page');
      await stale.getByRole('button', { name: 'Sign in again' }).click();
      const signIn = await tab;
      await answerInTab(signIn, 'threads');
      // Closing the tab before the redirect reaches Braid's listener would lose the answer.
      await expect(signIn.getByText('You can close this tab')).toBeVisible();
      await signIn.close();
    } else {
      await stale.getByRole('button', { name: 'Sign in again' }).click();
      const href = (await dialog.getByRole('link', { name: 'Open the sign-in page again' }).getAttribute('href')) ?? '';
      await visit(await answerThreads(href, demo));
    }
    await expect(dialog.getByRole('heading', { name: `Signed in again as @${DEMO_USERNAME}` })).toBeVisible();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(accountRow(app.page, 'threads')).toHaveAttribute('data-status', 'ok');
    await expect(accountRow(app.page, 'threads')).toHaveAttribute('data-account-id', id ?? '');
  });

  test('a wrong server address gets a message that says what to do', async ({ app }) => {
    const dialog = await openLinkDialog(app.page);
    await dialog.getByRole('button', { name: 'Mastodon', exact: true }).click();
    await dialog.getByLabel('Mastodon server or handle').fill('not a server');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await expect(dialog.getByRole('alert')).toContainText('Type your server, like mastodon.social');
    await expect(dialog.getByLabel('Mastodon server or handle')).toHaveValue('not a server');
    await app.page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  });

  test('pressing Deny on the consent page links nothing and says so', async ({ app, sandbox }) => {
    test.skip(app.shell === 'electron', 'Deny is pressed on the server page, which only the browser host can drive.');
    const dialog = await openLinkDialog(app.page);
    await dialog.getByRole('button', { name: 'Mastodon', exact: true }).click();
    await dialog.getByLabel('Mastodon server or handle').fill(sandbox.mastodon.origin);
    const tab = app.page.context().waitForEvent('page');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    const signIn = await tab;
    await answerInTab(signIn, 'mastodon', true);
    await expect(signIn.getByText('did not give Braid access')).toBeVisible();
    await signIn.close();
    await expect(dialog.getByRole('heading', { name: 'Linking didn’t finish' })).toBeVisible();
    await expect(dialog.getByRole('alert')).toContainText('You chose not to give Braid access');
    await app.page.screenshot({ path: screenshotPath('linking-denied') });
    await expect(accountRow(app.page, 'mastodon')).toHaveCount(0);
  });
});
