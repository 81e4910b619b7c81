/** Log levels, quietest last. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, string | number | boolean | undefined>;

/** How a line is written: `text` for people, `json` (one object a line) for log collectors. */
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  /** Lowest level written. @default 'info' */
  readonly level?: LogLevel;
  /** Where lines go. @default process.stderr */
  readonly write?: (line: string) => void;
  /** Clock, injectable for tests. @default Date.now */
  readonly now?: () => number;
  /** Fields written on every line (a worker's index, for one). */
  readonly fields?: LogFields;
  /** @default 'text' */
  readonly format?: LogFormat;
}

/** Keys every JSON line has; a field of the same name is written as `field.<name>` so it cannot overwrite them. */
const RESERVED = new Set(['ts', 'level', 'msg']);

/**
 * A small line logger: `2026-11-25T10:00:00.000Z INFO message key=value …`. Values are JSON-quoted
 * when they contain spaces or quotes, so a line stays one line whatever a peer sent. With format
 * `json` a line is `{"ts":…,"level":"info","msg":…,…fields}`: field names come from our code only
 * (never from a peer), values keep their types, and JSON escaping keeps a newline inside the line.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level ?? 'info');
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const now = options.now ?? Date.now;
  const log = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    if (options.format === 'json') return write(jsonLine(new Date(now()).toISOString(), level, message, { ...options.fields, ...fields }));
    let line = `${new Date(now()).toISOString()} ${level.toUpperCase()} ${message}`;
    for (const [key, value] of Object.entries({ ...options.fields, ...fields })) {
      if (value !== undefined) line += ` ${key}=${formatValue(value)}`;
    }
    write(line);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

function jsonLine(ts: string, level: LogLevel, msg: string, fields: LogFields): string {
  const entry: Record<string, string | number | boolean> = { ts, level, msg };
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) entry[RESERVED.has(key) ? `field.${key}` : key] = value;
  }
  return JSON.stringify(entry);
}

function formatValue(value: string | number | boolean): string {
  const text = String(value);
  return /^[\w.:/@+-]+$/.test(text) ? text : JSON.stringify(text);
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = createLogger({ level: 'silent' });
