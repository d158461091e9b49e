import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, formatRecord } from '../../../electron/core/log';
import { createFileSink, teeSink } from '../../../electron/core/log-file';
import { makeTempDir } from './helpers';

describe('createFileSink', () => {
  it('creates the folder and appends one line per record, already redacted', () => {
    const dir = join(makeTempDir(), 'logs');
    const log = createLogger(createFileSink(dir), () => Date.UTC(2026, 10, 26));
    log.redact('tok_secret_value');
    log.info('oauth', 'exchanged tok_secret_value');
    log.error('sync', 'failed', new Error('boom'));
    const text = readFileSync(join(dir, 'braid.log'), 'utf8');
    expect(text.trimEnd().split('\n')).toEqual([
      '2026-11-26T00:00:00.000Z INFO [oauth] exchanged [redacted]',
      '2026-11-26T00:00:00.000Z ERROR [sync] failed: Error: boom',
    ]);
    if (process.platform !== 'win32') expect(statSync(join(dir, 'braid.log')).mode & 0o777).toBe(0o600);
  });

  it('rotates to braid.1.log past the size limit, keeping two files', () => {
    const dir = makeTempDir();
    const sink = createFileSink(dir, { maxBytes: 200 });
    const record = (n: number) => ({ level: 'info' as const, scope: 's', message: `line ${n} ${'x'.repeat(60)}`, time: 't' });
    for (let n = 0; n < 10; n++) sink(record(n));
    const current = readFileSync(join(dir, 'braid.log'), 'utf8');
    const previous = readFileSync(join(dir, 'braid.1.log'), 'utf8');
    expect(Buffer.byteLength(current)).toBeLessThanOrEqual(200);
    expect(Buffer.byteLength(previous)).toBeLessThanOrEqual(200);
    expect(current).toContain('line 9');
    expect(previous).not.toContain('line 9');
    expect(existsSync(join(dir, 'braid.2.log'))).toBe(false);
  });

  it('never throws when the folder cannot be written', () => {
    // The parent is a file, so creating the log folder fails with ENOTDIR.
    const file = join(makeTempDir(), 'not-a-folder');
    writeFileSync(file, 'x');
    const sink = createFileSink(join(file, 'logs'));
    expect(() => sink({ level: 'info', scope: 's', message: 'm', time: 't' })).not.toThrow();
    expect(existsSync(join(file, 'logs'))).toBe(false);
  });
});

describe('teeSink', () => {
  it('sends every record to every sink in order', () => {
    const seen: string[] = [];
    const sink = teeSink(
      (r) => seen.push(`a:${r.message}`),
      (r) => seen.push(`b:${r.message}`),
    );
    sink({ level: 'warn', scope: 's', message: 'm', time: 't' });
    expect(seen).toEqual(['a:m', 'b:m']);
    expect(formatRecord({ level: 'warn', scope: 's', message: 'm', time: 't' })).toBe('t WARN [s] m');
  });
});
