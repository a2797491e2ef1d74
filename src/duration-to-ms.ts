/**
 * `durationToMs(duration, { name? })`: the official SDK's duration parser, exported from its root.
 */
import ms from 'ms'

/** Anything with the shape of a `Temporal.Duration`, recognised by its brand (no polyfill needed). */
export interface DurationLike {
  readonly [Symbol.toStringTag]: 'Temporal.Duration'
  readonly years: number
  readonly months: number
  readonly weeks: number
  total(options: { unit: 'milliseconds' }): number
}

/** A number of milliseconds, an `ms` string ("30s", "2h", "1d"), a compound one ("1h30m", "1h 30m") or a `Temporal.Duration`. */
export type DurationInput = number | string | DurationLike

const isTemporalDuration = (input: unknown): input is DurationLike => {
  try {
    return (input as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'Temporal.Duration'
  } catch {
    return false // null or undefined
  }
}

/** An `ms` string, or the sum of a compound one's parts; undefined when any part does not parse. */
function parseString(input: string): number | undefined {
  const parts = input.trim().split(/(?<=[a-z])\s*(?=\d)/i)
  if (parts.length > 1 && !/[a-z]$/i.test(parts[parts.length - 1] ?? '')) return undefined
  let total = 0
  for (const part of parts) {
    const value = part ? ms(part as ms.StringValue) : undefined
    if (typeof value !== 'number') return undefined
    total += value
  }
  return total
}

/**
 * A positive, whole number of milliseconds, as the official SDK computes it.
 * @throws {TypeError} `${name} must be a positive, whole number of milliseconds` (the official
 * message; `name` defaults to "duration"), or, for a `Temporal.Duration` with calendar units,
 * `${name} cannot contain calendar years, months, or weeks`.
 * @example
 * ```ts
 * durationToMs('1h30m') // 5400000
 * ```
 */
export function durationToMs(duration: unknown, options: { name?: string } = {}): number {
  const name = options.name ?? 'duration'
  let milliseconds: number | undefined
  if (typeof duration === 'number') milliseconds = duration
  else if (typeof duration === 'string') milliseconds = parseString(duration)
  else if (isTemporalDuration(duration)) {
    if (duration.years || duration.months || duration.weeks) throw new TypeError(`${name} cannot contain calendar years, months, or weeks`)
    milliseconds = duration.total({ unit: 'milliseconds' })
  }
  if (typeof milliseconds !== 'number' || !Number.isSafeInteger(milliseconds) || milliseconds <= 0) {
    throw new TypeError(`${name} must be a positive, whole number of milliseconds`)
  }
  return milliseconds
}
