import { expect, screenshotPath, test } from './fixtures';

test.describe('the app shell', () => {
  test('shows the empty state when no account is linked', async ({ app }) => {
    const { page } = app;
    await expect(page.getByRole('heading', { name: 'Link your Threads and Mastodon accounts to see one timeline' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Accounts' })).toContainText('No accounts linked yet.');
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Timeline' })).toHaveAttribute(
      'aria-current',
      'page',
    );
    await page.screenshot({ path: screenshotPath('shell-empty-state') });
  });

  test('a setting changed through the contract is kept across a reload and a restart', async ({ app }) => {
    await app.page.getByRole('button', { name: 'Settings' }).click();
    await app.page.getByRole('radio', { name: 'Dark' }).check();
    await app.page.getByRole('switch', { name: 'Reduce motion' }).check();
    const html = app.page.locator('html');
    await expect(html).toHaveAttribute('data-theme', 'dark');
    await expect(html).toHaveAttribute('data-reduce-motion', '');

    await app.page.reload();
    await app.page.getByRole('button', { name: 'Settings' }).click();
    await expect(app.page.getByRole('radio', { name: 'Dark' })).toBeChecked();
    await expect(app.page.getByRole('switch', { name: 'Reduce motion' })).toBeChecked();

    await app.restart();
    await expect(app.page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await app.page.getByRole('button', { name: 'Settings' }).click();
    await expect(app.page.getByRole('radio', { name: 'Dark' })).toBeChecked();
    await expect(app.page.getByRole('switch', { name: 'Reduce motion' })).toBeChecked();
    await app.page.screenshot({ path: screenshotPath('shell-settings-dark') });

    await app.page.getByRole('radio', { name: 'Match the system' }).check();
    await expect(app.page.locator('html')).not.toHaveAttribute('data-theme', /.*/);
  });

  test('follows the system colour scheme until a theme is chosen', async ({ app }) => {
    const { page } = app;
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(background).toBe('rgb(246, 247, 249)');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(background).toBe('rgb(21, 23, 27)');
  });

  test('is usable from the keyboard', async ({ app }) => {
    const { page } = app;
    // Shortcuts work once the window shows the app (its key handler mounts with it).
    await expect(page.getByRole('heading', { name: 'Timeline', level: 1 })).toBeVisible();
    await page.locator('body').press('Control+Comma');
    await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('heading', { name: 'Timeline', level: 1 })).toBeVisible();

    // Tab reaches "New post" first, then the navigation, and Enter activates it.
    await page.keyboard.press('Tab');
    await expect(page.getByTestId('compose-open')).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'Timeline' })).toBeFocused();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  });

  test('the browser host refuses a page without its token', async ({ app }) => {
    test.skip(app.shell !== 'host', 'only the browser host serves pages over HTTP');
    const response = await app.page.goto(`${app.origin}/`);
    expect(response?.status()).toBe(401);
    await expect(app.page.locator('body')).toContainText('npm run web');
  });
});
