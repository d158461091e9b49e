/**
 * Fediverse sharing in guided mode, end to end through the real renderer and core. Guided mode
 * is what graph.threads.net gets (no sharing API: Braid opens Threads' own settings page, then
 * checks the result by WebFinger); the sandbox always offers Braid's sharing API, so the core
 * judges its accounts as api mode. This spec makes the browser host's contract answer the way a
 * core talking to graph.threads.net would, and only where the two modes differ:
 *
 * - `sharing.list`, `sharing.check` and the `sharing.changed` event carry the core's real states
 *   with the guided-mode fields put in (`asGuided`): mode, requirements Braid cannot check,
 *   no follower count, Threads' settings page. Status, handle, actor, `how` and times stay real
 *   (on the sandbox the extension and WebFinger agree on the status).
 * - `sharing.openSettings` names the sandbox's profile page of the user, standing in for
 *   Threads' settings page (the sandbox has none), and says the renderer must open it.
 * - `sharing.verify` goes to the real core, which does a real WebFinger against the sandbox;
 *   only the state it returns gets the guided fields (the real core remembers the sandbox as
 *   api mode, and an api state would switch the dialog to api mode's confirm button).
 * - `sharing.enable` and `sharing.disable` answer `sharing.guided-only` as the core does in
 *   guided mode, and the test asserts the guided UI never calls them.
 *
 * Under _electron the contract runs over IPC, which page.route cannot see, so that project skips.
 * Screenshots land in test-results/sharing-flow/ next to sharing.spec.ts's.
 */
import type { Page, Route, WebSocketRoute } from '@playwright/test';
import type { WireResult } from '@shared/errors';
import type { SharingState, SharingVerification } from '@shared/sharing';
import { HOST_EVENTS_PATH, hostCallPath } from '../../shared/host-protocol';
import { SharingSettingsPage, SharingState as SharingStateSchema, SharingVerification as SharingVerificationSchema } from '../../shared/sharing';
import type { Sandbox } from '../sandbox/index.ts';
import { expect, test } from './fixtures';
import { expectAccessible, openSharingSettings, shot, step, webFingerStatus } from './sharing-steps';
import { linkThreads } from './link-steps';

/** The core's detail for a requirement in guided mode (electron/core/sharing/account-state.ts, GUIDED_DETAIL). */
const GUIDED_DETAIL = 'Threads checks this in its own settings when you turn sharing on; Braid cannot see it.';

/**
 * A real state as a core facing graph.threads.net would give it: the same account, status and
 * handle, with what differs by mode put in (account-state.ts: guidedRequirements, no follower
 * count, Threads' settings page at the server's web origin). Parsed, so a rewrite that breaks
 * the contract fails here instead of confusing the renderer.
 */
function asGuided(state: SharingState, settingsUrl: string): SharingState {
  return SharingStateSchema.parse({
    ...state,
    mode: 'guided',
    requirements: state.requirements.map((requirement) => ({ ...requirement, met: null, detail: GUIDED_DETAIL })),
    fediverseFollowers: null,
    settingsUrl,
  });
}

interface GuidedRouting {
  /** Contract calls seen, by method, in order. */
  calls: string[];
  /** The inputs `sharing.verify` was called with. */
  verifyInputs: unknown[];
  /** `sharing.changed` events rewritten on their way to the page. */
  changedEvents: number;
}

/**
 * Routes the page's contract calls and event socket so the sandbox account looks like one on
 * graph.threads.net (see the file comment). Must be set before the page opens its event socket:
 * the caller reloads the page afterwards.
 */
