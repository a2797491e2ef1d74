/**
 * Effects a run has on the world beyond its own storage, as data. The host records an effect
 * in the same transaction as the transition that causes it, then performs it; each is
 * idempotent (derived ids, idempotent RPCs), so performing one twice after a crash is harmless.
 */
import type { SerializedError } from '../machines/index.js'
import type { RunEventPayload } from './engine/executor.js'
import type { RunAddress, WaitRegistration } from './storage/stream-store.js'
import type { SlotPorts } from './run-admission.js'
import type { StartRunRequest } from './start-run-request.js'

/**
 * Where a child run reports its result: the invoking run and its `step.invoke` key, and the
 * object hosting that run when it is not its own `RunActor` (absent in links stored before).
 */
export interface ParentLink {
  readonly runId: string
  readonly stepKey: string
  readonly host?: RunAddress
}

/** What `step.invoke` resolves with. */
export type InvokeResult = { readonly data: unknown } | { readonly error: SerializedError }

export type RunEffect =
  /** Start another run (an onFailure handler, an invoked child); its id is derived from `event`. */
  | { readonly kind: 'start-run'; readonly functionId: string; readonly event: RunEventPayload; readonly parent?: ParentLink }
  /** Register a wait or cancellation with the event stream of its name. */
  | { readonly kind: 'register'; readonly registration: WaitRegistration }
  /** Close the wait at `stepKey` (it timed out) in the stream of `event`. */
  | { readonly kind: 'close'; readonly event: string; readonly stepKey: string }
  /** Drop this run's registrations from these event streams. */
  | { readonly kind: 'forget'; readonly events: readonly string[] }
  /** Publish events (system events such as `inngest/function.finished`), ids derived. */
  | { readonly kind: 'publish'; readonly events: readonly RunEventPayload[] }
  /** Tell the invoking run how this child ended. */
  | { readonly kind: 'notify-parent'; readonly parent: ParentLink; readonly result: InvokeResult }

/**
 * The world as the run host needs it. The run actor implements these with its bindings; an
 * embedding host may leave out what it does not use: an effect needing a missing port is not
 * retried but recorded as failed, with an error naming the port (`failedEffects` in the run's
 * inspection). A port that throws is retried with backoff, then recorded the same way.
 */
export interface RunPorts {
  startRun?(request: StartRunRequest): Promise<unknown>
  /** Registers with the event stream; returns an event that already matched (lookback), if any. */
  register?(registration: WaitRegistration): Promise<RunEventPayload | null>
  /**
   * The run is done with its wait at `stepKey` on `event`: it took event `took`, or none (null,
   * absent: it timed out). The stream lets go of what the run did not take.
   */
  close?(runId: string, event: string, stepKey: string, took?: string | null): Promise<void>
  forget?(runId: string, events: readonly string[]): Promise<void>
  publishEvents?(events: readonly RunEventPayload[]): Promise<unknown>
  /** Queues the run's system events (ids derived from the run); without it, `publishEvents`. */
  announceEvents?(events: readonly RunEventPayload[]): Promise<void>
  notifyParent?(parent: ParentLink, result: InvokeResult): Promise<void>
  /**
   * Throttle and concurrency slots; without them a host does not enforce those options. Requests
   * carry the run's `host` (its `RunHost` address), so a freed slot is announced to that object.
   */
  readonly slots?: SlotPorts
}
