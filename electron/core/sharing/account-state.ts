/**
 * The pure half of the user's own accounts' Fediverse sharing (account-sharing.ts): the shapes of
 * a SharingState (never checked, as the extension reports it, after WebFinger, after a failed
 * check), the requirement texts, what a refused change means, and the words of a verification.
 * No network, no storage, no clock of its own (callers pass `now`), so the service keeps only
 * the stateful work and these can be read and tested on their own.
 */
import { BraidError } from '@shared/errors';
import {
  SharingState as SharingStateSchema,
  type RequirementId,
  type SharingMode,
  type SharingRequirement,
  type SharingState,
} from '@shared/sharing';
import type { AccountRecord } from '../db/accounts-repo';
import { isNotOffered, type GraphError } from '../networks/threads/graph';
import { sharingSettingsUrl, type ThreadsWeb } from './threads-web';
import type { WebFingerResult } from './webfinger';

/** One Threads account and where its server's API and public side are. */
export interface Target {
  account: AccountRecord;
  apiBase: string;
  /** The API's host, for messages: graph.threads.net, 127.0.0.1:4100. */
  host: string;
  web: ThreadsWeb;
  /** `@user@domain`, the handle WebFinger is asked about. */
  handle: string;
}

const LABELS: Record<RequirementId, string> = { 'public-profile': 'Public profile', 'age-18': '18 or older' };
const FIXES: Record<RequirementId, string> = {
  'public-profile': 'The profile is private. Make it public in Threads (Settings → Privacy → Private profile off), then press Check again.',
  'age-18': 'Threads shares only profiles of people 18 or older; this cannot be changed in settings.',
};
/** What the error message says each requirement needs. */
const NEEDS: Record<RequirementId, string> = { 'public-profile': 'a public profile', 'age-18': 'a person 18 or older' };
/** The extension's `ineligible_reasons` and the requirement each one fails. */
const REASONS: Record<string, RequirementId> = { private_profile: 'public-profile', under_18: 'age-18' };
const REQUIREMENT_IDS: readonly RequirementId[] = ['public-profile', 'age-18'];
const GUIDED_DETAIL = 'Threads checks this in its own settings when you turn sharing on; Braid cannot see it.';
const UNCHECKED_DETAIL = 'Braid has not checked this yet.';

/** `2026-11-02 10:05 UTC`: the same for everyone reading the log or the settings screen. */
function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function apiRequirements(unmet: ReadonlySet<RequirementId>): SharingRequirement[] {
  return REQUIREMENT_IDS.map((id) => ({ id, label: LABELS[id], met: !unmet.has(id), detail: unmet.has(id) ? FIXES[id] : null }));
}

/** Requirements Braid cannot judge: Threads checks them (guided mode), or nobody asked yet. */
function openRequirements(detail: string): SharingRequirement[] {
  return REQUIREMENT_IDS.map((id) => ({ id, label: LABELS[id], met: null, detail }));
}

function guidedRequirements(): SharingRequirement[] {
  return openRequirements(GUIDED_DETAIL);
}

/** Requirements named in the extension's reasons (or in its #100 message), unknown ones left out. */
function unmetIn(reasons: readonly string[]): Set<RequirementId> {
  return new Set(reasons.map((reason) => REASONS[reason.trim()]).filter((id) => id !== undefined));
}

function ineligibleError(target: Target, unmet: ReadonlySet<RequirementId>): BraidError {
  const who = `Threads will not let @${target.account.handle} share to the Fediverse`;
  if (unmet.size === 0) return new BraidError('sharing.ineligible', `${who}: it shares only public profiles of people 18 or older.`);
  const needs = [...unmet].map((id) => NEEDS[id]).join(' and ');
  const fixes = [...unmet].map((id) => FIXES[id]).join(' ');
  return new BraidError('sharing.ineligible', `${who}: sharing needs ${needs}. ${fixes}`);
}

export function guidedOnlyError(target: Target): BraidError {
  return new BraidError(
    'sharing.guided-only',
    `${target.host} has no API for this; use Threads' settings page to turn Fediverse sharing on or off, then let Braid check it.`,
  );
}

/** What a refused change means, in words a person can act on; undefined leaves Meta's envelope to graph.ts. */
export function changeError(target: Target, status: number, error: GraphError | undefined): BraidError | undefined {
  const message = error?.message ?? '';
  if (error?.code === 10) {
    return new BraidError(
      'account.needs-sign-in',
      `${target.host} did not let Braid change Fediverse sharing: Braid's sign-in for @${target.account.handle} lacks the permission to publish. Sign in again and allow publishing (threads_content_publish).`,
    );
  }
  if (error?.code === 100 && /cannot share/i.test(message)) return ineligibleError(target, unmetIn(message.split(':').pop()?.split(',') ?? []));
  if (error?.code === 100 && /accept_warnings/i.test(message)) {
    return new BraidError('sharing.needs-acknowledgement', "Turning sharing on needs you to accept Threads' warnings first.");
  }
  return isNotOffered(status, error) ? guidedOnlyError(target) : undefined;
}

