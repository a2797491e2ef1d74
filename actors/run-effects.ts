/**
 * The ports through which a run host performs its effects. The effects themselves are the
 * machine's data (machines/run-effects.ts), decided by `transitionRun` (machines/run-decisions.ts).
 */
import type { InvokeResult, ParentLink, RunEffect, RunEventPayload, RunIndexEntry, WaitRegistration } from '../machines/index.js'
import type { SlotPorts } from './run-admission.js'
import type { StartRunRequest } from './start-run-request.js'

export type { InvokeResult, ParentLink, RunEffect }

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
  /** Tells the run index (the dashboard's list) the run started or ended; without it, nothing is indexed. */
  indexRun?(entry: RunIndexEntry): Promise<void>
  /**
   * Throttle and concurrency slots; without them a host does not enforce those options. Requests
   * carry the run's `host` (its `RunHost` address), so a freed slot is announced to that object.
   */
  readonly slots?: SlotPorts
}
