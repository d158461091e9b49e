/**
 * Cross-posted interactions, acting from either account, and composing to both, end to end
 * against the sandbox: a Mastodon user favourites and replies to a shared Threads post, and the
 * card's interactions view shows both sides with split counts and one reply tree; replies from
 * the Mastodon and the Threads account land in place; a post sent to both networks is one card
 * with both badges; a draft survives the host being killed mid-compose.
 */
import type { Locator, Page } from '@playwright/test';
import { DEMO_USERNAME, type Sandbox } from '../sandbox/index.ts';
import { expect, test } from './fixtures';
import { linkMastodon, linkThreads } from './link-steps';
import { expectAccessible, shot } from './sharing-steps';

function cardWith(page: Page, text: string): Locator {
  return page.getByTestId('post-card').filter({ has: page.getByTestId('post-content').filter({ hasText: text }) });
}

/** Presses "Check for new posts" (and the pill) until a card with `text` is on the timeline. */
async function waitForCard(page: Page, text: string, networks?: string): Promise<Locator> {
  const card = cardWith(page, text);
  await expect
    .poll(
      async () => {
        const ok = (await card.count()) === 1 && (networks === undefined || (await card.getAttribute('data-networks')) === networks);
        if (!ok) {
          await page.getByTestId('refresh-timeline').click();
          const pill = page.getByTestId('new-posts-pill');
          if (await pill.isVisible()) await pill.click();
        }
        return ok;
      },
      { timeout: 30_000, intervals: [500, 1000, 2000] },
    )
    .toBe(true);
  return card;
}

interface Cast {
  monaId: string;
  threadsDemoId: string;
  sharedPermalink: string;
}

/** braid_demo shares on Threads; mona and braid_demo's Mastodon account follow it there. */
async function setUp(sandbox: Sandbox): Promise<Cast> {
  const threadsDemo = sandbox.threads.admin.findUser(DEMO_USERNAME);
  const mastodonDemo = sandbox.mastodon.admin.findAccount(DEMO_USERNAME);
  if (!threadsDemo || !mastodonDemo) throw new Error('the fixture creates the demo users');
  sandbox.threads.admin.setSharing(threadsDemo.id, true);
  const mona = sandbox.mastodon.admin.createAccount({ username: 'mona', password: 'mona-password', displayName: 'Mona' });
  await sandbox.mastodon.admin.followRemote(mona.id, `${DEMO_USERNAME}@${sandbox.threads.host}`);
  await sandbox.mastodon.admin.followRemote(mastodonDemo.id, `${DEMO_USERNAME}@${sandbox.threads.host}`);
  await sandbox.federation.idle();
  const post = sandbox.threads.admin.createPost(threadsDemo.id, { text: 'A shared post to talk about' });
  await sandbox.federation.idle();
  // Mona, on Mastodon, likes and answers the federated copy; both travel back to Threads.
  const copyId = await sandbox.mastodon.admin.resolveRemoteStatus(post.permalink);
  if (!copyId) throw new Error('the post federated to the Mastodon server');
  sandbox.mastodon.admin.favourite(mona.id, copyId);
  sandbox.mastodon.admin.createStatus(mona.id, { text: `@${DEMO_USERNAME}@${sandbox.threads.host} Lovely, from Mastodon`, inReplyToId: copyId });
  await sandbox.federation.idle();
  return { monaId: mona.id, threadsDemoId: threadsDemo.id, sharedPermalink: post.permalink };
}

