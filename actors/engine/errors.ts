/**
 * Control errors (thrown by users, or by the engine into the handler) and their serialized
 * form. They are recognised by `name`, not `instanceof`, so they survive an RPC hop or a second
 * copy of the SDK in the bundle, as in the official SDK.
 */
import type { SerializedError } from '../../machines/index.js'
import { durationToMs, wakeTimeToMs } from './duration.js'
import type { JsonProblem } from './jsonify.js'

/** Throw to fail a step or run at once, without further retries. */
export class NonRetriableError extends Error {
  override name = 'NonRetriableError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/**
 * Throw to retry later than the backoff would: after `retryAfter` ms, an `ms` string ("30s")
 * or at a Date.
 */
export class RetryAfterError extends Error {
  override name = 'RetryAfterError'
  readonly retryAfter: number | string | Date
  constructor(message: string, retryAfter: number | string | Date, options?: { cause?: unknown }) {
    super(message, options)
    // Validate now: a bad retryAfter should fail where it is written, not at retry time.
    retryAfterToTime(retryAfter, 0)
    this.retryAfter = retryAfter
  }
}

/**
 * Thrown into the handler when a step failed for good; the handler may catch it. As in the
 * official SDK it reads as the step's own error: its `name`, `message` and `stack`, and its
 * `cause` rebuilt from the stored chain (`err.cause.message`), plus the failed `stepId`.
 */
export class StepError extends Error {
  readonly stepId: string
  constructor(stepId: string, error: SerializedError) {
    super(error.message)
    this.name = error.name || 'Error'
    this.stepId = stepId
    this.stack = error.stack
    this.cause = deserializeCause((error as StoredError).cause, 0)
  }
}

/** The handler called its steps in a different order than the run it is replaying. */
export class NonDeterminismError extends NonRetriableError {
  override name = 'NonDeterminismError'
}

/** The run would pass its step limit or a step's output is too large. */
export class RunLimitError extends NonRetriableError {
  override name = 'RunLimitError'
}

/**
 * A value to store (a step's result, a run's output, `step.invoke` data) has no JSON text: a
 * BigInt or a circular reference. It would fail the same on every attempt, so it is not retried.
 */
export class UnstorableValueError extends NonRetriableError {
  override name = 'UnstorableValueError'
  constructor(
    message: string,
    /** What cannot be written, and its path from the value's root (`$`). */
    readonly problem: JsonProblem,
  ) {
    super(message)
  }
}

/**
 * A serialized error with its `cause` chain, as step rows store it (the machine keeps only
 * `name`, `message` and `stack`). A cause that is an error is serialized in turn, up to
 * `MAX_CAUSE_DEPTH` deep; any other cause is kept as JSON (a string, a plain object).
 */
export interface StoredError extends SerializedError {
  readonly cause?: unknown
}

/** How deep a cause chain is kept, as in the official SDK. */
const MAX_CAUSE_DEPTH = 5

/** Error as data, for step rows, the machine context and the API; the `cause` chain included. */
export function serializeError(error: unknown): StoredError {
  return serializeAt(error, 0)
}

function serializeAt(error: unknown, depth: number): StoredError {
  if (!(error instanceof Error)) return { name: 'Error', message: typeof error === 'string' ? error : safeStringify(error) }
  const { name, message, stack } = error
  const serialized: StoredError = stack ? { name, message, stack } : { name, message }
  if (error.cause === undefined || error.cause === null || depth >= MAX_CAUSE_DEPTH) return serialized
  return { ...serialized, cause: error.cause instanceof Error ? serializeAt(error.cause, depth + 1) : jsonCause(error.cause) }
}

/** A cause that is not an error, as JSON: itself if it can be written, else its text. */
function jsonCause(cause: unknown): unknown {
  if (typeof cause === 'string' || typeof cause === 'number' || typeof cause === 'boolean') return cause
  try {
    const text = JSON.stringify(cause)
    if (text !== undefined) return JSON.parse(text)
  } catch {
    // A cycle or a BigInt: fall through to its text.
  }
  return String(cause)
}

/** Errors rebuilt with their own class, so `err.cause instanceof TypeError` holds after replay. */
const errorClasses = new Map<string, new (message: string) => Error>([
  ['EvalError', EvalError],
  ['RangeError', RangeError],
  ['ReferenceError', ReferenceError],
  ['SyntaxError', SyntaxError],
  ['TypeError', TypeError],
  ['URIError', URIError],
  ['NonRetriableError', NonRetriableError],
])

/** A stored cause, back as an `Error` (its chain too); a cause that was no error, as it was. */
function deserializeCause(cause: unknown, depth: number): unknown {
  if (!isStoredError(cause) || depth > MAX_CAUSE_DEPTH) return cause
  const ErrorClass = errorClasses.get(cause.name) ?? Error
  const error = new ErrorClass(cause.message)
  // Own, non-enumerable properties, as on an error that was thrown.
  const define = (key: string, value: unknown) => Object.defineProperty(error, key, { value, enumerable: false, configurable: true, writable: true })
  define('name', cause.name)
  define('stack', cause.stack)
  if (cause.cause !== undefined) define('cause', deserializeCause(cause.cause, depth + 1))
  return error
}

function isStoredError(value: unknown): value is StoredError {
  return typeof value === 'object' && value !== null && typeof (value as StoredError).name === 'string' && typeof (value as StoredError).message === 'string'
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** Whether an error must not be retried: recognised by name across bundles and RPC. */
export function isNonRetriable(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  return ['NonRetriableError', 'NonDeterminismError', 'RunLimitError', 'UnstorableValueError'].includes(error.name) || (error as { nonRetriable?: unknown }).nonRetriable === true
}

/** Marks an error (a bad argument, say) as failing the same on every attempt. */
export function markNonRetriable(error: unknown): unknown {
  if (error instanceof Error) Object.defineProperty(error, 'nonRetriable', { value: true })
  return error
}

/**
 * The absolute retry time a `RetryAfterError` asks for, if it is one, thrown in a step or
 * outside any. One from another copy of the SDK whose `retryAfter` we cannot read is retried
 * after the backoff, as a plain error would be.
 */
export function requestedRetryAt(error: unknown, now: number): number | undefined {
  if (!(error instanceof Error) || error.name !== 'RetryAfterError') return undefined
  const { retryAfter } = error as RetryAfterError
  try {
    // The official SDK's RetryAfterError keeps a delay as whole seconds in a string ("10").
    if (!(error instanceof RetryAfterError) && typeof retryAfter === 'string' && /^\d+$/.test(retryAfter)) return now + Number(retryAfter) * 1_000
    return retryAfterToTime(retryAfter, now)
  } catch {
    return undefined
  }
}

/** A Date or ISO date string is a time; a number or `ms` string is a delay from `now`. */
function retryAfterToTime(retryAfter: number | string | Date, now: number): number {
  const field = 'RetryAfterError.retryAfter'
  if (retryAfter instanceof Date || (typeof retryAfter === 'string' && /^\d{4}-\d{2}-\d{2}/.test(retryAfter))) {
    return wakeTimeToMs(retryAfter, field)
  }
  return now + durationToMs(retryAfter, field)
}
