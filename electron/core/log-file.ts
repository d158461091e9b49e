import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatRecord, type LogSink } from './log';

export const LOG_FILE = 'braid.log';

export interface FileSinkOptions {
  /** Past this size the file is moved to braid.1.log (replacing an older one) and a new one begun. */
  maxBytes?: number;
}

/**
 * Appends log lines to `<dir>/braid.log`, keeping at most two files. Records arrive already
 * redacted. A failure to write is swallowed: logging must never take the app down.
 */
export function createFileSink(dir: string, options: FileSinkOptions = {}): LogSink {
  const maxBytes = options.maxBytes ?? 2 * 1024 * 1024;
  const file = join(dir, LOG_FILE);
  let size: number | null = null;

  return (record) => {
    const line = `${formatRecord(record)}\n`;
    try {
      if (size === null) {
        mkdirSync(dir, { recursive: true });
        size = fileSize(file);
      }
      if (size + Buffer.byteLength(line) > maxBytes && size > 0) {
        renameSync(file, join(dir, 'braid.1.log'));
        size = 0;
      }
      appendFileSync(file, line, { mode: 0o600 });
      size += Buffer.byteLength(line);
    } catch {
      size = null;
    }
  };
}

export function teeSink(...sinks: LogSink[]): LogSink {
  return (record) => {
    for (const sink of sinks) sink(record);
  };
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
