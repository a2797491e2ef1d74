/**
 * `internalEvents`: the names of the events the platform sends itself, as the official SDK
 * exports them (an enum there: each member is a value and a type).
 */

/**
 * @example
 * ```ts
 * inngest.createFunction({ id: 'on-any-failure' }, { event: internalEvents.FunctionFailed }, ({ event }) => event.data.function_id)
 * ```
 */
export const internalEvents = {
  /** A function failed after its last retry; `data.event` is the event of the run that failed. */
  FunctionFailed: 'inngest/function.failed',
  FunctionInvoked: 'inngest/function.invoked',
  FunctionFinished: 'inngest/function.finished',
  FunctionCancelled: 'inngest/function.cancelled',
  ScheduledTimer: 'inngest/scheduled.timer',
  HttpRequest: 'inngest/http.request',
  /** Triggers a deferred function (official v4 experimental `defer`). */
  DeferredSchedule: 'inngest/deferred.schedule',
} as const

/** Each member as a type, as with the official enum: `internalEvents.FunctionFailed`. */
export declare namespace internalEvents {
  type FunctionFailed = 'inngest/function.failed'
  type FunctionInvoked = 'inngest/function.invoked'
  type FunctionFinished = 'inngest/function.finished'
  type FunctionCancelled = 'inngest/function.cancelled'
  type ScheduledTimer = 'inngest/scheduled.timer'
  type HttpRequest = 'inngest/http.request'
  type DeferredSchedule = 'inngest/deferred.schedule'
}

/** One of the internal event names. */
export type internalEvents = (typeof internalEvents)[keyof typeof internalEvents]
