/**
 * `step.waitForSignal(id, { signal, timeout, onConflict })`: a wait on the signal's own stream
 * (events/signals.ts) that takes only signals sent after it was requested, and hands the handler
 * `{ signal, data }`, or null once `timeout` passes.
 */
import { receivedSignal, signalConflictMessage, signalStreamName, signalWaitExpression, type ReceivedSignal } from '../events/signals.js'
import { CONFLICT } from '../storage/stream-store.js'
import { durationToMs, MAX_SLEEP_MS, wakeTimeToMs } from './duration.js'
import { StepError } from './errors.js'
import type { StepRecorder } from './executor.js'
import type { StepIdInput } from './function-definition.js'
import type { HandlerPass } from './handler-pass.js'

/** What `step.waitForSignal` takes, as the official SDK types it. */
export interface WaitForSignalOptions {
  readonly signal: string
  /** How long to wait (`"1h"`, milliseconds), or until when (a `Date`). */
  readonly timeout: number | string | Date
  /** `"replace"` or `"fail"`: see events/signals.ts for what this engine does with a conflict. */
  readonly onConflict?: 'replace' | 'fail'
}

/** The `step.waitForSignal` tool of a pass. Bad arguments throw a TypeError naming the step. */
export function createWaitForSignal(pass: HandlerPass, recorder: StepRecorder) {
  return (id: StepIdInput, options: WaitForSignalOptions): Promise<ReceivedSignal | null> => {
    const key = typeof id === 'string' ? id : id?.id
    if (typeof key !== 'string' || key.length === 0) {
      throw new TypeError(`step.waitForSignal: the step id must be a non-empty string (got ${JSON.stringify(id)}). Fix: pass a stable id such as "await-approval".`)
    }
    const signal = options?.signal
    if (typeof signal !== 'string' || signal.length === 0) {
      throw new TypeError(`step "${key}": waitForSignal needs options.signal, the name of the signal to wait for.`)
    }
    if (options.onConflict !== undefined && options.onConflict !== 'replace' && options.onConflict !== 'fail') {
      throw new TypeError(`step "${key}": waitForSignal's onConflict must be "replace" or "fail" (got ${JSON.stringify(options.onConflict)}).`)
    }
    const timeoutAt = timeoutOf(options.timeout, key)
    // "fail" (the default): the only waiter of its signal; "replace": one more, the newest taking it.
    const exclusive = options.onConflict !== 'replace'
    const waited = pass.await(key, 'wait', timeoutAt, (row) =>
      recorder.requestWait(row, { event: signalStreamName(signal), timeoutAt: row.wakeAt ?? 0, expression: signalWaitExpression(row.startedAt ?? 0), exclusive }),
    )
    return waited.then((event) => {
      if ((event as { id?: unknown } | null)?.id === CONFLICT) {
        throw new StepError(key, {
          name: 'Error',
          message: signalConflictMessage(signal),
        })
      }
      return receivedSignal(signal, event)
    })
  }
}

/** When a wait requested at `now` times out: a duration from then, or a `Date`. At most a year away. */
function timeoutOf(timeout: WaitForSignalOptions['timeout'], key: string): (now: number) => number {
  const field = `step "${key}" timeout`
  const check = (at: number, now: number) => {
    if (at - now > MAX_SLEEP_MS) throw new TypeError(`step "${key}": sleeps and timeouts are limited to one year. Fix: use a shorter timeout.`)
    return at
  }
  if (timeout instanceof Date) {
    const at = wakeTimeToMs(timeout, field)
    return (now) => check(at, now)
  }
  const ms = durationToMs(timeout, field)
  if (ms > MAX_SLEEP_MS) throw new TypeError(`step "${key}": sleeps and timeouts are limited to one year. Fix: use a shorter timeout.`)
  return (now) => now + ms
}
