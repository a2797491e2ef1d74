/**
 * What an async op asks the run to do, read from its fields the way Inngest's executor reads
 * them (`executor.go handleGeneratorOp`): a sleep's duration from `opts.duration`, else the op's
 * `name` (the JS SDK puts it there: "30s", or an ISO time for `sleepUntil`); a wait's event from
 * `opts.event`, else `name`; an invoke's target from `opts.function_id`. Pure.
 */
import { durationToMs, MAX_SLEEP_MS, wakeTimeToMs } from '../duration.js'
import type { InvokeRequest, WaitRequest } from '../executor.js'
import { MalformedResponseError, stepIdOf, type SdkOp } from './sdk-ops.js'

/** An ISO date or time: `sleepUntil`'s form of `name` (Inngest: a date string of 10+ characters). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}/

/** When a `Sleep` op wakes. An empty duration is a 0-length sleep, as on Inngest (inngest-js sends "" for "1h30m"). */
export function sleepWakeAt(op: SdkOp, now: number): number {
  const raw = op.opts?.duration ?? op.name ?? ''
  if (raw === '') return now
  const field = `step "${stepIdOf(op)}" (Sleep)`
  try {
    if (typeof raw === 'string' && ISO_TIME.test(raw)) return Math.min(wakeTimeToMs(raw, field), now + MAX_SLEEP_MS)
    return now + Math.min(durationToMs(raw, field), MAX_SLEEP_MS)
  } catch (error) {
    throw new MalformedResponseError((error as Error).message)
  }
}

/** The wait a `WaitForEvent` op asks for. */
export function waitRequest(op: SdkOp, now: number): WaitRequest {
  const event = typeof op.opts?.event === 'string' ? op.opts.event : op.name
  if (!event) throw new MalformedResponseError(`step "${stepIdOf(op)}" (WaitForEvent) names no event: expected opts.event or name`)
  const expression = typeof op.opts?.if === 'string' && op.opts.if.trim() !== '' ? op.opts.if : null
  return { event, timeoutAt: now + timeoutMs(op, op.opts?.timeout), expression }
}

/** The child run an `InvokeFunction` op asks for; its event data is `opts.payload.data`. */
export function invokeRequest(op: SdkOp, now: number): InvokeRequest {
  const functionId = op.opts?.function_id
  if (typeof functionId !== 'string' || functionId === '') throw new MalformedResponseError(`step "${stepIdOf(op)}" (InvokeFunction) has no opts.function_id`)
  const payload = op.opts?.payload as { data?: unknown } | undefined
  const data = typeof payload?.data === 'object' && payload.data !== null ? (payload.data as Record<string, unknown>) : {}
  return { functionId, data, timeoutAt: now + timeoutMs(op, op.opts?.timeout) }
}

/** A wait's or invoke's timeout in ms: absent means as long as a run may wait (a year). */
function timeoutMs(op: SdkOp, raw: unknown): number {
  if (raw === undefined || raw === null || raw === '') return MAX_SLEEP_MS
  try {
    return Math.min(durationToMs(raw, `step "${stepIdOf(op)}" timeout`), MAX_SLEEP_MS)
  } catch (error) {
    throw new MalformedResponseError((error as Error).message)
  }
}
