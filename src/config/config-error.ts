/**
 * Bad function config: the error `createFunction` throws, and the small checks that throw it.
 * Every message names the field, what is wrong and the fix.
 */
import { assertMaxSleep, durationToMs } from '../../actors/engine/duration.js'
import { InputError } from '../../actors/engine/input-error.js'

/**
 * Thrown by `createFunction` for config that cannot work.
 *
 * `name` stays `'TypeError'`: the contract is "a TypeError at createFunction time", and code that
 * checks `err.name` (or sees the error after an RPC hop, where `instanceof` is lost) should see
 * exactly that. `instanceof ConfigError`, `field` and `fix` tell it apart when needed.
 * @example
 * ```ts
 * try { inngest.createFunction({ id: 'x', retries: 25 }, handler) }
 * catch (err) { if (err instanceof TypeError) console.log(err.field, err.fix) }
 * ```
 */
export class ConfigError extends InputError {
  constructor(
    /** The function's id, when it was valid enough to name. */
    readonly functionId: string | undefined,
    field: string,
    problem: string,
    fix: string,
  ) {
    const where = functionId === undefined ? 'createFunction' : `createFunction ${JSON.stringify(functionId)}`
    super(field, problem, fix, `${where}: ${field} ${problem}. Fix: ${fix}.`)
  }
}

/** A config object as read from user input: any non-null, non-array object. */
export type ConfigObject = Readonly<Record<string, unknown>>

/** Whether `value` is a non-null object that is not an array. */
export function isConfigObject(value: unknown): value is ConfigObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A short description of a bad value for a message: `25`, `"5x"`, `an array`, `null`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object' && value !== null) return 'an object'
  if (typeof value === 'function') return 'a function'
  return String(value)
}

/** A duration as the user wrote it, for a message: `"5m"`, or `300000ms` for a number. */
export function describeDuration(value: unknown): string {
  return typeof value === 'number' ? `${value}ms` : describeValue(value)
}

/** Checks bound to one function id, each throwing a `ConfigError` for it. */
export interface ConfigChecks {
  readonly functionId: string | undefined
  fail(field: string, problem: string, fix: string): never
  /** An object, or a failure with `fix`. */
  object(value: unknown, field: string, fix: string): ConfigObject
  /** Fails on the first key of `value` not in `known`, suggesting a close match. */
  knownKeys(value: ConfigObject, field: string, known: readonly string[]): void
  /** An integer from `min` to `max` (no upper bound when `max` is omitted). */
  integer(value: unknown, field: string, fix: string, min: number, max?: number): number
  /** A non-empty string. */
  string(value: unknown, field: string, fix: string): string
  /** One of `choices`. */
  oneOf<T extends string>(value: unknown, field: string, choices: readonly T[]): T
  /** Milliseconds for a duration (see `durationToMs`): within `range` when given, else at most `MAX_SLEEP_MS`. */
  duration(value: unknown, field: string, range?: DurationRange): number
  /** `parse()`'s result; an `InputError` it throws (a bad duration, cron, expression) fails with its field and fix. */
  parsed<T>(parse: () => T): T
}

/** Inclusive bounds for a configured duration, in ms, and as messages write them (`1s to 7d`). */
export interface DurationRange {
  readonly minMs: number
  readonly maxMs: number
  readonly text: string
}

/** Field checks that name `functionId` in their errors. */
export function configChecks(functionId: string | undefined): ConfigChecks {
  const fail = (field: string, problem: string, fix: string): never => {
    throw new ConfigError(functionId, field, problem, fix)
  }
  const parsed = <T>(parse: () => T): T => {
    try {
      return parse()
    } catch (error) {
      if (error instanceof InputError) fail(error.field, error.problem, error.fix)
      throw error
    }
  }
  return {
    functionId,
    fail,
    object(value, field, fix) {
      if (!isConfigObject(value)) return fail(field, `must be an object (got ${describeValue(value)})`, fix)
      return value
    },
    knownKeys(value, field, known) {
      for (const key of Object.keys(value)) {
        if (known.includes(key)) continue
        const path = field === '' ? key : `${field}.${key}`
        const guess = closestKey(key, known)
        const fix = guess === undefined ? `remove it; accepted keys are ${known.join(', ')}` : `rename it to "${guess}"`
        fail(path, 'is not a known option', fix)
      }
    },
    integer(value, field, fix, min, max) {
      const ok = typeof value === 'number' && Number.isInteger(value) && value >= min && (max === undefined || value <= max)
      if (!ok) {
        const range = max === undefined ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`
        fail(field, `must be ${range} (got ${describeValue(value)})`, fix)
      }
      return value as number
    },
    string(value, field, fix) {
      if (typeof value !== 'string' || value === '') {
        fail(field, `must be a non-empty string (got ${describeValue(value)})`, fix)
      }
      return value as string
    },
    oneOf(value, field, choices) {
      if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as (typeof choices)[number]
      const listed = choices.map((choice) => `"${choice}"`).join(', ')
      return fail(field, `must be one of ${listed} (got ${describeValue(value)})`, `use one of ${listed}`)
    },
    parsed,
    duration(value, field, range) {
      const durationMs = parsed(() => durationToMs(value, field))
      if (range === undefined) return parsed(() => assertMaxSleep(durationMs, field))
      if (durationMs < range.minMs || durationMs > range.maxMs) {
        fail(field, `must be from ${range.text} (got ${describeDuration(value)})`, `use a duration from ${range.text}`)
      }
      return durationMs
    },
  }
}

// A typo is usually a letter or two off (`finsh`, `keys`) or keeps the start of the word
// (`retry`, `rateLimits`); anything less alike gets no guess rather than a wrong one.
function closestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase()
  const maxEdits = lower.length <= 4 ? 1 : 2
  let best: string | undefined
  let bestEdits = maxEdits + 1
  for (const candidate of known) {
    const edits = editDistance(lower, candidate.toLowerCase())
    if (edits < bestEdits) [best, bestEdits] = [candidate, edits]
  }
  if (best !== undefined) return best
  let bestPrefix = 3
  for (const candidate of known) {
    const other = candidate.toLowerCase()
    let length = 0
    while (length < lower.length && lower[length] === other[length]) length += 1
    if (length > bestPrefix) [best, bestPrefix] = [candidate, length]
  }
  return best
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i]
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution)
    }
    previous = current
  }
  return previous[b.length] ?? 0
}
