/**
 * `npm run demo`'s sandbox: the sign-in pages come filled in with the demo account, and their
 * one button signs in and allows Braid, so a demo account links in two clicks.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LinkFlow } from '@shared/linking';
import { startSandbox, type Sandbox } from '../../sandbox/index.ts';
import { hiddenFields } from '../../sandbox/mastodon/test-support.ts';
import { startHarness, type Harness } from '../linking/support';

let sandbox: Sandbox;
let h: Harness;
beforeAll(async () => {
  sandbox = await startSandbox({ posts: 20, demoSignIn: true });
  h = startHarness({ sandboxThreadsUrl: sandbox.threads.origin, sync: false });
});
afterAll(async () => {
  h.close();
  await sandbox.stop();
});

/** What a browser does when the only button on the page is pressed: post the form as it is. */
async function pressTheButton(authorizeUrl: string, action: string): Promise<string> {
  const page = await (await fetch(authorizeUrl)).text();
  expect(page).toContain('value="braid_demo"');
  expect(page).toContain('Sandbox demo');
  const fields = hiddenFields(page);
  const username = /name="username"[^>]*value="([^"]*)"/.exec(page)?.[1] ?? '';
  const password = /name="password"[^>]*value="([^"]*)"/.exec(page)?.[1] ?? '';
  const answer = await fetch(new URL(action, authorizeUrl), { method: 'POST', redirect: 'manual', body: new URLSearchParams({ ...fields, username, password }) });
  expect(answer.status).toBe(302);
  return answer.headers.get('location') ?? '';
}

it('links the Mastodon demo account with one press on the sandbox page', async () => {
  const flow = (await h.call('accounts.beginLink', { network: 'mastodon', instance: sandbox.mastodon.origin })) as LinkFlow;
  const location = await pressTheButton(flow.authorizeUrl, '/auth/sign_in');
  expect(new URL(location).searchParams.get('code')).toBeTruthy();
  await fetch(location);
  expect((await h.nextUpdate(flow.id, ['linked', 'failed'])).account?.handle).toMatch(/^braid_demo@/);
});

it('links the Threads demo account with one press on the sandbox page', async () => {
  const flow = (await h.call('accounts.beginLink', { network: 'threads', serverId: 'sandbox' })) as LinkFlow;
  const location = await pressTheButton(flow.authorizeUrl, '/oauth/authorize/login');
  await fetch(location);
  expect((await h.nextUpdate(flow.id, ['linked', 'failed'])).account?.handle).toBe('braid_demo');
});

it('keeps the normal two-step pages without the demo option', async () => {
  const plain = await startSandbox({ seed: false });
  try {
    const page = await (await fetch(`${plain.threads.origin}/oauth/authorize?client_id=braid-sandbox-app&redirect_uri=${encodeURIComponent('http://127.0.0.1:1/cb')}&scope=threads_basic&response_type=code`)).text();
    expect(page).not.toContain('braid_demo');
    expect(page).not.toContain('demo_allow');
  } finally {
    await plain.stop();
  }
});
