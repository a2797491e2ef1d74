/**
 * How a handler pass ended, as the machine event it leads to: suspended, completed with its
 * output (JSON text, within the output limit), or failed (retriable or not, perhaps at a time a
 * `RetryAfterError` asked for). Null: nothing to record (aborted, or a retried step yielded).
 */
import type { RunEvent } from '../machines/index.js'
import { isNonRetriable, requestedRetryAt, RunLimitError, serializeError, StepError } from './engine/errors.js'
import type { PassOutcome } from './engine/executor.js'
import { jsonByteLength, jsonOverLimit, toJsonText } from './engine/jsonify.js'

export interface PassTransition {
  readonly event: RunEvent
  /** The run's output to store with the event (completed runs). */
  readonly output?: string
}

export function passTransition(outcome: PassOutcome, at: number, outputLimit: number): PassTransition | null {
  if (outcome.kind === 'suspended') return { event: { type: 'RUN.SUSPENDED', at } }
  // Aborted: nothing more to record. Yielded: the retried step settled; the next pass begins.
  if (outcome.kind === 'aborted' || outcome.kind === 'yielded') return null
  if (outcome.kind === 'returned') {
    let output: string
    try {
      output = toJsonText(outcome.output, 'the function returned a value that is not JSON')
    } catch (error) {
      return passTransition({ kind: 'threw', error }, at, outputLimit)
    }
    if (!jsonOverLimit(output, outputLimit)) return { event: { type: 'RUN.COMPLETED', at }, output }
    const error = new RunLimitError(`The handler returned ${jsonByteLength(output)} bytes of JSON, over the ${outputLimit}-byte output limit.`)
    return passTransition({ kind: 'threw', error }, at, outputLimit)
  }
  // An uncaught StepError means a step already used its attempts: retrying the whole handler
  // would only replay the memoized failure.
  const nonRetriable = outcome.error instanceof StepError || isNonRetriable(outcome.error)
  // A RetryAfterError outside any step sets the handler's retry time, as one in a step does.
  const retryAt = requestedRetryAt(outcome.error, at)
  return { event: { type: 'RUN.FAILED', error: serializeError(outcome.error), nonRetriable, at, ...(retryAt === undefined ? {} : { retryAt }) } }
}
