/**
 * `step.waitForSignal` over HTTP: the `WaitForSignal` op (inngest-js `InngestStepTools.ts`:
 * `name` and `opts.signal` the signal, `opts.timeout` a duration string or an ISO time,
 * `opts.conflict` `"replace"` or `"fail"`) becomes the same wait as in-process
 * (wait-for-signal.ts): on the signal's own stream, taking only signals sent after it began,
 * the only one there unless `"replace"`. Pure.
 *
 * The wait's row holds what the stream resolved it with (the signal's event, or the conflict
 * marker), as every wait row does; `sdkMemoRow` turns it into what the SDK reads: `{ signal,
 * data }` (memo `{ "data": { signal, data } }`), null on timeout, or an error for a conflict.
 */
import { receivedSignal, SIGNAL_STREAM_PREFIX, signalConflictMessage, signalStreamName, signalWaitExpression } from '../../events/signals.js'
import type { StepRow } from '../../storage/step-row.js'
import { CONFLICT } from '../../storage/stream-store.js'
import { durationToMs, MAX_SLEEP_MS, wakeTimeToMs } from '../duration.js'
import type { RunEventPayload, WaitRequest } from '../executor.js'
import { MalformedResponseError, stepIdOf, type SdkOp } from './sdk-ops.js'

/** A `WaitForSignal` op, read. */
export interface SignalWait {
  readonly signal: string
  /** When a wait that begins at `now` times out. */
  readonly timeoutAt: (now: number) => number
  /** `onConflict: "fail"` (also when absent, as in-process): the signal's only waiter. */
  readonly exclusive: boolean
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}/

/** Reads a `WaitForSignal` op. @throws {MalformedResponseError} naming the step */
export function signalWaitOf(op: SdkOp): SignalWait {
  const step = `step "${stepIdOf(op)}" (WaitForSignal)`
  const signal = typeof op.opts?.signal === 'string' && op.opts.signal !== '' ? op.opts.signal : op.name
  if (!signal) throw new MalformedResponseError(`${step} names no signal: expected opts.signal or name`)
  const conflict = op.opts?.conflict
  if (conflict !== undefined && conflict !== null && conflict !== 'replace' && conflict !== 'fail') {
    throw new MalformedResponseError(`${step}: opts.conflict must be "replace" or "fail" (got ${JSON.stringify(conflict)})`)
  }
  return { signal, timeoutAt: timeoutOf(op.opts?.timeout, step), exclusive: conflict !== 'replace' }
}

/** The wait a signal wait's row asks for: from the row's start, until its wake time. */
export function signalWaitRequest(wait: SignalWait, row: StepRow): WaitRequest {
  return { event: signalStreamName(wait.signal), timeoutAt: row.wakeAt ?? 0, expression: signalWaitExpression(row.startedAt ?? 0), exclusive: wait.exclusive }
}

/**
 * A settled row as the SDK must see it: a signal wait's row holds `{ signal, data }` (or null,
 * timed out), and one refused for a conflict is failed with "Signal conflict" (the SDK throws it
 * as a StepError). Any other row is returned as it is.
 */
export function sdkMemoRow(row: StepRow): StepRow {
  if (row.kind !== 'wait' || row.status !== 'completed' || row.output === null || !row.output.includes(SIGNAL_STREAM_PREFIX)) return row
  const event = JSON.parse(row.output) as Partial<RunEventPayload> | null
  if (typeof event?.name !== 'string' || !event.name.startsWith(SIGNAL_STREAM_PREFIX)) return row
  const signal = event.name.slice(SIGNAL_STREAM_PREFIX.length)
  if (event.id === CONFLICT) {
    const message = signalConflictMessage(signal)
    return { ...row, status: 'failed', output: null, error: { name: 'Error', message } }
  }
  return { ...row, output: JSON.stringify(receivedSignal(signal, event)) }
}

function timeoutOf(raw: unknown, step: string): (now: number) => number {
  // "" is what inngest-js sends for a duration `ms` cannot read ("1h30m"): as long as a wait may last.
  if (raw === undefined || raw === null || raw === '') return (now) => now + MAX_SLEEP_MS
  try {
    if (typeof raw === 'string' && ISO_TIME.test(raw)) {
      const at = wakeTimeToMs(raw, `${step} timeout`)
      return (now) => Math.min(at, now + MAX_SLEEP_MS)
    }
    const ms = Math.min(durationToMs(raw, `${step} timeout`), MAX_SLEEP_MS)
    return (now) => now + ms
  } catch (error) {
    throw new MalformedResponseError((error as Error).message)
  }
}