test.describe('interactions and composing', () => {
  test('one view of both sides, replies from either account in place, a cross-post as one card', async ({ app, sandbox }) => {
    test.setTimeout(120_000);
    const { page } = app;
    await setUp(sandbox);
    await linkMastodon(app, sandbox);
    await linkThreads(app);

    // Mona's reply reached Threads over the Fediverse (it mentions braid_demo): it says so.
    const fediverseReply = await waitForCard(page, 'Lovely, from Mastodon');
    await expect(fediverseReply.locator('[data-testid="sharing-badge"][data-kind="post"]')).toHaveAttribute('data-badge', 'from-fediverse');
    const card = await waitForCard(page, 'A shared post to talk about', 'mastodon threads');
    await card.click({ position: { x: 300, y: 60 } });
    const view = page.getByTestId('interactions-view');
    await expect(view).toBeVisible();

    // Both sides load: split counts, who liked, and one node for Mona's reply seen from both.
    await expect(view.locator('[data-testid="interactions-side"][data-side="threads"]')).toHaveAttribute('data-state', 'ready', { timeout: 15_000 });
    await expect(view.locator('[data-testid="interactions-side"][data-side="mastodon"]')).toHaveAttribute('data-state', 'ready', { timeout: 15_000 });
    await expect(view.getByTestId('count-likes')).toContainText('1 Fediverse');
    await expect(view.getByTestId('liked-by').locator('[data-testid="interactor"][data-origin="fediverse"]')).toHaveCount(1);
    const monaReply = view.getByTestId('reply-node').filter({ hasText: 'Lovely, from Mastodon' });
    await expect(monaReply).toHaveCount(1);
    await expect(monaReply).toHaveAttribute('data-networks', 'mastodon threads');
    await shot(page, '20-interactions-view');
    await expectAccessible(page, 'the interactions view', '[data-testid="interactions-view"]');

    // Reply from the Mastodon account: the account is chosen first, and visible.
    const switcher = view.getByTestId('acting-account');
    await switcher.getByRole('radio', { name: /Mastodon/ }).check();
    await expect(switcher).toContainText(`@${DEMO_USERNAME}@${sandbox.mastodon.host}`);
    await view.getByTestId('act-reply').click();
    const composer = page.getByTestId('compose-dialog');
    await expect(composer.getByTestId('compose-reply-context')).toBeVisible();
    await expect(composer.getByTestId('compose-target-mastodon')).toBeChecked();
    await expect(composer.getByTestId('compose-target-threads')).not.toBeChecked();
    await composer.getByTestId('compose-text').fill('Answer from my Mastodon account');
    await composer.getByTestId('compose-send').click();
    await expect(composer).toBeHidden({ timeout: 15_000 });

    // Reply from the Threads account.
    await switcher.getByRole('radio', { name: /Threads/ }).check();
    await view.getByTestId('act-reply').click();
    await expect(composer.getByTestId('compose-target-threads')).toBeChecked();
    await expect(composer.getByTestId('compose-target-mastodon')).not.toBeChecked();
    await composer.getByTestId('compose-text').fill('Answer from my Threads account');
    await composer.getByTestId('compose-send').click();
    await expect(composer).toBeHidden({ timeout: 15_000 });

    // Both replies show in the tree, each once.
    await view.getByTestId('interactions-refresh').click();
    await expect(view.getByTestId('reply-node').filter({ hasText: 'Answer from my Mastodon account' })).toHaveCount(1, { timeout: 15_000 });
    await expect(view.getByTestId('reply-node').filter({ hasText: 'Answer from my Threads account' })).toHaveCount(1, { timeout: 15_000 });
    await shot(page, '21-interactions-with-replies');

    // Like from the Mastodon account. The server refuses the first time: the button, which
    // turned on at once, goes back, and the reason shows. The second time it stays on.
    await switcher.getByRole('radio', { name: /Mastodon/ }).check();
    const likes = await view.getByTestId('count-likes').innerText();
    sandbox.faults.add({ server: 'mastodon', method: 'POST', path: '/api/v1/statuses/*/favourite', times: 1, fault: { kind: 'status', status: 503 } });
    await view.getByTestId('act-like').click();
    await expect(view.getByTestId('act-error')).toBeVisible({ timeout: 10_000 });
    await expect(view.getByTestId('act-like')).toHaveAttribute('aria-pressed', 'false');
    await expect(view.getByTestId('count-likes')).toHaveText(likes);
    await shot(page, '21-act-refused-rolled-back');
    await view.getByTestId('act-like').click();
    await expect(view.getByTestId('act-like')).toHaveAttribute('aria-pressed', 'true');
    await expect(view.getByTestId('count-likes')).toContainText('2 Fediverse', { timeout: 10_000 });
    await page.keyboard.press('Escape');
    await expect(view).toBeHidden();

    // A new post to both networks: one card, both badges, at once.
    await page.getByTestId('compose-open').click();
    await expect(composer).toBeVisible();
    await composer.getByTestId('compose-target-threads').check();
    await composer.getByTestId('compose-target-mastodon').check();
    await composer.getByTestId('compose-text').fill('Posted to both from Braid');
    // braid_demo shares to the Fediverse: Braid warns that followers of both would see it twice.
    await expect(composer.locator('[data-testid="compose-warning"][data-code="double-post"]')).toBeVisible({ timeout: 5_000 });
    await shot(page, '22-compose-double-post-warning');
    await expectAccessible(page, 'the composer', '[data-testid="compose-dialog"]');
    await composer.getByTestId('compose-send').click();
    await expect(composer).toBeHidden({ timeout: 15_000 });
    const both = await waitForCard(page, 'Posted to both from Braid');
    await expect(both).toHaveAttribute('data-networks', 'mastodon threads');
    await shot(page, '23-cross-posted-card');
  });

  test('a draft survives the host being killed mid-compose', async ({ app, sandbox }) => {
    await linkMastodon(app, sandbox);
    await app.page.getByTestId('compose-open').click();
    const composer = app.page.getByTestId('compose-dialog');
    await composer.getByTestId('compose-text').fill('Half a thought, typed just before the crash');
    // Saved as the user types, without pressing anything; then the backend dies outright (SIGKILL).
    await expect(composer).toHaveAttribute('data-save-state', 'saved', { timeout: 5_000 });
    await app.crashAndRestart();
    const page = app.page;
    await page.getByTestId('drafts-open').click();
    const draft = page.getByTestId('draft-item').filter({ hasText: 'Half a thought, typed just before the crash' });
    await expect(draft).toHaveCount(1);
    await draft.click();
    await expect(page.getByTestId('compose-text')).toHaveValue('Half a thought, typed just before the crash');
  });
});
