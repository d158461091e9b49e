/**
 * The merged timeline, end to end: both demo accounts linked through the link dialog against a
 * seeded sandbox, one card per shared Threads post, scrolling far back, a post arriving live,
 * reading the cache offline, and landing at the same place after a restart.
 */
import type { Locator, Page } from '@playwright/test';
import type { Sandbox } from '../sandbox/index.ts';
import { expect, screenshotPath, test } from './fixtures';
import { linkMastodon, linkThreads } from './link-steps';

test.use({ sandboxPosts: 500 });

function cards(page: Page): Locator {
  return page.getByTestId('post-card');
}

/** The group id of the first card whose lower edge is below the list's top edge: what the reader sees first. */
async function topVisibleCard(page: Page): Promise<string> {
  return page.getByTestId('timeline-list').evaluate((list) => {
    const top = list.getBoundingClientRect().top;
    const all = [...list.querySelectorAll<HTMLElement>('[data-testid="post-card"]')].sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
    const first = all.find((card) => card.getBoundingClientRect().bottom > top + 1);
    return first?.dataset.groupId ?? '';
  });
}

async function scrollBy(page: Page, pixels: number): Promise<void> {
  await page.getByTestId('timeline-list').evaluate((list, by) => list.scrollBy(0, by), pixels);
}

function mona(sandbox: Sandbox): string {
  const id = sandbox.seeded?.mastodonAccounts.mona?.id;
  if (!id) throw new Error('the seeded sandbox has mona');
  return id;
}

test.describe('merged timeline', () => {
  test('one card per shared post, far back, live, offline, and the same place after a restart', async ({ app, sandbox }) => {
    test.setTimeout(90_000);
    const { page } = app;
    await linkMastodon(app, sandbox);
    await linkThreads(app);

    // The merged timeline fills in; cross-posted cards carry both networks.
    await expect(cards(page).first()).toBeVisible({ timeout: 15_000 });
    await page.getByTestId('timeline-filter').getByLabel('Cross-posted').check();
    await expect(cards(page).first()).toHaveAttribute('data-networks', 'mastodon threads', { timeout: 15_000 });
    const crossTexts = await page.getByTestId('post-content').allInnerTexts();
    for (const networks of await cards(page).evaluateAll((all) => all.map((card) => (card as HTMLElement).dataset.networks))) {
      expect(networks).toBe('mastodon threads');
    }
    await expect(cards(page).first().getByTestId('cross-post-indicator')).toBeVisible();
    await page.screenshot({ path: screenshotPath('timeline-cross-posted') });

    // In "All", each of those posts appears once, not once per network.
    await page.getByTestId('timeline-filter').getByLabel('All').check();
    const sample = crossTexts.find((text) => text.trim().length > 20)?.trim().slice(0, 40) ?? '';
    expect(sample).not.toBe('');
    await page.getByTestId('timeline-list').evaluate((list) => list.scrollTo(0, 0));
    let seen = 0;
    // Steps shorter than the viewport, so the virtualized list renders every card on the way.
    for (let step = 0; step < 200 && seen === 0; step += 1) {
      seen = await page.getByTestId('post-content').filter({ hasText: sample }).count();
      if (seen === 0) await scrollBy(page, 400);
    }
    expect(seen).toBe(1);
    await page.screenshot({ path: screenshotPath('timeline-all') });

    // Scroll far back: older pages load as the end comes near, and the DOM stays small.
    await page.getByTestId('timeline-list').evaluate((list) => list.scrollTo(0, 0));
    const newest = await topVisibleCard(page);
    for (let step = 0; step < 60; step += 1) await scrollBy(page, 2000);
    await expect.poll(() => topVisibleCard(page)).not.toBe(newest);
    const farBack = await page.evaluate(() => document.querySelectorAll('[data-testid="post-card"]').length);
    expect(farBack).toBeLessThan(100);
    const oldestShown = await cards(page).last().locator('time').first().getAttribute('datetime');
    expect(Date.now() - Date.parse(oldestShown ?? '')).toBeGreaterThan(6 * 3600_000);

    // Back at the top, a post made on the sandbox arrives live behind a pill.
    await page.getByTestId('timeline-list').evaluate((list) => list.scrollTo(0, 0));
    const before = await topVisibleCard(page);
    sandbox.mastodon.admin.createStatus(mona(sandbox), { text: 'Fresh from the sandbox, live' });
    const pill = page.getByTestId('new-posts-pill');
    await expect(pill).toHaveText(/1 new post/, { timeout: 5_000 });
    // What the user is reading did not move.
    expect(await topVisibleCard(page)).toBe(before);
    await pill.click();
    await expect(cards(page).first().getByTestId('post-content')).toContainText('Fresh from the sandbox, live');

    // Read a while further down, then the servers go away: the cache stays readable, quietly offline.
    await scrollBy(page, 2600);
    await page.waitForTimeout(1500); // the reading position is saved after a second of stillness
    const reading = await topVisibleCard(page);
    await sandbox.stop();
    await expect(page.getByTestId('offline-notice')).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId('offline-notice')).toContainText(/offline/i);
    expect(await cards(page).count()).toBeGreaterThan(3);
    await page.screenshot({ path: screenshotPath('timeline-offline') });

    // Restart: the same card is at the top, read from the cache while still offline.
    await app.restart();
    await expect(cards(app.page).first()).toBeVisible({ timeout: 15_000 });
    await expect.poll(() => topVisibleCard(app.page), { timeout: 10_000 }).toBe(reading);
    await expect(app.page.getByTestId('offline-notice')).toBeVisible({ timeout: 15_000 });
  });

  test('hostile content in a post, a name, an emoji and a card does not run', async ({ app, sandbox }) => {
    const { page } = app;
    const admin = sandbox.mastodon.admin;
    const demo = sandbox.seeded?.mastodonAccounts.braid_demo?.id ?? '';
    const mallory = admin.createAccount({ username: 'mallory', password: 'mallory-password', displayName: '<img src=x onerror="window.__pwned=\'name\'"> :evil:' });
    admin.follow(demo, mallory.id);
    admin.addCustomEmoji('evil', 'javascript:window.__pwned="emoji"');
    const id = admin.createStatus(mallory.id, { text: 'Hostile probe :evil:' });
    admin.serveHostile(id, {
      contentHtml:
        '<p>Hostile probe <img src=x onerror="window.__pwned=\'content\'"><script>window.__pwned="script"</script>' +
        '<a href="javascript:window.__pwned=\'link\'">click me</a><iframe src="javascript:window.__pwned=\'frame\'"></iframe></p>',
      card: { url: 'https://example.invalid/', title: '<img src=x onerror="window.__pwned=\'card\'">Card title', description: '<b>bold?</b>', image: null, providerName: 'Example' },
    });
    await linkMastodon(app, sandbox);

    const card = cards(page).filter({ hasText: 'Hostile probe' });
    await expect(card).toBeVisible({ timeout: 15_000 });
    // The card title and the name show as text, and nothing ran.
    await expect(card).toContainText('Card title');
    await expect(card).toContainText('<img src=x');
    expect(await page.evaluate(() => (window as { __pwned?: string }).__pwned)).toBeUndefined();
    const content = card.getByTestId('post-content');
    expect(await content.locator('script, iframe, img[src="x"], [onerror]').count()).toBe(0);
    await expect(content).toContainText('click me');
    for (const href of await content.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''))) {
      expect(href).not.toMatch(/^\s*javascript:/i);
    }
    expect(await card.locator('img[src^="javascript:"]').count()).toBe(0);
  });
});
