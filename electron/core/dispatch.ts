import type { z } from 'zod';
import { isMethodName, methods, type CoreHandlers, type MethodName } from '@shared/contract';
import { BraidError, type WireResult } from '@shared/errors';
import type { Logger } from './log';

export type Dispatch = (name: unknown, input: unknown) => Promise<WireResult<unknown>>;

/** Turns zod's issues into one line a person (or a developer reading a bug report) can use. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'value'}: ${issue.message}`)
    .join('; ');
}

/**
 * The single entry point for every contract call, whichever shell it came through: checks the
 * method name, validates input and output with the contract's schemas, and turns every failure
 * into `{ ok: false, error: { code, message } }`. It never throws.
 */
export function createDispatcher(handlers: CoreHandlers, log: Logger): Dispatch {
  return async (name, input) => {
    if (!isMethodName(name)) {
      return { ok: false, error: { code: 'method.unknown', message: `Braid has no method named ${printable(name)}.` } };
    }
    const spec = methods[name];
    try {
      // Inside the try: parsing reads the caller's object, and a throwing getter must not escape.
      const parsed = spec.input.safeParse(input);
      if (!parsed.success) {
        return {
          ok: false,
          error: { code: 'input.invalid', message: `Invalid arguments for ${name}: ${describeIssues(parsed.error)}` },
        };
      }
      const handler = handlers[name] as (input: unknown) => unknown;
      const value = await handler(parsed.data);
      const checked = spec.output.safeParse(value);
      if (!checked.success) {
        log.error(`dispatch.${name}`, 'handler returned a value outside the contract', describeIssues(checked.error));
        return {
          ok: false,
          error: { code: 'output.invalid', message: `Braid produced an unexpected answer for ${name}. This is a bug.` },
        };
      }
      return { ok: true, value: checked.data };
    } catch (error) {
      return { ok: false, error: toWireError(name, error, log) };
    }
  };
}

/** A caller's method name for a message. `String()` on an object can throw or run the caller's code. */
function printable(name: unknown): string {
  return (typeof name === 'object' && name !== null) || typeof name === 'function'
    ? Object.prototype.toString.call(name)
    : String(name);
}

function toWireError(name: MethodName, error: unknown, log: Logger) {
  if (error instanceof BraidError) {
    log.warn(`dispatch.${name}`, error.message, error.cause);
    return error.toWire();
  }
  log.error(`dispatch.${name}`, 'unexpected failure', error);
  return { code: 'internal' as const, message: `Something went wrong in ${name}. Details are in Braid's log.` };
}
