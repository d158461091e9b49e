/**
 * `npm run demo`'s promise: against the demo sandbox, each demo account links in two clicks —
 * Braid's button, then the sandbox page's one button — and the merged timeline appears.
 */
import { expect, screenshotPath, test } from './fixtures';

test.use({ sandboxPosts: 300, demo: true });

test('links both demo accounts in two clicks each and shows the merged timeline', async ({ app }) => {
  test.skip(app.shell === 'electron', 'The sign-in page opens in the system browser under Electron; the linking spec covers that path.');
  const { page } = app;
  const demo = page.getByTestId('demo-accounts');
  for (const network of ['Mastodon', 'Threads']) {
    const tab = page.context().waitForEvent('page');
    await demo.getByRole('button', { name: `Link the ${network} demo account` }).click();
    const signIn = await tab;
    await signIn.getByRole('button', { name: /^Log in and (authorize|allow)$/ }).click();
    await expect(signIn.getByText('You can close this tab')).toBeVisible();
    await signIn.close();
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
  }
  await expect(page.getByTestId('post-card').first()).toBeVisible({ timeout: 15_000 });
  await expect(page.locator('[data-testid="post-card"][data-networks="mastodon threads"]').first()).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('demo-accounts')).toHaveCount(0);
  // The Threads account synced after the Mastodon one: its posts joined the list already shown,
  // in place below the reader or behind the pill, without a reload.
  const pill = page.getByTestId('new-posts-pill');
  if (await pill.isVisible()) await pill.click();
  await expect(page.locator('[data-testid="post-card"][data-networks="threads"]').first()).toBeVisible({ timeout: 15_000 });
  await page.screenshot({ path: screenshotPath('demo-timeline') });

  // Unlinking Mastodon takes its posts out of the timeline on screen: no reload needed.
  await page.getByRole('region', { name: 'Accounts' }).locator('[data-network="mastodon"]').getByRole('button', { name: /^Account options/ }).click();
  await page.getByRole('button', { name: 'Unlink', exact: true }).click();
  await page.getByRole('dialog', { name: /^Unlink @/ }).getByRole('button', { name: 'Unlink' }).click();
  await expect(page.locator('[data-testid="post-card"][data-networks*="mastodon"]')).toHaveCount(0, { timeout: 10_000 });
  await expect(page.getByTestId('post-card').first()).toHaveAttribute('data-networks', 'threads');
});
