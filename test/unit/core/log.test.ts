import { describe, expect, it, vi } from 'vitest';
import { consoleSink, createLogger, type LogRecord } from '../../../electron/core/log';
import { captureLogger } from './helpers';

const TOKEN = 'tok_5d41402abc4b2a76b9719d911017c592';

describe('createLogger', () => {
  it('writes level, scope, message and an ISO time from the clock', () => {
    const { log, records } = captureLogger(() => Date.UTC(2025, 0, 2, 3, 4, 5, 6));
    log.debug('a', 'one');
    log.info('b', 'two');
    log.warn('c', 'three');
    log.error('d', 'four');
    expect(records).toEqual<LogRecord[]>([
      { level: 'debug', scope: 'a', message: 'one', time: '2025-01-02T03:04:05.006Z' },
      { level: 'info', scope: 'b', message: 'two', time: '2025-01-02T03:04:05.006Z' },
      { level: 'warn', scope: 'c', message: 'three', time: '2025-01-02T03:04:05.006Z' },
      { level: 'error', scope: 'd', message: 'four', time: '2025-01-02T03:04:05.006Z' },
    ]);
  });

  it('appends details: JSON for values, name and message (and cause) for errors', () => {
    const { log, records } = captureLogger();
    log.info('s', 'object', { id: 7, ok: true });
    log.info('s', 'error', new RangeError('too far'));
    log.info('s', 'chain', new Error('outer', { cause: new Error('inner', { cause: 'root' }) }));
    expect(records.map((r) => r.message)).toEqual([
      'object: {"id":7,"ok":true}',
      'error: RangeError: too far',
      'chain: Error: outer (cause: Error: inner (cause: "root"))',
    ]);
  });

  it('survives details it cannot serialize', () => {
    const { log, records } = captureLogger();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    log.warn('s', 'circular', circular);
    log.warn('s', 'bigint', 10n);
    expect(records.map((r) => r.message)).toEqual([
      'circular: (unserializable detail)',
      'bigint: (unserializable detail)',
    ]);
  });

  it('redacts a registered value in messages, every time it appears', () => {
    const { log, records } = captureLogger();
    log.redact(TOKEN);
    log.info('oauth', `got ${TOKEN}; stored ${TOKEN}`);
    expect(records[0]?.message).toBe('got [redacted]; stored [redacted]');
  });

  it('redacts a secret as JSON details escape it, and a longer secret whole when it contains a shorter one', () => {
    const { log, records } = captureLogger();
    const quoted = 'pa"ss\\word-1';
    log.redact('abcdef');
    log.redact('abcdef-and-more');
    log.redact(quoted);
    log.warn('oauth', 'token refused', { body: { token: quoted, other: 'abcdef-and-more' } });
    const message = records[0]?.message ?? '';
    expect(message).not.toContain('ss');
    expect(message).not.toContain('and-more');
    expect(message).toBe('token refused: {"body":{"token":"[redacted]","other":"[redacted]"}}');
  });

  it('redacts the scope too', () => {
    const { log, records } = captureLogger();
    log.redact(TOKEN);
    log.info(`oauth.${TOKEN}`, 'step');
    expect(records[0]?.scope).toBe('oauth.[redacted]');
  });

  it('redacts a registered value in error details and their causes', () => {
    const { log, text } = captureLogger();
    log.redact(TOKEN);
    const cause = new Error(`upstream echoed Bearer ${TOKEN}`);
    log.error('sync', 'failed', new Error(`request with ${TOKEN} failed`, { cause }));
    log.error('sync', 'nested', new Error('outer', { cause: new Error('middle', { cause: { token: TOKEN } }) }));
    log.warn('sync', 'object', { headers: { authorization: `Bearer ${TOKEN}` } });
    const output = text();
    expect(output).not.toContain(TOKEN);
    expect(output).toContain('upstream echoed Bearer [redacted]');
    expect(output).toContain('request with [redacted] failed');
    expect(output).toContain('{"token":"[redacted]"}');
    expect(output).toContain('"authorization":"Bearer [redacted]"');
  });

  it('redacts every registered value, and only those', () => {
    const { log, records } = captureLogger();
    log.redact('first-secret');
    log.redact('second-secret');
    log.info('s', 'first-secret and second-secret but not third-secret');
    expect(records[0]?.message).toBe('[redacted] and [redacted] but not third-secret');
  });

  it('does not register values shorter than 6 characters, which would blank ordinary words', () => {
    const { log, records } = captureLogger();
    log.redact('');
    log.redact('true');
    log.redact('12345');
    log.redact('abcdef');
    log.info('s', 'true 12345 abcdef');
    expect(records[0]?.message).toBe('true 12345 [redacted]');
  });

  it('is independent per logger', () => {
    const a = captureLogger();
    const b = captureLogger();
    a.log.redact(TOKEN);
    b.log.info('s', TOKEN);
    expect(b.records[0]?.message).toBe(TOKEN);
  });

  it('prints to the console by default', () => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const log = createLogger(undefined, () => 0);
    log.redact(TOKEN);
    log.info('boot', `ready ${TOKEN}`);
    expect(out).toHaveBeenCalledWith('1970-01-01T00:00:00.000Z INFO [boot] ready [redacted]');
    expect(err).not.toHaveBeenCalled();
  });
});

describe('consoleSink', () => {
  it('sends warnings and errors to stderr, the rest to stdout', () => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const time = '2025-01-01T00:00:00.000Z';
    consoleSink({ level: 'debug', scope: 's', message: 'd', time });
    consoleSink({ level: 'info', scope: 's', message: 'i', time });
    consoleSink({ level: 'warn', scope: 's', message: 'w', time });
    consoleSink({ level: 'error', scope: 's', message: 'e', time });
    expect(out.mock.calls).toEqual([[`${time} DEBUG [s] d`], [`${time} INFO [s] i`]]);
    expect(err.mock.calls).toEqual([[`${time} WARN [s] w`], [`${time} ERROR [s] e`]]);
  });
});
