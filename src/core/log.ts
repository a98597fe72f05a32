/**
 * Logging hook, off by default. Each module makes a `Logger` for its namespace
 * (`sansrtc:stun`, `sansrtc:sctp`, ...). Nothing is formatted or emitted unless a sink is
 * installed with `setLogSink` and the namespace is enabled, so logging costs one boolean
 * check on hot paths.
 *
 * Namespaces are enabled with a pattern list in the style of the `debug` package:
 * `setLogNamespaces('sansrtc:*,-sansrtc:sctp')`. In Node the driver reads `SANSRTC_DEBUG`.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogSink = (namespace: string, level: LogLevel, message: string, data?: unknown) => void;

let sink: LogSink | undefined;
let include: RegExp[] = [];
let exclude: RegExp[] = [];
const loggers = new Map<string, Logger>();

export class Logger {
  readonly namespace: string;
  /** Whether anything logged here goes anywhere; check before building costly messages. */
  enabled = false;

  constructor(namespace: string) {
    this.namespace = namespace;
  }

  debug(message: string, data?: unknown): void {
    if (this.enabled) sink!(this.namespace, 'debug', message, data);
  }

  info(message: string, data?: unknown): void {
    if (this.enabled) sink!(this.namespace, 'info', message, data);
  }

  warn(message: string, data?: unknown): void {
    if (this.enabled) sink!(this.namespace, 'warn', message, data);
  }

  error(message: string, data?: unknown): void {
    if (this.enabled) sink!(this.namespace, 'error', message, data);
  }
}

function patternToRegExp(p: string): RegExp {
  const escaped = p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function isEnabled(ns: string): boolean {
  if (!sink) return false;
  if (exclude.some((r) => r.test(ns))) return false;
  return include.some((r) => r.test(ns));
}

function refresh(): void {
  for (const l of loggers.values()) l.enabled = isEnabled(l.namespace);
}

/** The logger for `namespace` (one instance per namespace). */
export function logger(namespace: string): Logger {
  let l = loggers.get(namespace);
  if (!l) {
    l = new Logger(namespace);
    l.enabled = isEnabled(namespace);
    loggers.set(namespace, l);
  }
  return l;
}

/** Installs (or, with undefined, removes) the function that receives log records. */
export function setLogSink(s: LogSink | undefined): void {
  sink = s;
  refresh();
}

/** Sets which namespaces log: comma-separated patterns with `*`, `-` to exclude. */
export function setLogNamespaces(patterns: string): void {
  include = [];
  exclude = [];
  for (const raw of patterns.split(/[\s,]+/)) {
    if (!raw) continue;
    if (raw.startsWith('-')) exclude.push(patternToRegExp(raw.slice(1)));
    else include.push(patternToRegExp(raw));
  }
  refresh();
}

/** A sink that writes one line per record to the console (stderr in Node). */
export const consoleSink: LogSink = (ns, level, message, data) => {
  const line = `${ns} ${level} ${message}`;
  if (data === undefined) console.error(line);
  else console.error(line, data);
};
