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

/** Thrown into the handler when a step failed for good; the handler may catch it. */
export class StepError extends Error {
  override name = 'StepError'
  readonly stepId: string
  constructor(stepId: string, error: SerializedError) {
    super(error.message, { cause: error })
    this.stepId = stepId
    // The step's own error name and stack are what users want to see, not ours.
    this.name = error.name === 'Error' ? 'StepError' : error.name
    if (error.stack) this.stack = error.stack
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

/** Error as data, for step rows, the machine context and the API. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    return error.stack ? { name: error.name, message: error.message, stack: error.stack } : { name: error.name, message: error.message }
  }
  return { name: 'Error', message: typeof error === 'string' ? error : safeStringify(error) }
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

/** The absolute retry time a `RetryAfterError` asks for, if it is one. */
export function requestedRetryAt(error: unknown, now: number): number | undefined {
  if (!(error instanceof Error) || error.name !== 'RetryAfterError') return undefined
  return retryAfterToTime((error as RetryAfterError).retryAfter, now)
}

/** A Date or ISO date string is a time; a number or `ms` string is a delay from `now`. */
function retryAfterToTime(retryAfter: number | string | Date, now: number): number {
  const field = 'RetryAfterError.retryAfter'
  if (retryAfter instanceof Date || (typeof retryAfter === 'string' && /^\d{4}-\d{2}-\d{2}/.test(retryAfter))) {
    return wakeTimeToMs(retryAfter, field)
  }
  return now + durationToMs(retryAfter, field)
}
