/**
 * The shape of `window.braid`: the contract's methods grouped by domain
 * (`braid.settings.set(...)`), plus `on` for events. Both the Electron preload and the browser
 * host client produce exactly this object from the contract's keys.
 */
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from './contract';
// The names only: importing contract.ts itself would build every zod schema in the renderer.
import { METHOD_NAMES } from './contract-names';

type Domain<M extends string> = M extends `${infer D}.${string}` ? D : never;
type Action<M extends string, D extends string> = M extends `${D}.${infer A}` ? A : never;

type Call<M extends MethodName> = [MethodInput<M>] extends [undefined]
  ? () => Promise<MethodOutput<M>>
  : (input: MethodInput<M>) => Promise<MethodOutput<M>>;

export type BraidMethods = {
  [D in Domain<MethodName>]: {
    [A in Action<MethodName, D>]: `${D}.${A}` extends MethodName ? Call<`${D}.${A}`> : never;
  };
};

export type Unsubscribe = () => void;

export type BraidApi = BraidMethods & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe;
};

/** Sends one call and resolves with its value or rejects with a plain `{ code, message }`. */
export type Invoker = (name: MethodName, input: unknown) => Promise<unknown>;

/** Builds the nested method object from the contract's keys; used by the preload and the host client. */
export function buildMethods(invoke: Invoker): BraidMethods {
  const api: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const name of METHOD_NAMES) {
    const dot = name.indexOf('.');
    const domain = name.slice(0, dot);
    const action = name.slice(dot + 1);
    api[domain] ??= {};
    api[domain][action] = (input?: unknown) => invoke(name, input);
  }
  return api as unknown as BraidMethods;
}