async function routeAsGuided(page: Page, sandbox: Sandbox, profileUrl: string): Promise<GuidedRouting> {
  const settingsUrl = `${sandbox.threads.origin}/settings/account/fediverse`;
  const routing: GuidedRouting = { calls: [], verifyInputs: [], changedEvents: 0 };
  const isCall = (method: string) => (url: URL) => url.pathname === hostCallPath(method);
  const seen = (method: string) => routing.calls.push(method);

  /** The real answer, with `rewrite` applied to its value when the call succeeded. */
  async function passThrough<T>(route: Route, rewrite: (value: T) => T): Promise<void> {
    const response = await route.fetch();
    const result = (await response.json()) as WireResult<T>;
    await route.fulfill({ response, json: result.ok ? { ok: true, value: rewrite(result.value) } : result });
  }

  await page.route(isCall('sharing.list'), async (route) => {
    seen('sharing.list');
    await passThrough<SharingState[]>(route, (states) => states.map((state) => asGuided(state, settingsUrl)));
  });
  await page.route(isCall('sharing.check'), async (route) => {
    seen('sharing.check');
    await passThrough<SharingState>(route, (state) => asGuided(state, settingsUrl));
  });
  await page.route(isCall('sharing.openSettings'), async (route) => {
    seen('sharing.openSettings');
    // The sandbox has no settings page: the user's profile page stands in for Threads' one.
    await route.fulfill({ json: { ok: true, value: SharingSettingsPage.parse({ url: profileUrl, openedExternally: false }) } });
  });
  await page.route(isCall('sharing.verify'), async (route) => {
    seen('sharing.verify');
    routing.verifyInputs.push((route.request().postDataJSON() as { input?: unknown }).input);
    // The real core's WebFinger decides `confirmed` and `message`; only the state's mode fields change.
    await passThrough<SharingVerification>(route, (verification) =>
      SharingVerificationSchema.parse({ ...verification, state: asGuided(verification.state, settingsUrl) }),
    );
  });
  for (const method of ['sharing.enable', 'sharing.disable']) {
    await page.route(isCall(method), async (route) => {
      seen(method);
      const message = `${new URL(sandbox.threads.origin).host} has no API for this; use Threads' settings page to turn Fediverse sharing on or off, then let Braid check it.`;
      await route.fulfill({ json: { ok: false, error: { code: 'sharing.guided-only', message } } });
    });
  }

  // Events: every check and verify emits `sharing.changed` with the full list; without this the
  // api-mode states would replace the guided ones in the renderer a moment after each call.
  await page.routeWebSocket(
    (url) => url.pathname === HOST_EVENTS_PATH,
    (socket: WebSocketRoute) => {
      const server = socket.connectToServer();
      server.onMessage((message) => {
        if (typeof message !== 'string') return socket.send(message);
        const parsed = JSON.parse(message) as { event?: string; payload?: unknown };
        if (parsed.event !== 'sharing.changed') return socket.send(message);
        routing.changedEvents++;
        const states = (parsed.payload as SharingState[]).map((state) => asGuided(state, settingsUrl));
        socket.send(JSON.stringify({ event: parsed.event, payload: states }));
      });
    },
  );
  return routing;
}

