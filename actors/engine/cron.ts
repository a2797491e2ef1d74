/**
 * Cron triggers as Inngest writes them: five fields (`0 9 * * *`), six with seconds first
 * (`30 0 9 * * *`), macros (`@daily`, `@every 5m`) and an optional IANA zone prefix
 * (`TZ=Europe/Paris 0 9 * * *`, or `CRON_TZ=`). Field parsing and the calendar walk, DST
 * included, are `croner`'s (it uses `Intl`, which workerd ships with full zone data); this file
 * reads the prefix, words errors for config, and is otherwise pure: the caller passes the time.
 */
import { Cron } from 'croner'
import { DurationError, durationToMs } from './duration.js'
import { InputError } from './input-error.js'

/** A parsed cron trigger: when it fires next. */
export interface CronSchedule {
  /** The expression as written, prefix included. */
  readonly expression: string
  /** The IANA zone its fields are read in; `UTC` unless the expression names one. */
  readonly timeZone: string
  /**
   * The first tick strictly after `epochMs`, in epoch milliseconds. A wall-clock time skipped
   * by a DST change fires when the clocks have jumped (09:00 → the first instant after the gap);
   * one that happens twice fires once, the first time.
   */
  nextAfter(epochMs: number): number
}

/**
 * A cron expression that cannot be scheduled. A `TypeError` (bad input, found at
 * `createFunction`); `field`, `problem` and `fix` let callers re-word it.
 */
export class CronSyntaxError extends InputError {
  constructor(field: string, problem: string, fix: string) {
    super(field, problem, fix)
  }
}

const CRON_FIX = 'use five cron fields such as "0 9 * * *" (minute hour day-of-month month day-of-week), optionally prefixed with a zone: "TZ=Europe/Paris 0 9 * * *"'
const ZONE_FIX = 'use an IANA zone such as "TZ=Europe/Paris 0 9 * * *" or "TZ=America/New_York 0 9 * * *"'
const EVERY_FIX = 'use a duration of at least 1s such as "@every 5m" or "@every 1h30m"'
const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']
const ZONE_PREFIX = /^(?:CRON_)?TZ=(\S*)\s+/
// Where the "does it ever fire" check starts; any fixed instant would do, and a fixed one keeps
// this module free of the clock.
const PROBE_FROM = new Date(Date.UTC(2000, 0, 1))

/**
 * Parses a cron trigger once, at `createFunction` time.
 * @param field the config path named in errors, e.g. `triggers[0].cron`.
 * @throws {CronSyntaxError} (a `TypeError`) naming `field`, what is wrong and a fix, for a bad
 *   field, an unknown zone, an unknown macro or a schedule that never fires (`0 0 30 2 *`).
 * @example
 * ```ts
 * const schedule = parseCron('TZ=Europe/Paris 0 9 * * *', 'triggers[0].cron')
 * new Date(schedule.nextAfter(Date.UTC(2026, 2, 28, 12))).toISOString() // '2026-03-29T07:00:00.000Z'
 * ```
 */
export function parseCron(expression: string, field: string): CronSchedule {
  const fail = (problem: string, fix = CRON_FIX): never => {
    throw new CronSyntaxError(field, problem, fix)
  }
  if (typeof expression !== 'string' || expression.trim() === '') {
    return fail(`must be a non-empty cron expression (got ${JSON.stringify(expression)})`)
  }
  let pattern = expression.trim()
  let timeZone = 'UTC'
  const prefix = ZONE_PREFIX.exec(pattern)
  if (prefix !== null) {
    timeZone = prefix[1] ?? ''
    if (!isTimeZone(timeZone)) fail(`has an unknown time zone ${JSON.stringify(timeZone)}`, ZONE_FIX)
    pattern = pattern.slice(prefix[0].length)
  } else if (/^(?:CRON_)?TZ=/.test(pattern)) {
    fail(`has a time zone but no schedule (got ${JSON.stringify(expression)})`)
  }

  if (/^@every(?:\s|$)/i.test(pattern)) return everySchedule(expression, timeZone, pattern.slice(6).trim(), fail)
  if (pattern.startsWith('@') && !MACROS.includes(pattern.toLowerCase())) {
    fail(`is not a known macro (got ${JSON.stringify(pattern)})`, `use one of ${MACROS.join(', ')}, @every <duration>, or five cron fields such as "0 9 * * *"`)
  }

  let cron: Cron
  try {
    // sloppyRanges accepts `5/15` (from 5, every 15), which Vixie cron and robfig/cron accept.
    cron = new Cron(pattern, { timezone: timeZone, mode: '5-or-6-parts', sloppyRanges: true })
  } catch (error) {
    return fail(`is not a valid cron expression (${describeCronError(error, pattern)}; got ${JSON.stringify(expression)})`)
  }
  if (cron.nextRun(PROBE_FROM) === null) {
    fail(`never fires: no date matches ${JSON.stringify(pattern)}`, 'check the day-of-month and month fields, e.g. "0 0 30 2 *" asks for February 30')
  }
  return {
    expression,
    timeZone,
    nextAfter(epochMs) {
      const next = cron.nextRun(new Date(checkInstant(epochMs)))
      // Unreachable for a schedule that passed the check above: without a year field, a
      // schedule that fires once fires again every few years at most.
      if (next === null) throw new RangeError(`${field}: ${JSON.stringify(expression)} has no tick after ${epochMs}`)
      return next.getTime()
    },
  }
}

// `@every d` comes from Go's robfig/cron, which counts from when the job was added; anchoring
// the ticks at the Unix epoch instead makes them the same whichever isolate computes them.
function everySchedule(expression: string, timeZone: string, duration: string, fail: (problem: string, fix?: string) => never): CronSchedule {
  let everyMs = 0
  try {
    everyMs = durationToMs(duration, 'every')
  } catch (error) {
    if (!(error instanceof DurationError)) throw error
    fail(`has a bad @every duration (got ${JSON.stringify(duration)})`, EVERY_FIX)
  }
  if (everyMs < 1_000) fail(`must repeat at most once a second (got ${JSON.stringify(duration)})`, EVERY_FIX)
  return {
    expression,
    timeZone,
    nextAfter: (epochMs) => (Math.floor(checkInstant(epochMs) / everyMs) + 1) * everyMs,
  }
}

function checkInstant(epochMs: number): number {
  if (!Number.isFinite(epochMs)) throw new RangeError(`nextAfter needs epoch milliseconds (got ${epochMs})`)
  return epochMs
}

function isTimeZone(zone: string): boolean {
  if (zone === '') return false
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

// croner prefixes its messages with "CronPattern: "; the field is named by our message already.
function describeCronError(error: unknown, pattern: string): string {
  const message = error instanceof Error ? error.message : String(error)
  if (/exactly five, six, or seven|requires exactly 5 or 6 parts/.test(message)) {
    return `needs 5 or 6 fields, got ${pattern.split(/\s+/).filter((part) => part !== '').length}`
  }
  return message.replace(/^Cron\w*: /, '')
}
