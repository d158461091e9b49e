/**
 * A small logger that never prints a secret: every value that passes through the SecretStore
 * is registered here and replaced by [redacted] in anything logged.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogRecord {
  level: LogLevel;
  /** The step or function that logged, e.g. "db.open". */
  scope: string;
  message: string;
  time: string;
}

export type LogSink = (record: LogRecord) => void;

export interface Logger {
  debug(scope: string, message: string, detail?: unknown): void;
  info(scope: string, message: string, detail?: unknown): void;
  warn(scope: string, message: string, detail?: unknown): void;
  error(scope: string, message: string, detail?: unknown): void;
  /** Never log this value, however it appears. */
  redact(secret: string): void;
}

const MIN_SECRET_LENGTH = 6;

/** One line per record, the same on the console and in the log file. */
export function formatRecord(record: LogRecord): string {
  return `${record.time} ${record.level.toUpperCase()} [${record.scope}] ${record.message}`;
}

export function consoleSink(record: LogRecord): void {
  const line = formatRecord(record);
  if (record.level === 'error' || record.level === 'warn') console.error(line);
  else console.log(line);
}

export function createLogger(sink: LogSink = consoleSink, now: () => number = Date.now): Logger {
  const secrets = new Set<string>();

  // Longest first, so a secret that contains a shorter one is hidden whole.
  let ordered: string[] = [];

  function scrub(text: string): string {
    let out = text;
    for (const secret of ordered) out = out.split(secret).join('[redacted]');
    return out;
  }

  function describe(detail: unknown): string {
    if (detail === undefined) return '';
    if (detail instanceof Error) {
      const cause = detail.cause === undefined ? '' : ` (cause: ${describe(detail.cause)})`;
      return `${detail.name}: ${detail.message}${cause}`;
    }
    try {
      return JSON.stringify(detail);
    } catch {
      return '(unserializable detail)';
    }
  }

  function log(level: LogLevel, scope: string, message: string, detail?: unknown): void {
    const extra = describe(detail);
    sink({
      level,
      scope: scrub(scope),
      message: scrub(extra ? `${message}: ${extra}` : message),
      time: new Date(now()).toISOString(),
    });
  }

  return {
    debug: (scope, message, detail) => log('debug', scope, message, detail),
    info: (scope, message, detail) => log('info', scope, message, detail),
    warn: (scope, message, detail) => log('warn', scope, message, detail),
    error: (scope, message, detail) => log('error', scope, message, detail),
    redact(secret) {
      if (secret.length < MIN_SECRET_LENGTH) return;
      secrets.add(secret);
      // JSON details show the secret escaped (quotes, backslashes, control characters).
      secrets.add(JSON.stringify(secret).slice(1, -1));
      ordered = [...secrets].sort((a, b) => b.length - a.length);
    },
  };
}
