/**
 * The one contract between the renderer and the backend.
 *
 * Adding a method is a one-place change here: the preload, the IPC handlers, the browser host
 * and its client are all built from these keys, and `CoreHandlers` makes the compiler ask the
 * core for an implementation.
 */
import { z } from 'zod';
import { Account, AppInfo, Settings, SettingsPatch } from './model';

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
  'settings.get': method(NoInput, Settings, 'Current preferences'),
  'settings.set': method(SettingsPatch, Settings, 'Change some preferences; returns all of them'),
} as const;

export const events = {
  'settings.changed': Settings,
  'accounts.changed': z.array(Account),
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
