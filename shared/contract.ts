/**
 * The one contract between the renderer and the backend.
 *
 * Adding a method is a one-place change here: the preload, the IPC handlers, the browser host
 * and its client are all built from these keys, and `CoreHandlers` makes the compiler ask the
 * core for an implementation.
 */
import { z } from 'zod';
import {
  AccountRef,
  CompleteLinkInput,
  FlowRef,
  LinkFlow,
  LinkRequest,
  LinkTokenInput,
  LinkUpdate,
  RelinkInput,
  ServerRef,
  ThreadsServer,
  ThreadsServerInput,
  UnlinkResult,
} from './linking';
import { Account, AppInfo, Settings, SettingsPatch } from './model';
import {
  DisableSharingInput,
  EnableSharingInput,
  SharingAccountRef,
  SharingSettingsPage,
  SharingState,
  SharingVerification,
  VerifySharingInput,
} from './sharing';
import { AttachInput, ComposeCheck, Draft, DraftMedia, DraftRef, MediaAltInput, MediaRef, SaveDraftInput, SendResult } from './compose';
import { ActInput, ActResult, GroupRef, InteractionsView } from './interactions';
import { AccountSync, EntriesInput, ReadingPosition, TimelineEntry, TimelinePage, TimelinePageInput, TimelineUpdate } from './timeline';

interface MethodSpec<I extends z.ZodType, O extends z.ZodType> {
  input: I;
  output: O;
  /** One line for humans: shown in docs and in error messages. */
  summary: string;
}

function method<I extends z.ZodType, O extends z.ZodType>(
  input: I,
  output: O,
  summary: string,
): MethodSpec<I, O> {
  return { input, output, summary };
}

/** For methods that take no argument. */
const NoInput = z.undefined();

export const methods = {
  'app.info': method(NoInput, AppInfo, 'Name, version and shell of the running app'),
  'accounts.list': method(NoInput, z.array(Account), 'Linked accounts, oldest first'),
  'accounts.beginLink': method(LinkRequest, LinkFlow, 'Start signing in to a Mastodon instance or a Threads server'),
  'accounts.relink': method(RelinkInput, LinkFlow, 'Sign in again to an account that needs it, keeping its data'),
  'accounts.completeLink': method(CompleteLinkInput, Account, 'Finish a sign-in with a code the user pasted'),
  'accounts.cancelLink': method(FlowRef, z.null(), 'Stop a sign-in that has not finished'),
  'accounts.linkToken': method(LinkTokenInput, Account, 'Link a Threads account from a long-lived access token'),
  'accounts.unlink': method(AccountRef, UnlinkResult, 'Revoke an account\'s token and forget the account'),
  'accounts.recheck': method(NoInput, z.array(Account), 'Check every linked account\'s sign-in with its server'),
  'threadsServers.list': method(NoInput, z.array(ThreadsServer), 'Threads servers Braid can link accounts on'),
  'threadsServers.save': method(ThreadsServerInput, ThreadsServer, 'Add or change a Threads server\'s settings'),
  'threadsServers.remove': method(ServerRef, z.null(), 'Forget a Threads server that no account uses'),
  'timeline.page': method(TimelinePageInput, TimelinePage, 'A page of the merged timeline from the local cache, newest first'),
  'timeline.entries': method(EntriesInput, z.array(TimelineEntry), 'Cards by group id, to redraw ones that changed (missing ones are left out)'),
  'timeline.position': method(NoInput, ReadingPosition.nullable(), 'Where the user was reading when Braid last closed'),
  'timeline.savePosition': method(ReadingPosition, z.null(), 'Remember where the user is reading (and tell Mastodon\'s markers)'),
  'sync.status': method(NoInput, z.array(AccountSync), 'How each account\'s sync is doing'),
  'sync.refresh': method(NoInput, z.array(AccountSync), 'Fetch new posts for every account now'),
  'sharing.list': method(NoInput, z.array(SharingState), 'Fediverse sharing of every linked Threads account, as last checked (no network)'),
  'sharing.check': method(SharingAccountRef, SharingState, 'Ask the server now whether a Threads account shares to the Fediverse, and check its requirements'),
  'sharing.enable': method(EnableSharingInput, SharingState, 'Turn Fediverse sharing on (servers with Braid\'s sharing extension)'),
  'sharing.disable': method(DisableSharingInput, SharingState, 'Turn Fediverse sharing off, optionally asking other servers to remove shared posts'),
  'sharing.openSettings': method(SharingAccountRef, SharingSettingsPage, 'Guided mode: open Threads\' own Fediverse sharing settings in the system browser'),
  'sharing.verify': method(VerifySharingInput, SharingVerification, 'Guided mode: check by WebFinger whether the change made on Threads took effect'),
  'interactions.open': method(GroupRef, InteractionsView, 'Everything that happened to a card\'s post on both networks; starts loading and keeps it live until closed'),
  'interactions.refresh': method(GroupRef, InteractionsView, 'Load a card\'s interactions again from both networks'),
  'interactions.close': method(GroupRef, z.null(), 'Stop keeping a card\'s interactions live'),
  'interactions.act': method(ActInput, ActResult, 'Like, unlike, repost or unrepost a card\'s post from a chosen account'),
  'drafts.list': method(NoInput, z.array(Draft), 'Unsent drafts, newest first'),
  'drafts.save': method(SaveDraftInput, Draft, 'Create or update a draft as the user types'),
  'drafts.delete': method(DraftRef, z.null(), 'Throw a draft away, with its attached images'),
  'drafts.attach': method(AttachInput, DraftMedia, 'Attach an image to a draft'),
  'drafts.setAlt': method(MediaAltInput, DraftMedia, 'Change an attached image\'s alt text'),
  'drafts.detach': method(MediaRef, z.null(), 'Remove an image from a draft'),
  'compose.check': method(DraftRef, ComposeCheck, 'A draft against each chosen network\'s limits and rules'),
  'compose.send': method(DraftRef, SendResult, 'Post a draft to its chosen networks; a failure keeps the draft and says why'),
  'settings.get': method(NoInput, Settings, 'Current preferences'),
  'settings.set': method(SettingsPatch, Settings, 'Change some preferences; returns all of them'),
} as const;

export const events = {
  'settings.changed': Settings,
  'accounts.changed': z.array(Account),
  'accounts.linkUpdated': LinkUpdate,
  'timeline.updated': TimelineUpdate,
  'sync.changed': z.array(AccountSync),
  'sharing.changed': z.array(SharingState),
  'interactions.updated': InteractionsView,
  'drafts.changed': z.array(Draft),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type EventName = keyof typeof events;

export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const METHOD_NAMES = Object.keys(methods) as MethodName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.hasOwn(methods, value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(events, value);
}

/** What the backend must implement: one function per method, typed from the schemas. */
export type CoreHandlers = {
  [M in MethodName]: (input: z.output<Methods[M]['input']>) => Promise<MethodOutput<M>> | MethodOutput<M>;
};

/** IPC channel for a method; fixed by the contract, never chosen by a caller. */
export function ipcChannel(name: MethodName): string {
  return `braid:${name}`;
}

/** IPC channel on which the backend pushes contract events. */
export const EVENT_CHANNEL = 'braid:event';
