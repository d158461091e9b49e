import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { createLogger, type Logger, type LogRecord } from '../../../electron/core/log';

/** A fresh folder in the OS temp dir, removed when the current test finishes. */
export function makeTempDir(prefix = 'braid-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every file in `dir` (not recursive) as raw bytes, by name. */
export function readAllFiles(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) files.set(entry.name, readFileSync(join(dir, entry.name)));
  }
  return files;
}

/** A logger whose records land in an array, for asserting on what was logged. */
export function captureLogger(now: () => number = () => 0): { log: Logger; records: LogRecord[]; text: () => string } {
  const records: LogRecord[] = [];
  const log = createLogger((record) => records.push(record), now);
  return { log, records, text: () => records.map((r) => `${r.level} [${r.scope}] ${r.message}`).join('\n') };
}
