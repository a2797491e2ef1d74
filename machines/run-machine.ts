/**
 * The run machine: one function run's lifecycle, queued → running → sleeping | waiting |
 * retrying → done. Pure: every event carries its own time (`at`), retry jitter comes from a
 * PRNG seeded with the run id, and delays are data (`context.timers`) that the host turns into
 * Durable Object alarms. Step outputs never enter the context; the host keeps them in step
 * rows, so the snapshot stays small however long the run.
 *
 * A `step.run` that completes has no event here: it changes neither the state nor a timer, and
 * its step row (one atomic write) is its durable record. The machine holds what decides where
 * the run goes next: attempts, timers, the outcome. Counting steps against the run's limit is
 * the host's (`canRecordStep` with the number of step rows).
 */
import { assign, setup } from 'xstate'
import { hasAttemptsLeft, retryDelay } from './backoff.js'
import {
  RUN_RETRY_KEY,
  type PendingTimer,
  type RunContext,
  type RunEvent,
  type RunInput,
  type SerializedError,
} from './run-types.js'

/** The event name a child run's end is awaited on: its timer's `event`. */
export const INVOKE_WAIT_EVENT = 'inngest/function.finished'

type EventOf<T extends RunEvent['type']> = Extract<RunEvent, { type: T }>
type WakeEvent = EventOf<'SLEEP.ELAPSED' | 'RETRY.DUE' | 'WAIT.RESOLVED' | 'WAIT.TIMED_OUT'>

/** When a retry of `failedAttempt` may start: a `RetryAfterError`'s time wins over backoff. */
function retryTime(context: RunContext, key: string, failedAttempt: number, at: number, retryAt?: number): number {
  if (retryAt !== undefined) return Math.max(at, retryAt)
  return at + retryDelay(context.retry, failedAttempt, `${context.runId}/${key}`)
}

function withTimer(timers: readonly PendingTimer[], timer: PendingTimer): PendingTimer[] {
  return [...timers.filter((t) => t.stepKey !== timer.stepKey), timer]
}

/** The kind of timer each wake-up clears: a wake-up never clears another kind's timer. */
const wakeKind = {
  'SLEEP.ELAPSED': 'sleep',
  'RETRY.DUE': 'retry',
  'WAIT.RESOLVED': 'wait',
  'WAIT.TIMED_OUT': 'wait',
} as const satisfies Record<WakeEvent['type'], PendingTimer['kind']>

function timerFor(context: RunContext, wake: WakeEvent): PendingTimer | undefined {
  return context.timers.find((t) => t.stepKey === wake.stepKey && t.kind === wakeKind[wake.type])
}

/**
 * The error's three fields as a plain object. An `Error` instance satisfies `SerializedError` but
 * its fields are not enumerable, so it would persist as `{}`; extra fields would bloat the snapshot.
 */
function plainError({ name, message, stack }: SerializedError): SerializedError {
  return stack === undefined ? { name, message } : { name, message, stack }
}

function finish(outcome: RunContext['outcome'], error: SerializedError | null, at: number) {
  return { outcome, error, endedAt: at, timers: [] as PendingTimer[] }
}

/** Wake-ups accepted in every suspended state; a wake that is not yet due is ignored. */
const wakeTransitions = {
  'SLEEP.ELAPSED': { guard: 'timerIsDue', target: 'running', actions: 'clearTimer' },
  'RETRY.DUE': { guard: 'timerIsDue', target: 'running', actions: 'clearTimer' },
  'WAIT.TIMED_OUT': { guard: 'timerIsDue', target: 'running', actions: 'clearTimer' },
  'WAIT.RESOLVED': { guard: 'hasTimer', target: 'running', actions: 'clearTimer' },
  'RUN.CANCELLED': { target: 'done', actions: 'cancel' },
} as const

