/**
 * One structured logger for every role: JSON lines for machines (a cluster, a log file), readable text on a
 * terminal. Fields whose names look like credentials are redacted before they are written.
 * @module
 */

/** Severity of a log entry, in increasing order. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** How entries are written: `json` (one object per line) or `text` (`time LEVEL message key=value`). */
export type LogFormat = "json" | "text";

/** Extra key/value pairs attached to an entry. */
export type LogFields = Readonly<Record<string, unknown>>;

/** A scoped, structured logger. */
export interface Logger {
  /** Logs detail that is only useful while debugging. */
  debug(message: string, fields?: LogFields): void;
  /** Logs a normal event, in Kubernetes style: `Created Deployment`. */
  info(message: string, fields?: LogFields): void;
  /** Logs something unexpected that thv recovered from. */
  warn(message: string, fields?: LogFields): void;
  /** Logs a failure. */
  error(message: string, fields?: LogFields): void;
  /** Returns a logger that adds `fields` to every entry (for example kind, namespace and name). */
  with(fields: LogFields): Logger;
}

/** Options of {@linkcode createLogger}. */
export interface LoggerOptions {
  /** Output format. */
  readonly format: LogFormat;
  /** Entries below this level are dropped. */
  readonly level: LogLevel;
  /** Where a finished line goes; defaults to standard error. */
  readonly write?: (line: string) => void;
  /** Clock, for tests; defaults to `new Date()`. */
  readonly now?: () => Date;
}

const LEVELS: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const SECRET_KEY = /token|secret|password|passwd|authorization|api[-_]?key|credential|cookie/i;
const REDACTED = "[redacted]";

const MAX_DEPTH = 8;

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Makes a value safe to log: credential-like keys get `[redacted]` at any depth; errors keep name, message
 * and cause; dates, URLs and other objects become their JSON or string form; bigints become strings;
 * anything deeper than eight levels becomes `[deep]`.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  if (depth > MAX_DEPTH) return "[deep]";
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: value.message };
    if (value.cause !== undefined) out.cause = redact(value.cause, depth + 1);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (!isPlainObject(value)) {
    const json = (value as { toJSON?: () => unknown }).toJSON;
    return typeof json === "function" ? json.call(value) : String(value);
  }
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? REDACTED : redact(v, depth + 1)]),
  );
}

function formatText(time: Date, level: LogLevel, message: string, fields: Record<string, unknown>): string {
  const pairs = Object.entries(fields).map(([k, v]) => {
    const s = typeof v === "string" ? v : JSON.stringify(v);
    return `${k}=${/[\s"=]/.test(s) ? JSON.stringify(s) : s}`;
  });
  return [time.toISOString(), level.toUpperCase().padEnd(5), message, ...pairs].join(" ");
}

/** Creates a logger; every role gets one from `main.ts` and passes scoped children down. */
export function createLogger(options: LoggerOptions, scope: LogFields = {}): Logger {
  const write = options.write ?? ((line: string) => console.error(line));
  const now = options.now ?? (() => new Date());
  const min = LEVELS[options.level];
  const emit = (level: LogLevel, message: string, fields: LogFields = {}) => {
    if (LEVELS[level] < min) return;
    const all = redact({ ...scope, ...fields }) as Record<string, unknown>;
    const time = now();
    let line: string;
    try {
      line = options.format === "json"
        ? JSON.stringify({ time: time.toISOString(), level, msg: message, ...all })
        : formatText(time, level, message, all);
    } catch (e) {
      // A log call must never throw into the code that made it.
      line = JSON.stringify({ time: time.toISOString(), level, msg: message, logError: (e as Error).message });
    }
    write(line);
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    with: (fields) => createLogger(options, { ...scope, ...fields }),
  };
}