test.describe('Fediverse sharing, guided mode', () => {
  test("turn sharing on in Threads' own settings: requirements Braid cannot check, the settings page in a tab, then WebFinger confirms", async ({ app, sandbox }) => {
    test.skip(app.shell === 'electron', 'Under _electron the contract runs over IPC, not HTTP: page.route cannot make the core answer as guided mode.');
    test.setTimeout(90_000);
    const { page } = app;
    const grace = sandbox.threads.admin.createUser({ username: 'grace', password: 'grace-password', name: 'Grace' });
    const handle = `@grace@${sandbox.threads.host}`;
    const profileUrl = `${sandbox.threads.origin}/@grace`;

    const routing = await routeAsGuided(page, sandbox, profileUrl);
    // The page was opened before the routes: reload so its event socket goes through them too.
    await page.reload();
    await linkThreads(app, { username: 'grace', password: 'grace-password' });

    const section = await openSharingSettings(page);
    const row = section.getByTestId('sharing-row');
    await expect(row).toHaveAttribute('data-status', 'disabled', { timeout: 10_000 });
    await expect(row).toContainText(handle);
    expect(routing.calls).toContain('sharing.check');

    // What the Fediverse is → how sharing works → requirements.
    await row.getByTestId('sharing-turn-on').click();
    const flow = page.getByTestId('sharing-flow');
    await expect(step(page, 'fediverse')).toBeVisible();
    await flow.getByTestId('sharing-next').click();
    await expect(step(page, 'how')).toBeVisible();
    await flow.getByTestId('sharing-next').click();

    // Braid cannot see the requirements in guided mode: they say so, and they do not block.
    await expect(step(page, 'requirements')).toBeVisible();
    const requirements = flow.getByTestId('sharing-requirement');
    await expect(requirements).toHaveCount(2, { timeout: 10_000 });
    await expect(flow.locator('[data-testid="sharing-requirement"][data-met="unknown"]')).toHaveCount(2);
    for (const requirement of await requirements.all()) {
      await expect(requirement).toContainText('Can’t check here');
      await expect(requirement).toContainText(GUIDED_DETAIL);
    }
    await expect(flow.getByTestId('sharing-next')).toBeEnabled();
    await shot(page, 'guided-01-requirements-unknown');
    await flow.getByTestId('sharing-next').click();

    await expect(step(page, 'warning')).toBeVisible();
    await flow.getByTestId('sharing-ack').check();
    await flow.getByTestId('sharing-next').click();

    // The last step is Threads' own page, not a button that changes sharing.
    const confirm = step(page, 'confirm');
    await expect(confirm).toBeVisible();
    await expect(confirm.getByRole('heading', { name: 'Turn it on in Threads’ settings' })).toBeVisible();
    await expect(confirm).toContainText('Your Threads server has no way for Braid to change this setting.');
    const openSettings = flow.getByTestId('sharing-open-settings');
    const verify = flow.getByTestId('sharing-verify');
    await expect(openSettings).toHaveText('Open Threads’ settings');
    await expect(verify).toHaveText('I’ve turned it on — check');
    await expect(flow.getByTestId('sharing-confirm')).toHaveCount(0);
    await expect(flow.getByTestId('sharing-next')).toHaveCount(0);
    await shot(page, 'guided-02-confirm');
    await expectAccessible(page, 'the guided confirm step', '[data-testid="sharing-flow"]');

    // "Open Threads' settings": the browser host's renderer opens the page in a new tab.
    const tabOpened = page.context().waitForEvent('page');
    await openSettings.click();
    const tab = await tabOpened;
    await tab.waitForLoadState();
    expect(tab.url()).toBe(profileUrl);
    await expect(tab.getByRole('heading', { name: /Grace/ })).toBeVisible();
    await expect(openSettings).toHaveText('Open them again');
    await expect(confirm).toContainText('(opened in your browser)');

    // Checking before the change: the real core's WebFinger does not find her yet.
    expect(await webFingerStatus(sandbox, 'grace')).toBe(404);
    await verify.click();
    const status = confirm.getByRole('status');
    await expect(status).toContainText('Not yet.', { timeout: 10_000 });
    await expect(status).toContainText(`Braid looked up ${handle} by WebFinger and did not find it: sharing looks off.`);
    // Still guided, still on this step.
    await expect(openSettings).toBeVisible();
    await expect(flow.getByTestId('sharing-confirm')).toHaveCount(0);
    await shot(page, 'guided-03-not-yet');
    await expectAccessible(page, 'the guided confirm step after "not yet"', '[data-testid="sharing-flow"]');

    // Threads' settings page, played by the sandbox: she turns sharing on there.
    sandbox.threads.admin.setSharing(grace.id, true);
    await tab.reload();
    await expect(tab.getByText(`Also on the Fediverse as ${handle}`)).toBeVisible();
    await tab.close();
    expect(await webFingerStatus(sandbox, 'grace')).toBe(200);

    await verify.click();
    const done = step(page, 'done');
    await expect(done).toBeVisible({ timeout: 10_000 });
    await expect(done.getByRole('heading', { name: 'You’re on the Fediverse' })).toBeVisible();
    await expect(done).toContainText(handle);
    await expect(done).toContainText(`Braid looked up ${handle} by WebFinger and found it: your profile is on the Fediverse.`);
    await shot(page, 'guided-04-done');
    await expectAccessible(page, 'the guided done step', '[data-testid="sharing-flow"]');
    await flow.getByTestId('sharing-done').click();
    await expect(flow).toBeHidden();

    // The row follows the verified state.
    await expect(row).toHaveAttribute('data-status', 'enabled');
    await expect(row.getByTestId('sharing-turn-off')).toBeVisible();

    // Both checks asked for "enabled", and nothing tried to change sharing through the API.
    expect(routing.verifyInputs).toEqual([
      { accountId: await row.getAttribute('data-account-id'), expect: 'enabled' },
      { accountId: await row.getAttribute('data-account-id'), expect: 'enabled' },
    ]);
    expect(routing.calls.filter((method) => method === 'sharing.enable' || method === 'sharing.disable')).toEqual([]);
    expect(routing.calls.filter((method) => method === 'sharing.openSettings')).toHaveLength(1);
    // The event socket did go through the route (each check and verify announces the list).
    expect(routing.changedEvents).toBeGreaterThan(0);
  });
});