export const runMachine = setup({
  types: {} as { context: RunContext; events: RunEvent; input: RunInput },
  guards: {
    stepHasAttemptsLeft: ({ context, event }) => {
      const failed = event as EventOf<'STEP.FAILED'>
      return !failed.nonRetriable && hasAttemptsLeft(context.retry, failed.attempt)
    },
    runHasAttemptsLeft: ({ context, event }) =>
      !(event as EventOf<'RUN.FAILED'>).nonRetriable && hasAttemptsLeft(context.retry, context.attempt),
    timerIsDue: ({ context, event }) => {
      const wake = event as WakeEvent
      const timer = timerFor(context, wake)
      return timer !== undefined && wake.at >= timer.at
    },
    hasTimer: ({ context, event }) => timerFor(context, event as WakeEvent) !== undefined,
    retryPending: ({ context }) => context.timers.some((t) => t.kind === 'retry'),
    waitPending: ({ context }) => context.timers.some((t) => t.kind === 'wait'),
    sleepPending: ({ context }) => context.timers.some((t) => t.kind === 'sleep'),
  },
  actions: {
    start: assign({ startedAt: ({ context, event }) => context.startedAt ?? event.at }),
    scheduleStepRetry: assign({
      timers: ({ context, event }) => {
        const failed = event as EventOf<'STEP.FAILED'>
        const at = retryTime(context, failed.stepKey, failed.attempt, failed.at, failed.retryAt)
        return withTimer(context.timers, { stepKey: failed.stepKey, kind: 'retry', at })
      },
    }),
    scheduleSleep: assign({
      timers: ({ context, event }) => {
        const sleep = event as EventOf<'SLEEP.REQUESTED'>
        return withTimer(context.timers, { stepKey: sleep.stepKey, kind: 'sleep', at: sleep.wakeAt })
      },
    }),
    scheduleWait: assign({
      timers: ({ context, event }) => {
        const wait = event as EventOf<'WAIT.REQUESTED'>
        return withTimer(context.timers, { stepKey: wait.stepKey, kind: 'wait', at: wait.timeoutAt, event: wait.event })
      },
    }),
    scheduleInvoke: assign({
      timers: ({ context, event }) => {
        const invoke = event as EventOf<'INVOKE.REQUESTED'>
        return withTimer(context.timers, { stepKey: invoke.stepKey, kind: 'wait', at: invoke.timeoutAt, event: INVOKE_WAIT_EVENT, invoke: true })
      },
    }),
    clearTimer: assign(({ context, event }) => {
      const key = (event as WakeEvent).stepKey
      return {
        timers: context.timers.filter((t) => t.stepKey !== key),
        // A due function-level retry is the next attempt of the whole handler.
        attempt: key === RUN_RETRY_KEY ? context.attempt + 1 : context.attempt,
      }
    }),
    scheduleRunRetry: assign({
      timers: ({ context, event }) => {
        const failed = event as EventOf<'RUN.FAILED'>
        const at = retryTime(context, RUN_RETRY_KEY, context.attempt, failed.at, failed.retryAt)
        return withTimer(context.timers, { stepKey: RUN_RETRY_KEY, kind: 'retry', at })
      },
    }),
    complete: assign(({ event }) => finish('completed', null, event.at)),
    fail: assign(({ event }) => finish('failed', plainError((event as EventOf<'RUN.FAILED'>).error), event.at)),
    skip: assign(({ event }) => finish('skipped', { name: 'RunSkipped', message: (event as EventOf<'RUN.SKIPPED'>).reason }, event.at)),
    cancel: assign(({ event }) => {
      const reason = (event as EventOf<'RUN.CANCELLED'>).reason
      return finish('cancelled', reason ? { name: 'RunCancelled', message: reason } : null, event.at)
    }),
  },
}).createMachine({
  id: 'inngest-run',
  context: ({ input }) => ({
    runId: input.runId,
    functionId: input.functionId,
    retry: input.retry,
    maxSteps: input.maxSteps,
    attempt: 0,
    timers: [],
    queuedAt: input.at,
    startedAt: null,
    endedAt: null,
    outcome: null,
    error: null,
  }),
  initial: 'queued',
  states: {
    queued: {
      description: 'Accepted and persisted; waiting for flow control (throttle, concurrency) to let the handler start.',
      on: {
        'RUN.START': { target: 'running', actions: 'start' },
        'RUN.SKIPPED': { target: 'done', actions: 'skip' },
        'RUN.CANCELLED': { target: 'done', actions: 'cancel' },
      },
    },
    running: {
      description: 'The handler is executing: steps run inline and each result is memoized in its step row.',
      on: {
        // Out of attempts, a failed step changes nothing here: its row records the failure and
        // a StepError reaches the handler.
        'STEP.FAILED': { guard: 'stepHasAttemptsLeft', actions: 'scheduleStepRetry' },
        'SLEEP.REQUESTED': { actions: 'scheduleSleep' },
        'WAIT.REQUESTED': { actions: 'scheduleWait' },
        'INVOKE.REQUESTED': { actions: 'scheduleInvoke' },
        'WAIT.RESOLVED': { guard: 'hasTimer', actions: 'clearTimer' },
        'RUN.SUSPENDED': [
          { guard: 'retryPending', target: 'retrying' },
          { guard: 'waitPending', target: 'waiting' },
          { guard: 'sleepPending', target: 'sleeping' },
        ],
        'RUN.COMPLETED': { target: 'done', actions: 'complete' },
        'RUN.FAILED': [
          { guard: 'runHasAttemptsLeft', target: 'retrying', actions: 'scheduleRunRetry' },
          { target: 'done', actions: 'fail' },
        ],
        'RUN.CANCELLED': { target: 'done', actions: 'cancel' },
      },
    },
    sleeping: {
      description: 'Suspended until a step.sleep wake time; the host holds a Durable Object alarm for it.',
      on: wakeTransitions,
    },
    waiting: {
      description: 'Suspended until a matching event arrives or the wait times out.',
      on: wakeTransitions,
    },
    retrying: {
      description: 'A step or the handler failed and will be retried at the backoff time.',
      on: wakeTransitions,
    },
    done: {
      type: 'final',
      description: 'Finished; context.outcome says completed, failed, cancelled or skipped.',
    },
  },
})

export type RunMachine = typeof runMachine
