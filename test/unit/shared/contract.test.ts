import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  EVENT_CHANNEL,
  EVENT_NAMES,
  events,
  ipcChannel,
  isEventName,
  isMethodName,
  METHOD_NAMES,
  methods,
} from '@shared/contract';

const DOTTED = /^[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*$/;

describe('contract methods', () => {
  it('lists exactly the keys of the methods table', () => {
    expect(METHOD_NAMES).toEqual(Object.keys(methods));
    expect(METHOD_NAMES.length).toBeGreaterThan(0);
    expect(new Set(METHOD_NAMES).size).toBe(METHOD_NAMES.length);
  });

  it.each(METHOD_NAMES)('%s has zod input and output schemas and a one-line summary', (name) => {
    const spec = methods[name];
    expect(spec.input).toBeInstanceOf(z.ZodType);
    expect(spec.output).toBeInstanceOf(z.ZodType);
    expect(typeof spec.summary).toBe('string');
    expect(spec.summary.trim().length).toBeGreaterThan(0);
    expect(spec.summary).not.toContain('\n');
  });

  it.each(METHOD_NAMES)('%s is named domain.action', (name) => {
    expect(name).toMatch(DOTTED);
  });

  it('recognises its own method names and nothing else', () => {
    for (const name of METHOD_NAMES) expect(isMethodName(name)).toBe(true);
    for (const other of ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'app', 'app.', 'APP.INFO', 'app.info ', '']) {
      expect(isMethodName(other), other).toBe(false);
    }
    for (const other of [undefined, null, 1, {}, ['app.info'], Symbol('app.info')]) expect(isMethodName(other)).toBe(false);
  });

  it('takes no argument for app.info, accounts.list and settings.get', () => {
    for (const name of ['app.info', 'accounts.list', 'settings.get'] as const) {
      expect(methods[name].input.safeParse(undefined).success).toBe(true);
      expect(methods[name].input.safeParse({}).success).toBe(false);
      expect(methods[name].input.safeParse(null).success).toBe(false);
    }
  });

  it('lets settings.set change some preferences but refuses unknown ones', () => {
    const input = methods['settings.set'].input;
    expect(input.safeParse({}).success).toBe(true);
    expect(input.safeParse({ theme: 'dark' }).success).toBe(true);
    expect(input.safeParse({ reduceMotion: true }).success).toBe(true);
    expect(input.safeParse({ theme: 'dark', extra: 1 }).success).toBe(false);
    expect(input.safeParse(undefined).success).toBe(false);
  });
});

describe('ipcChannel', () => {
  it('gives each method its own fixed channel', () => {
    const channels = METHOD_NAMES.map(ipcChannel);
    expect(channels).toEqual(METHOD_NAMES.map((name) => `braid:${name}`));
    expect(new Set(channels).size).toBe(METHOD_NAMES.length);
    expect(METHOD_NAMES.map(ipcChannel)).toEqual(channels);
    expect(channels).not.toContain(EVENT_CHANNEL);
  });

  it('uses braid:event for events', () => {
    expect(EVENT_CHANNEL).toBe('braid:event');
  });
});

describe('contract events', () => {
  it('lists exactly the keys of the events table, each named domain.noun with a zod payload', () => {
    expect(EVENT_NAMES).toEqual(Object.keys(events));
    for (const name of EVENT_NAMES) {
      expect(name).toMatch(DOTTED);
      expect(events[name]).toBeInstanceOf(z.ZodType);
      expect(isEventName(name)).toBe(true);
    }
  });

  it('recognises only its own event names', () => {
    for (const other of ['toString', '__proto__', 'settings', 'app.info', 42, null]) expect(isEventName(other)).toBe(false);
  });

  it('shares no name between a method and an event', () => {
    const overlap = METHOD_NAMES.filter((name) => (EVENT_NAMES as string[]).includes(name));
    expect(overlap).toEqual([]);
  });
});
