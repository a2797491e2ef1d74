/**
 * Types of the run machine: its input, context, events and outcome. Exported through
 * `@dotdo/inngest/machines` so a user hosting the machine in their own Durable Object gets
 * exactly the types the engine uses.
 */

/** How a failed step (or a handler that throws outside any step) is retried. */
export interface RetryPolicy {
  /** Total attempts, the first included: 1 means "never retry". */
  readonly attempts: number
  readonly backoff: 'exponential' | 'linear' | 'fixed'
  /** Delay before the first retry, in ms. */
  readonly initialDelayMs: number
  /** No retry waits longer than this, in ms (jitter included). */
  readonly maxDelayMs: number
}

/** An error as data: what a run records, persists and reports. */
export interface SerializedError {
  readonly name: string
  readonly message: string
  readonly stack?: string
}

/** How a run ended; `skipped`: flow control (rateLimit, idempotency, singleton) never let it start. */
export type RunOutcome = 'completed' | 'failed' | 'cancelled' | 'skipped'

/** Key of the function-level retry timer (an error thrown outside any step). */
export const RUN_RETRY_KEY = '$run'

/**
 * A pending wake-up. The machine owns no timers: the host turns the earliest `at` into a
 * Durable Object alarm and sends the matching event when it fires.
 */
export interface PendingTimer {
  readonly stepKey: string
  readonly kind: 'sleep' | 'retry' | 'wait'
  /** Epoch ms: wake time, retry time, or wait timeout. */
  readonly at: number
  /** For waits: the event name awaited. */
  readonly event?: string
  /** A wait for a child run (`step.invoke`), whose result comes to the run directly, not through a stream. */
  readonly invoke?: true
}

export interface RunInput {
  readonly runId: string
  readonly functionId: string
  readonly retry: RetryPolicy
  readonly maxSteps: number
  /** Epoch ms the run was queued. */
  readonly at: number
}

export interface RunContext {
  readonly runId: string
  readonly functionId: string
  readonly retry: RetryPolicy
  readonly maxSteps: number
  /** 0-based attempt of the handler as a whole (errors thrown outside any step). */
  readonly attempt: number
  readonly timers: readonly PendingTimer[]
  readonly queuedAt: number
  readonly startedAt: number | null
  readonly endedAt: number | null
  readonly outcome: RunOutcome | null
  readonly error: SerializedError | null
}

/** Every event carries the time it happened: the machine never reads a clock. */
interface At {
  readonly at: number
}

export type RunEvent =
  | ({ readonly type: 'RUN.START' } & At)
  | ({
      readonly type: 'STEP.FAILED'
      readonly stepKey: string
      /** 0-based attempt that just failed. */
      readonly attempt: number
      readonly error: SerializedError
      readonly nonRetriable?: boolean
      /** Epoch ms requested by a `RetryAfterError`. */
      readonly retryAt?: number
    } & At)
  | ({ readonly type: 'SLEEP.REQUESTED'; readonly stepKey: string; readonly wakeAt: number } & At)
  | ({
      readonly type: 'WAIT.REQUESTED'
      readonly stepKey: string
      readonly event: string
      readonly timeoutAt: number
      /** CEL over `event` (the trigger) and `async` (the candidate); absent or null: any event of the name. */
      readonly expression?: string | null
      /** The only wait on its stream (`step.waitForSignal`). */
      readonly exclusive?: boolean
    } & At)
  /** `step.invoke`: a wait for the child run the transition starts. */
  | ({
      readonly type: 'INVOKE.REQUESTED'
      readonly stepKey: string
      /** Composite id of the function to invoke. */
      readonly functionId: string
      readonly data: Record<string, unknown>
      readonly timeoutAt: number
    } & At)
  | ({ readonly type: 'RUN.SUSPENDED' } & At)
  | ({ readonly type: 'SLEEP.ELAPSED'; readonly stepKey: string } & At)
  | ({ readonly type: 'RETRY.DUE'; readonly stepKey: string } & At)
  | ({ readonly type: 'WAIT.RESOLVED'; readonly stepKey: string } & At)
  | ({ readonly type: 'WAIT.TIMED_OUT'; readonly stepKey: string } & At)
  | ({ readonly type: 'RUN.COMPLETED' } & At)
  | ({
      readonly type: 'RUN.FAILED'
      readonly error: SerializedError
      readonly nonRetriable?: boolean
      readonly retryAt?: number
    } & At)
  | ({ readonly type: 'RUN.CANCELLED'; readonly reason?: string } & At)
  /** Flow control decided the queued run never starts; `reason` names the option. */
  | ({ readonly type: 'RUN.SKIPPED'; readonly reason: string } & At)

export type RunEventType = RunEvent['type']

/** The lifecycle states, as the user asked for them. */
export type RunStateValue = 'queued' | 'running' | 'sleeping' | 'waiting' | 'retrying' | 'done'