export function sameState(a: SharingState, b: SharingState): boolean {
  // Parsing puts keys in the schema's order, so equal states stringify equally.
  return JSON.stringify(SharingStateSchema.parse(a)) === JSON.stringify(SharingStateSchema.parse(b));
}

/** The first sentence, without its full stop: "127.0.0.1:4100 did not answer within 10 s". */
function firstSentence(text: string): string {
  return (text.trim().split(/(?<=\.)\s+/)[0] ?? text).replace(/\.$/, '');
}

export function neverChecked(target: Target, mode: SharingMode, how = 'Not checked yet'): SharingState {
  return {
    accountId: target.account.id,
    fediverseHandle: target.handle,
    mode,
    status: 'unknown',
    requirements: mode === 'api' ? openRequirements(UNCHECKED_DETAIL) : guidedRequirements(),
    fediverseFollowers: null,
    actorId: null,
    checkedAt: null,
    how,
    problem: null,
    // Threads' own page works for every server, so an account Braid knows nothing about gets it.
    settingsUrl: mode === 'guided' ? sharingSettingsUrl(target.web) : null,
  };
}

export function apiState(target: Target, body: Record<string, unknown>, now: () => number): SharingState {
  const at = now();
  const reasons = Array.isArray(body.ineligible_reasons) ? body.ineligible_reasons.filter((r): r is string => typeof r === 'string') : [];
  const unmet = unmetIn(reasons);
  const said = body.status;
  if (said !== 'enabled' && said !== 'disabled' && said !== 'ineligible') {
    throw new BraidError('network.bad-response', `${target.host} described Fediverse sharing in a way Braid could not read.`);
  }
  const status = unmet.size > 0 ? 'ineligible' : said;
  const followers = body.fediverse_followers_count;
  const unexplained = status === 'ineligible' && unmet.size === 0;
  return {
    accountId: target.account.id,
    fediverseHandle: typeof body.fediverse_handle === 'string' && body.fediverse_handle !== '' ? body.fediverse_handle : target.handle,
    mode: 'api',
    status,
    requirements: apiRequirements(unmet),
    fediverseFollowers: typeof followers === 'number' && Number.isInteger(followers) && followers >= 0 ? followers : null,
    actorId: status === 'enabled' && typeof body.activitypub_actor_id === 'string' && /^https?:\/\//.test(body.activitypub_actor_id) ? body.activitypub_actor_id : null,
    checkedAt: new Date(at).toISOString(),
    how: `${target.host}'s sharing settings, checked at ${formatTime(at)}.`,
    problem: unexplained ? `Threads says this profile cannot share, for a reason Braid does not know (${reasons.join(', ') || 'none given'}).` : null,
    settingsUrl: null,
  };
}

/**
 * The state after a WebFinger answer. Guided mode takes the status from it; api mode keeps the
 * server's requirements and only corrects on/off. "Could not tell" keeps `base` and says why.
 */
export function afterWebFinger(target: Target, mode: SharingMode, base: SharingState, result: WebFingerResult, now: () => number): SharingState {
  if (result.state === 'unknown') return { ...base, problem: result.reason };
  const at = now();
  const found = result.state === 'shared';
  const offStatus = mode === 'api' && base.status === 'ineligible' ? 'ineligible' : 'disabled';
  return {
    ...base,
    fediverseHandle: mode === 'guided' ? target.handle : base.fediverseHandle,
    mode,
    status: found ? 'enabled' : offStatus,
    requirements: mode === 'guided' ? guidedRequirements() : base.requirements,
    fediverseFollowers: mode === 'guided' ? null : base.fediverseFollowers,
    actorId: found ? result.actorId : null,
    checkedAt: new Date(at).toISOString(),
    how: `WebFinger for ${target.handle} answered ${found ? 'found' : 'not found'} at ${formatTime(at)}.`,
    problem: null,
    settingsUrl: mode === 'guided' ? sharingSettingsUrl(target.web) : null,
  };
}

/** The stored state (or a blank one) with the reason this check failed; status and time unchanged. */
export function failed(target: Target, problem: string, mode: SharingMode | undefined, stored: SharingState | undefined): SharingState {
  const base = stored ?? neverChecked(target, mode ?? 'guided', 'Braid has not been able to check yet.');
  if (mode === undefined || mode === base.mode) return { ...base, problem };
  return { ...base, mode, settingsUrl: mode === 'guided' ? sharingSettingsUrl(target.web) : null, problem };
}

export function confirmedBy(result: WebFingerResult, expect: 'enabled' | 'disabled'): boolean {
  if (result.state === 'shared') return expect === 'enabled';
  if (result.state === 'not-shared') return expect === 'disabled';
  return false;
}

export function verifyMessage(target: Target, result: WebFingerResult): string {
  const looked = `Braid looked up ${target.handle} by WebFinger and`;
  if (result.state === 'shared') return `${looked} found it: your profile is on the Fediverse.`;
  if (result.state === 'not-shared') return `${looked} did not find it: sharing looks off.`;
  return `${looked} could not tell: ${firstSentence(result.reason)}. Try again in a moment.`;
}
