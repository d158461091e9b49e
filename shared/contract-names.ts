/**
 * The contract's method and event names without its schemas.
 *
 * `window.braid` is built from the names alone, and the renderer's startup should not pay for
 * building every zod schema in contract.ts (tens of milliseconds before the first post can
 * show). The types below fail to compile when a name is missing or unknown, and
 * test/unit/shared/contract-names.test.ts checks that both lists are exactly the keys of
 * `methods` and `events`, in order.
 */
import type { EventName, MethodName } from './contract';

/** The list itself when it names every member of `All`; `never` (a compile error) otherwise. */
type Complete<All extends string, Listed extends readonly All[]> = [Exclude<All, Listed[number]>] extends [never] ? Listed : never;

const methodNames = [
  'app.info',
  'accounts.list',
  'accounts.beginLink',
  'accounts.relink',
  'accounts.completeLink',
  'accounts.cancelLink',
  'accounts.linkToken',
  'accounts.unlink',
  'accounts.recheck',
  'threadsServers.list',
  'threadsServers.save',
  'threadsServers.remove',
  'timeline.page',
  'timeline.entries',
  'timeline.position',
  'timeline.savePosition',
  'sync.status',
  'sync.refresh',
  'sharing.list',
  'sharing.check',
  'sharing.enable',
  'sharing.disable',
  'sharing.openSettings',
  'sharing.verify',
  'interactions.open',
  'interactions.refresh',
  'interactions.close',
  'interactions.act',
  'drafts.list',
  'drafts.save',
  'drafts.delete',
  'drafts.attach',
  'drafts.setAlt',
  'drafts.detach',
  'compose.check',
  'compose.send',
  'settings.get',
  'settings.set',
] as const satisfies readonly MethodName[];

const eventNames = [
  'settings.changed',
  'accounts.changed',
  'accounts.linkUpdated',
  'timeline.updated',
  'sync.changed',
  'sharing.changed',
  'interactions.updated',
  'drafts.changed',
] as const satisfies readonly EventName[];

export const METHOD_NAMES: Complete<MethodName, typeof methodNames> = methodNames;
export const EVENT_NAMES: Complete<EventName, typeof eventNames> = eventNames;

const EVENTS: ReadonlySet<string> = new Set(EVENT_NAMES);

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && EVENTS.has(value);
}
