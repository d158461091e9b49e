/**
 * Shared by the Fediverse sharing specs: the way to Settings → Fediverse sharing, a flow step by
 * name, an axe-core check, screenshots into test-results/sharing-flow/, and what the sandbox's
 * WebFinger says.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import type { Sandbox } from '../sandbox/index.ts';
import { expect, test } from './fixtures';

const SHOTS = resolve(import.meta.dirname, '../../test-results/sharing-flow');

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${test.info().project.name}-${name}.png`) });
}

/** No serious or critical axe violation in what is on screen (or in `scope`). */
export async function expectAccessible(page: Page, what: string, scope?: string): Promise<void> {
  let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  if (scope) builder = builder.include(scope);
  const { violations } = await builder.analyze();
  const bad = violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect(bad, `axe on ${what}`).toEqual([]);
}

export async function openSharingSettings(page: Page): Promise<Locator> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
  const section = page.getByTestId('sharing-section');
  await expect(section).toBeVisible();
  return section;
}

export function step(page: Page, name: string): Locator {
  return page.getByTestId('sharing-flow').locator(`[data-testid="sharing-step"][data-step="${name}"]`);
}

/** What the sandbox's WebFinger answers for a user now: 200 while they share, 404 otherwise. */
export async function webFingerStatus(sandbox: Sandbox, username: string): Promise<number> {
  const response = await fetch(`${sandbox.threads.origin}/.well-known/webfinger?resource=acct:${username}@${sandbox.threads.host}`);
  await response.body?.cancel();
  return response.status;
}
