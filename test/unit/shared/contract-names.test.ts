import { describe, expect, it } from 'vitest';
import { EVENT_NAMES, events, isEventName as contractIsEventName, METHOD_NAMES, methods } from '@shared/contract';
import * as names from '@shared/contract-names';

describe('contract names without the schemas', () => {
  it('lists exactly the keys of the methods table, in order', () => {
    expect(names.METHOD_NAMES).toEqual(Object.keys(methods));
    expect(names.METHOD_NAMES).toEqual(METHOD_NAMES);
  });

  it('lists exactly the keys of the events table, in order', () => {
    expect(names.EVENT_NAMES).toEqual(Object.keys(events));
    expect(names.EVENT_NAMES).toEqual(EVENT_NAMES);
  });

  it('recognises event names exactly as the contract does', () => {
    const candidates: unknown[] = [...EVENT_NAMES, ...METHOD_NAMES, 'toString', '__proto__', 'constructor', 'settings', '', 42, null, undefined, {}, ['sync.changed']];
    for (const value of candidates) expect(names.isEventName(value), String(value)).toBe(contractIsEventName(value));
  });
});
