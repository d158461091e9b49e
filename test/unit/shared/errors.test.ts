import { describe, expect, it } from 'vitest';
import { BraidError, ERROR_CODES, isErrorCode, isWireError } from '@shared/errors';

describe('BraidError', () => {
  it('is an Error with a stable code, a name and an optional cause', () => {
    const cause = new Error('ENOENT');
    const error = new BraidError('storage.failed', 'Braid could not open its database.', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('BraidError');
    expect(error.code).toBe('storage.failed');
    expect(error.message).toBe('Braid could not open its database.');
    expect(error.cause).toBe(cause);
    expect(new BraidError('internal', 'x').cause).toBeUndefined();
  });

  it('puts only code and message on the wire: no cause, no stack', () => {
    const error = new BraidError('secrets.unavailable', 'Unlock your keychain.', {
      cause: new Error('tok_inside_the_cause_123456'),
    });
    const wire = error.toWire();
    expect(wire).toEqual({ code: 'secrets.unavailable', message: 'Unlock your keychain.' });
    expect(Object.keys(wire).sort()).toEqual(['code', 'message']);
    expect(JSON.stringify(wire)).not.toContain('tok_inside_the_cause');
    expect(isWireError(wire)).toBe(true);
    expect(JSON.parse(JSON.stringify(wire))).toEqual(wire);
  });
});

describe('isErrorCode', () => {
  it('accepts every listed code and nothing else', () => {
    for (const code of ERROR_CODES) expect(isErrorCode(code)).toBe(true);
    for (const other of ['', 'Internal', 'storage', 'storage.', 'toString', 1, null, undefined]) {
      expect(isErrorCode(other)).toBe(false);
    }
  });

  it('has no duplicate codes', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });
});

describe('isWireError', () => {
  it('accepts a plain { code, message } as it arrives over the bridge', () => {
    expect(isWireError({ code: 'input.invalid', message: 'Invalid arguments' })).toBe(true);
    expect(isWireError(JSON.parse('{"code":"internal","message":"","extra":1}'))).toBe(true);
    expect(isWireError(structuredClone(new BraidError('method.unknown', 'no such method').toWire()))).toBe(true);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'internal'],
    ['a number', 500],
    ['an empty object', {}],
    ['an unknown code', { code: 'teapot', message: 'short and stout' }],
    ['a missing message', { code: 'internal' }],
    ['a non-string message', { code: 'internal', message: 42 }],
    ['a missing code', { message: 'no code' }],
    ['an array', ['internal', 'message']],
  ])('refuses %s', (_label, value) => {
    expect(isWireError(value)).toBe(false);
  });
});
