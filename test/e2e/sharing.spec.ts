/**
 * Fediverse sharing, end to end against the sandbox: a user who does not share walks Settings →
 * Fediverse sharing → Turn on, the sharing symbol appears on their profile and the badge on their
 * next post, whose federated copy reaches the Mastodon side and joins the same card; turning it
 * off with removal takes the copies off the Mastodon side and the badges follow. A private
 * profile is stopped at the requirements with the way forward. axe-core checks every step of
 * the flow and the timeline. Each step's screenshot lands in test-results/sharing-flow/.
 */
import type { Locator, Page } from '@playwright/test';
import { DEMO_USERNAME } from '../sandbox/index.ts';
import { expect, test } from './fixtures';
import { expectAccessible, openSharingSettings, shot, step, webFingerStatus } from './sharing-steps';
import { linkMastodon, linkThreads } from './link-steps';

async function showTimeline(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Timeline' }).click();
  await expect(page.getByTestId('linked-timeline')).toBeVisible();
}

function cardWith(page: Page, text: string): Locator {
  return page.getByTestId('post-card').filter({ has: page.getByTestId('post-content').filter({ hasText: text }) });
}

test.describe('Fediverse sharing', () => {
  test('turn sharing on: the symbol on the profile, the badge and the federated copy on the next post; off with removal takes the copies away', async ({ app, sandbox }) => {
    test.setTimeout(120_000);
    const { page } = app;
    const carol = sandbox.threads.admin.createUser({ username: 'carol', password: 'carol-password', name: 'Carol' });
    sandbox.threads.admin.createPost(carol.id, { text: 'Written before sharing was on, so it stays on Threads' });
    await linkMastodon(app, sandbox);
    await linkThreads(app, { username: 'carol', password: 'carol-password' });

    const section = await openSharingSettings(page);
    const row = section.getByTestId('sharing-row');
    await expect(row).toHaveAttribute('data-status', 'disabled', { timeout: 10_000 });
    await expect(row).toContainText(`@carol@${sandbox.threads.host}`);
    await expect(page.getByTestId('sharing-symbol')).toHaveCount(0);
    await shot(page, '00-settings-off');
    await expectAccessible(page, 'the settings screen');

    // The flow: what the Fediverse is → how sharing works → requirements → warning → confirm.
    await row.getByTestId('sharing-turn-on').click();
    const flow = page.getByTestId('sharing-flow');
    await expect(flow).toBeVisible();
    await expect(step(page, 'fediverse')).toBeVisible();
    await shot(page, '01-what-the-fediverse-is');
    await expectAccessible(page, 'step 1', '[data-testid="sharing-flow"]');

    // Cancelling changes nothing.
    await page.keyboard.press('Escape');
    await expect(flow).toBeHidden();
    await expect(row).toHaveAttribute('data-status', 'disabled');
    expect(await webFingerStatus(sandbox, 'carol')).toBe(404);

    await row.getByTestId('sharing-turn-on').click();
    await flow.getByTestId('sharing-next').click();
    await expect(step(page, 'how')).toBeVisible();
    await shot(page, '02-how-sharing-works');
    await expectAccessible(page, 'step 2', '[data-testid="sharing-flow"]');
    // Back works, and forward again.
    await flow.getByTestId('sharing-back').click();
    await expect(step(page, 'fediverse')).toBeVisible();
    await flow.getByTestId('sharing-next').click();
    await flow.getByTestId('sharing-next').click();

    await expect(step(page, 'requirements')).toBeVisible();
    const requirements = flow.getByTestId('sharing-requirement');
    await expect(requirements).toHaveCount(2, { timeout: 10_000 });
    await expect(flow.locator('[data-testid="sharing-requirement"][data-met="true"]')).toHaveCount(2);
    await shot(page, '03-requirements-met');
    await expectAccessible(page, 'step 3', '[data-testid="sharing-flow"]');
    await flow.getByTestId('sharing-next').click();

    await expect(step(page, 'warning')).toBeVisible();
    await expect(flow.getByTestId('sharing-next')).toBeDisabled();
    await flow.getByTestId('sharing-ack').check();
    await shot(page, '04-warning-acknowledged');
    await expectAccessible(page, 'step 4', '[data-testid="sharing-flow"]');
    await flow.getByTestId('sharing-next').click();

    await expect(step(page, 'confirm')).toBeVisible();
    await shot(page, '05-confirm');
    await expectAccessible(page, 'step 5', '[data-testid="sharing-flow"]');
    await flow.getByTestId('sharing-confirm').click();
    await expect(step(page, 'done')).toBeVisible({ timeout: 10_000 });
    await expect(step(page, 'done')).toContainText(`@carol@${sandbox.threads.host}`);
    await shot(page, '06-done');
    await expectAccessible(page, 'the done step', '[data-testid="sharing-flow"]');
    await page.keyboard.press('Escape');
    await expect(flow).toBeHidden();

    // The server agrees, the settings row says so, and the profile carries the symbol.
    expect(await webFingerStatus(sandbox, 'carol')).toBe(200);
    await expect(row).toHaveAttribute('data-status', 'enabled');
    await expect(page.getByRole('region', { name: 'Accounts' }).getByTestId('sharing-symbol')).toBeVisible();

    // Someone on Mastodon follows her, she posts, the copy federates and joins the same card.
    const follower = sandbox.mastodon.admin.findAccount(DEMO_USERNAME);
    if (!follower) throw new Error('the sandbox has the demo Mastodon account');
    await sandbox.mastodon.admin.followRemote(follower.id, `carol@${sandbox.threads.host}`);
    await sandbox.federation.idle(); // her server has the follower before she posts
    sandbox.threads.admin.createPost(carol.id, { text: 'Hello Fediverse, this one is shared' });

    await showTimeline(page);
    const shared = cardWith(page, 'Hello Fediverse, this one is shared');
    await expect
      .poll(
        async () => {
          if ((await shared.count()) === 0 || (await shared.getAttribute('data-networks')) !== 'mastodon threads') {
            await page.getByTestId('refresh-timeline').click();
            const pill = page.getByTestId('new-posts-pill');
            if (await pill.isVisible()) await pill.click();
          }
          return (await shared.count()) === 1 ? shared.getAttribute('data-networks') : null;
        },
        { timeout: 30_000, intervals: [500, 1000, 2000] },
      )
      .toBe('mastodon threads');
    await expect(shared.locator('[data-testid="sharing-badge"][data-kind="post"]').first()).toHaveAttribute('data-badge', 'shared');
    await expect(shared.locator('[data-testid="sharing-badge"][data-kind="author"]')).toHaveAttribute('data-badge', 'shared');
    // The post from before sharing was turned on is not shared.
    const before = cardWith(page, 'Written before sharing was on');
    await expect(before.locator('[data-testid="sharing-badge"][data-kind="post"]')).toHaveAttribute('data-badge', 'not-shared');
    // Her profile card (the name opens it) says so in words, with how Braid knows.
    await shared.locator('button[aria-haspopup="dialog"]').click();
    const profile = page.getByTestId('profile-card');
    await expect(profile.getByTestId('profile-sharing')).toHaveAttribute('data-badge', 'shared');
    await expect(profile).toContainText('Shares to the Fediverse');
    await shot(page, '07-profile-card');
    await page.keyboard.press('Escape');
    await expect(profile).toBeHidden();
    await shot(page, '07-timeline-shared-post');
    await expectAccessible(page, 'the timeline with sharing badges');

    // Turn it off and ask other servers to remove what was shared.
    await openSharingSettings(page);
    await row.getByTestId('sharing-turn-off').click();
    await expect(step(page, 'off-explain')).toBeVisible();
    await shot(page, '08-turn-off-explained');
    await expectAccessible(page, 'turning off', '[data-testid="sharing-flow"]');
    await flow.getByTestId('sharing-remove-posts').check();
    await flow.getByTestId('sharing-next').click();
    await expect(step(page, 'off-confirm')).toBeVisible();
    await shot(page, '09-turn-off-confirm');
    await expectAccessible(page, 'turning off: confirm', '[data-testid="sharing-flow"]');
    await flow.getByTestId('sharing-confirm').click();
    await expect(row).toHaveAttribute('data-status', 'disabled', { timeout: 10_000 });
    if (await flow.isVisible()) await page.keyboard.press('Escape');
    await expect(page.getByTestId('sharing-symbol')).toHaveCount(0);
    expect(await webFingerStatus(sandbox, 'carol')).toBe(404);

    // The Mastodon copy is gone from the card, and the badges follow.
    await showTimeline(page);
    await expect(shared).toHaveAttribute('data-networks', 'threads', { timeout: 15_000 });
    await expect(shared.locator('[data-testid="sharing-badge"][data-kind="post"]')).toHaveAttribute('data-badge', 'not-shared', { timeout: 15_000 });
    await expect(shared.locator('[data-testid="sharing-badge"][data-kind="author"]')).toHaveAttribute('data-badge', 'not-shared');
    await shot(page, '10-timeline-after-removal');
  });

  test('a private profile is stopped at the requirements with the way forward', async ({ app, sandbox }) => {
    const { page } = app;
    const dan = sandbox.threads.admin.createUser({ username: 'dan_private', password: 'dan_private-password', name: 'Dan', isPrivate: true });
    await linkThreads(app, { username: 'dan_private', password: 'dan_private-password' });

    const section = await openSharingSettings(page);
    const row = section.getByTestId('sharing-row');
    await expect(row).toHaveAttribute('data-status', 'ineligible', { timeout: 10_000 });
    await row.getByTestId('sharing-turn-on').click();
    const flow = page.getByTestId('sharing-flow');
    await flow.getByTestId('sharing-next').click();
    await flow.getByTestId('sharing-next').click();
    await expect(step(page, 'requirements')).toBeVisible();
    const unmet = flow.locator('[data-testid="sharing-requirement"][data-requirement-id="public-profile"]');
    await expect(unmet).toHaveAttribute('data-met', 'false', { timeout: 10_000 });
    await expect(unmet).toContainText(/public/i);
    await expect(unmet).toContainText(/Check again/i);
    await expect(flow.getByTestId('sharing-next')).toBeDisabled();
    await shot(page, '11-requirements-private-profile');
    await expectAccessible(page, 'the unmet requirement', '[data-testid="sharing-flow"]');

    // The way forward works: with the profile made public, Check again lets the user go on.
    sandbox.threads.admin.setPrivate(dan.id, false);
    await flow.getByRole('button', { name: /Check again/i }).click();
    await expect(unmet).toHaveAttribute('data-met', 'true', { timeout: 10_000 });
    await expect(flow.getByTestId('sharing-next')).toBeEnabled();
  });
});
