/**
 * Durations and wake times as users write them (`"30s"`, `"1h30m"`, `5000`, a `Date`), turned
 * into milliseconds. Pure: shared by config validation and by `step.sleep` / `step.sleepUntil`.
 */
import ms from 'ms'
import { InputError } from './input-error.js'

/** The longest sleep, wait or configured delay we accept: 365 days. */
export const MAX_SLEEP_MS = 365 * 24 * 60 * 60 * 1000

/**
 * A duration or wake time that cannot be used. A `TypeError`, so it reads like any bad
 * argument; `field`, `problem` and `fix` let callers re-word it (e.g. `createFunction` prefixes
 * the function id).
 */
export class DurationError extends InputError {
  constructor(field: string, problem: string, fix: string) {
    super(field, problem, fix, `${field} ${problem}. Fix: ${fix}.`)
  }
}

const DURATION_FIX = 'use a number of milliseconds or a string such as "500ms", "30s", "5m", "1h30m", "2d" or "1w"'
const WAKE_TIME_FIX = 'use a Date, an ISO 8601 string such as "2030-01-01T09:00:00Z", or epoch milliseconds'

// One `<number><unit>` part; `ms` itself only understands a single part.
const DURATION_PART = /\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z]*)/y

/**
 * Milliseconds for a duration: a finite number of ms ≥ 0, or an `ms`-style string. Compound
 * strings (`"1h30m"`, `"1d 2h"`) are the sum of their parts; the official SDK passes them to
 * `ms`, which returns `undefined` for them.
 * @throws {DurationError} naming `field` when the value is not a usable duration.
 */
export function durationToMs(value: unknown, field: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new DurationError(field, `must be a finite number of milliseconds (got ${String(value)})`, DURATION_FIX)
    }
    if (value < 0) throw new DurationError(field, `must not be negative (got ${value})`, DURATION_FIX)
    return value
  }
  if (typeof value !== 'string') {
    throw new DurationError(field, `must be a duration (got ${describe(value)})`, DURATION_FIX)
  }
  const text = value.trim()
  if (text === '') throw new DurationError(field, 'must not be an empty string', DURATION_FIX)
  if (text.startsWith('-')) throw new DurationError(field, `must not be negative (got "${value}")`, DURATION_FIX)
  const total = parseParts(text)
  if (total === undefined) {
    throw new DurationError(field, `is not a valid duration (got "${value}")`, DURATION_FIX)
  }
  return total
}

function parseParts(text: string): number | undefined {
  let total = 0
  let parts = 0
  let unitless = false
  DURATION_PART.lastIndex = 0
  while (DURATION_PART.lastIndex < text.length) {
    const match = DURATION_PART.exec(text)
    if (match === null) return undefined
    const [, amount = '', unit = ''] = match
    const partMs = ms(`${amount}${unit}` as ms.StringValue) as number | undefined
    if (partMs === undefined || !Number.isFinite(partMs)) return undefined
    unitless ||= unit === ''
    total += partMs
    parts += 1
  }
  // "1h30" is ambiguous (30 what?), so a bare number is only accepted on its own.
  if (parts === 0 || (unitless && parts > 1)) return undefined
  return total
}

/**
 * Epoch milliseconds for a wake time: a valid `Date`, a string `Date.parse` understands (ISO
 * 8601 recommended), or epoch ms as a finite number ≥ 0.
 * @throws {DurationError} naming `field` when the value is not a usable point in time.
 */
export function wakeTimeToMs(value: unknown, field: string): number {
  if (value instanceof Date) {
    const time = value.getTime()
    if (Number.isNaN(time)) throw new DurationError(field, 'is an invalid Date', WAKE_TIME_FIX)
    return time
  }
  if (typeof value === 'string') {
    const time = Date.parse(value)
    if (Number.isNaN(time)) throw new DurationError(field, `is not a valid date (got "${value}")`, WAKE_TIME_FIX)
    return time
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new DurationError(field, `must be epoch milliseconds ≥ 0 (got ${String(value)})`, WAKE_TIME_FIX)
    }
    return value
  }
  throw new DurationError(field, `must be a point in time (got ${describe(value)})`, WAKE_TIME_FIX)
}

/**
 * Returns `durationMs` unchanged when it is at most `MAX_SLEEP_MS`.
 * @throws {DurationError} naming `field` when it is longer.
 */
export function assertMaxSleep(durationMs: number, field: string): number {
  if (durationMs > MAX_SLEEP_MS) {
    const days = Math.round((durationMs / 86_400_000) * 10) / 10
    throw new DurationError(field, `must be at most 365 days (got ${days} days)`, 'use a duration of 365 days ("365d") or less')
  }
  return durationMs
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object' && value !== null) return 'an object'
  if (typeof value === 'function') return 'a function'
  return String(value)
}
