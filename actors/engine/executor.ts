/**
 * The executor boundary: what the run host asks of whatever runs a function's code. Today the
 * in-process executor runs the handler inside the run's Durable Object; an HTTP executor that
 * drives apps built on the official Inngest SDK can implement the same interface.
 */
import type { PendingTimer, RunEventPayload, SerializedError } from '../../machines/index.js'
import type { StepRow } from '../storage/step-row.js'

/** One event as delivered to a function run (the machine's data: machines/run-effects.ts). */
export type { RunEventPayload }

/** How a failed step ended after the machine decided. */
export type StepFailureVerdict = 'retrying' | 'failed'

/**
 * The host side of a pass. Every method that records has persisted before it returns:
 * `completeStep` its step row (one atomic write), the others a machine transition with the
 * step row in one storage transaction.
 */
export interface StepRecorder {
  now(): number
  /** Step rows as they stood when the pass began, by key. */
  readonly memo: ReadonlyMap<string, StepRow>
  pendingTimer(stepKey: string): PendingTimer | undefined
  /** Whether one more step row fits in the run's step limit. */
  canRecordStep(): boolean
  /** False once the run lost its concurrency lease: new steps wait for the next pass. */
  mayStartStep(): boolean
  completeStep(row: StepRow): void
  failStep(row: StepRow, failedAttempt: number, error: SerializedError, nonRetriable: boolean, retryAt?: number): StepFailureVerdict
  requestSleep(row: StepRow): void
  /** Suspends on an event: registers the wait with the event's stream. */
  requestWait(row: StepRow, wait: WaitRequest): void
  /** Suspends on a child run: starts it, to report back to this step. */
  requestInvoke(row: StepRow, invoke: InvokeRequest): void
  /** Publishes events (the body of `step.sendEvent`); ids are already set. */
  publishEvents(events: readonly RunEventPayload[]): Promise<void>
  /**
   * Runs `work` as one storage transaction (absent: no such guarantee). A run in an entity has it:
   * a synchronous step body and its completed row commit together (handler-pass.ts).
   */
  atomically?<T>(work: () => T): T
}

export interface WaitRequest {
  readonly event: string
  readonly timeoutAt: number
  /** CEL over `event` and `async`; null: any event of the name. */
  readonly expression: string | null
  /** The only wait on its stream: refused (resolved with a conflict) while another run waits there (`step.waitForSignal`). */
  readonly exclusive?: boolean
}

export interface InvokeRequest {
  /** Composite id of the function to invoke. */
  readonly functionId: string
  readonly data: Record<string, unknown>
  readonly timeoutAt: number
}

/** How one pass over the handler ended. */
export type PassOutcome =
  | { readonly kind: 'returned'; readonly output: unknown }
  | { readonly kind: 'threw'; readonly error: unknown }
  /** Blocked on sleeps, waits or retries; the machine holds their timers. */
  | { readonly kind: 'suspended' }
  /**
   * Stopped on purpose after the step it retried settled (completed, or failed for good), as
   * an Inngest request retrying one step ends with it: the run goes on at once in a new pass.
   */
  | { readonly kind: 'yielded' }
  /** Stopped from outside (cancelled): nothing more to record. */
  | { readonly kind: 'aborted' }

export interface PassInput {
  readonly runId: string
  /**
   * The handler's attempt as a whole (0-based; an error outside any step retries it). A pass
   * retrying a step hands the handler that step's attempt instead (`HandlerPass.attempt`).
   */
  readonly attempt: number
  readonly events: readonly RunEventPayload[]
}

/** A running pass, which the host can abort (on cancel). */
export interface PassHandle {
  readonly outcome: Promise<PassOutcome>
  abort(): void
  /**
   * Steps the function's code already ran while a call of this pass is in flight, reported by
   * that code (the official SDK's checkpoints). Absent: the executor takes none.
   */
  checkpoint?(request: CheckpointRequest): CheckpointReceipt
}

/** Steps reported mid-call: `callId` names the call (the SDK echoes it as `qi_id`). */
export interface CheckpointRequest {
  readonly callId: string
  /** The ops as the code sent them (untrusted JSON). */
  readonly steps: unknown
}

/**
 * - `recorded`: every step is persisted; the code goes on.
 * - `stale`: no call of that id is in flight (the run moved on, was cancelled, or its object
 *   restarted): the code must stop (the SDK halts on a 409).
 * - `refused`: nothing recorded; the code reports the steps in its reply instead (the SDK's
 *   fallback), where the executor's own rules (limits, unknown ops) apply.
 */
export type CheckpointReceipt = { readonly kind: 'recorded' } | { readonly kind: 'stale' } | { readonly kind: 'refused'; readonly reason: string }

export interface Executor {
  /** Runs the handler once from the top, memoized steps returning their recorded results. */
  start(input: PassInput, recorder: StepRecorder): PassHandle
}
