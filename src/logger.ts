/**
 * The official SDK's logger helpers: `ConsoleLogger`, `ProxyLogger` and
 * `wrapStringFirstLogger`, with its `Logger`, `LogArg` and `LogLevel` types. Also the
 * `@dotdo/inngest/middleware/logger` subpath (v3's `inngest/middleware/logger`).
 */
import type { Logger } from './types.js'

export type { Logger } from './types.js'

/** Anything a log call takes: a message, fields, values to interpolate. */
export type LogArg = unknown

/** The levels the official SDK names, least to most quiet. */
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const
/** A `ConsoleLogger` level: `fatal` logs errors only, `silent` nothing. */
export type LogLevel = (typeof logLevels)[number]

type Level = 'debug' | 'info' | 'warn' | 'error'
const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 }

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** A Pino-style call, `(fields, message, ...rest)`, which string-first loggers misread. */
const isFieldsFirst = (args: readonly unknown[]): boolean => args.length > 1 && isRecord(args[0]) && typeof args[1] === 'string'

/**
 * Logs to the console from `level` up (default `info`); a Pino-style `(fields, message)` call
 * prints the message first, then `fields.err`, then the other fields. Not for production.
 * @example
 * ```ts
 * const inngest = new Inngest({ id: 'app', logger: new ConsoleLogger({ level: 'debug' }) })
 * ```
 */
export class ConsoleLogger implements Logger {
  private readonly level: LogLevel

  constructor(opts: { level?: LogLevel } = {}) {
    this.level = opts.level ?? 'info'
  }

  info(...args: LogArg[]): void {
    if (this.shouldLog('info')) this.logFormatted(console.info, args)
  }
  warn(...args: LogArg[]): void {
    if (this.shouldLog('warn')) this.logFormatted(console.warn, args)
  }
  error(...args: LogArg[]): void {
    if (this.shouldLog('error')) this.logFormatted(console.error, args)
  }
  debug(...args: LogArg[]): void {
    if (this.shouldLog('debug')) this.logFormatted(console.debug, args)
  }

  private logFormatted(write: (...args: unknown[]) => void, args: LogArg[]): void {
    if (!isFieldsFirst(args)) return write(...args)
    const [fields, message, ...rest] = args as [Record<string, unknown>, string, ...unknown[]]
    const others = Object.fromEntries(Object.entries(fields).filter(([key]) => key !== 'err'))
    write(message)
    if (fields.err) write(fields.err)
    if (Object.keys(others).length > 0) write(others)
    if (rest.length > 0) write(...rest)
  }

  private shouldLog(level: Level): boolean {
    if (this.level === 'silent') return false
    const threshold: Level = this.level === 'fatal' ? 'error' : this.level in RANK ? (this.level as Level) : 'info'
    return RANK[level] >= RANK[threshold]
  }
}

/**
 * A thin wrapper on a logger that passes calls through only while enabled, as the official SDK
 * uses it to keep replayed code from logging twice; any other property reads through to the
 * wrapped logger. (This SDK's handlers already log once per line without it.)
 */
export class ProxyLogger implements Logger {
  private readonly logger: Logger
  private enabled = false

  constructor(logger: Logger) {
    this.logger = logger
    // Reads of what ProxyLogger lacks (a logger's `child`, `level`…) reach the wrapped logger.
    return new Proxy(this, {
      get(target, prop, receiver) {
        if (prop in target) return Reflect.get(target, prop, receiver)
        return Reflect.get(target.logger, prop, receiver)
      },
    })
  }

  info(...args: LogArg[]): void {
    if (this.enabled) this.logger.info(...args)
  }
  warn(...args: LogArg[]): void {
    if (this.enabled) this.logger.warn(...args)
  }
  error(...args: LogArg[]): void {
    if (this.enabled) this.logger.error(...args)
  }
  debug(...args: LogArg[]): void {
    if (this.enabled && typeof this.logger.debug === 'function') this.logger.debug(...args)
  }
  enable(): void {
    this.enabled = true
  }
  disable(): void {
    this.enabled = false
  }

  /** Calls the wrapped logger's `flush()` if it has one; otherwise waits a tick (nothing for a `ConsoleLogger`). */
  async flush(): Promise<void> {
    if (this.logger.constructor.name === ConsoleLogger.name) return
    const logger = this.logger as Logger & { flush?: () => unknown }
    if (typeof logger.flush === 'function') {
      await logger.flush()
      return
    }
    await new Promise((resolve) => setTimeout(resolve))
  }
}

/**
 * Wraps a string-first logger (Winston) so Pino-style calls, `logger.info({ requestId }, 'message')`,
 * reach it as `('message', { requestId })`.
 * @example
 * ```ts
 * const inngest = new Inngest({ id: 'app', logger: wrapStringFirstLogger(winstonLogger) })
 * ```
 */
export function wrapStringFirstLogger(logger: Logger): Logger {
  const wrap =
    (method: Level) =>
    (...args: unknown[]): void => {
      if (isFieldsFirst(args)) {
        const [fields, message, ...rest] = args
        logger[method](message, fields, ...rest)
      } else logger[method](...args)
    }
  return { info: wrap('info'), warn: wrap('warn'), error: wrap('error'), debug: wrap('debug') }
}
