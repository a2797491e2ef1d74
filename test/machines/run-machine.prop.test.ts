/**
 * Properties of the run machine over generated event sequences.
 *
 * Reproducing a failure: fast-check prints `seed` and `path` in the error. Vitest runs inside
 * workerd, where only `VITE_`-prefixed variables reach the test (as `import.meta.env`), so:
 *   FC_SEED=<seed> npx vitest run test/machines/run-machine.prop.test.ts
 * Pin every seed that found a bug as an `examples` entry (see `failedWithAnError`).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { getShortestPaths } from 'xstate/graph'
import {
  advanceRun,
  initialRunSnapshot,
  persistRunSnapshot,
  restoreRunSnapshot,
  runMachine,
  RUN_RETRY_KEY,
  type RunEvent,
  type RunInput,
  type RunSnapshot,
} from '../../machines/index.js'
import { seedParams } from '../fixtures/fc-seed.js'

const params = seedParams({ numRuns: 300 })

const T0 = 1_700_000_000_000
const input: RunInput = {
  runId: 'run-prop',
  functionId: 'fn',
  retry: { attempts: 3, backoff: 'exponential', initialDelayMs: 1_000, maxDelayMs: 10_000 },
  maxSteps: 50,
  at: T0,
}
const STEP_KEYS = ['a', 'b', 'c'] as const
const WAKE_KEYS = [...STEP_KEYS, RUN_RETRY_KEY] as const

// Events are generated with times relative to their own `at`; `withTimes` makes them absolute
// (a `retryAt` up to 1 s in the past included).
const stepKey = fc.constantFrom(...STEP_KEYS)
const later = fc.integer({ min: 0, max: 20_000 })
// Errors as a host may hand them over: plain data, data with extra fields, or a thrown Error.
const plainError = fc.record(
  { name: fc.constantFrom('Error', 'TypeError', 'NonRetriableError'), message: fc.string({ maxLength: 6 }), stack: fc.string({ maxLength: 6 }) },
  { requiredKeys: ['name', 'message'] },
)
const error = fc.oneof(
  plainError,
  plainError.map((e) => Object.assign({}, e, { data: 'x'.repeat(100) })),
  fc.string({ maxLength: 6 }).map((message) => new Error(message)),
)
const failure = { error, nonRetriable: fc.option(fc.boolean(), { nil: undefined }), retryAt: fc.option(later, { nil: undefined }) }
const eventArb: fc.Arbitrary<RunEvent> = fc.oneof(
  { arbitrary: fc.constant({ type: 'RUN.START', at: 0 } as const), weight: 1 },
  {
    arbitrary: fc.record(
      { type: fc.constant('STEP.FAILED' as const), stepKey, attempt: fc.nat({ max: 3 }), at: fc.constant(0), ...failure },
      { requiredKeys: ['type', 'stepKey', 'attempt', 'at', 'error'] },
    ),
    weight: 3,
  },
  { arbitrary: fc.record({ type: fc.constant('SLEEP.REQUESTED' as const), stepKey, wakeAt: later, at: fc.constant(0) }), weight: 3 },
  {
    arbitrary: fc.record({ type: fc.constant('WAIT.REQUESTED' as const), stepKey, event: fc.constantFrom('x', 'y'), timeoutAt: later, at: fc.constant(0) }),
    weight: 3,
  },
  { arbitrary: fc.constant({ type: 'RUN.SUSPENDED', at: 0 } as const), weight: 6 },
  {
    arbitrary: fc.record({
      // RETRY.DUE twice as likely: a function-level retry needs it with the rarer '$run' key.
      type: fc.constantFrom('SLEEP.ELAPSED', 'RETRY.DUE', 'RETRY.DUE', 'WAIT.RESOLVED', 'WAIT.TIMED_OUT'),
      stepKey: fc.constantFrom(...WAKE_KEYS),
      at: fc.constant(0),
    }),
    weight: 10,
  },
  { arbitrary: fc.constant({ type: 'RUN.COMPLETED', at: 0 } as const), weight: 1 },
  {
    arbitrary: fc.record({ type: fc.constant('RUN.FAILED' as const), at: fc.constant(0), ...failure }, { requiredKeys: ['type', 'at', 'error'] }),
    weight: 2,
  },
  { arbitrary: fc.record({ type: fc.constant('RUN.CANCELLED' as const), reason: fc.constantFrom('why', ''), at: fc.constant(0) }), weight: 1 },
)

function withTimes(event: RunEvent, at: number): RunEvent {
  if (event.type === 'SLEEP.REQUESTED') return { ...event, at, wakeAt: at + event.wakeAt }
  if (event.type === 'WAIT.REQUESTED') return { ...event, at, timeoutAt: at + event.timeoutAt }
  if ((event.type === 'STEP.FAILED' || event.type === 'RUN.FAILED') && event.retryAt !== undefined) {
    return { ...event, at, retryAt: at + event.retryAt - 1_000 }
  }
  return { ...event, at }
}

/** Strictly increasing times: small gaps, and gaps long enough for timers to fall due. */
const gap = fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 500, max: 4_000 }), fc.integer({ min: 4_000, max: 30_000 }))
const runArb = fc
  .tuple(fc.oneof({ arbitrary: fc.constant(true), weight: 9 }, fc.constant(false)), fc.array(fc.tuple(gap, eventArb), { maxLength: 40 }))
  .map(([startFirst, rest]) => {
    let at = T0
    const events = rest.map(([step, event]) => withTimes(event, (at += step)))
    return startFirst ? [{ type: 'RUN.START', at: T0 } as RunEvent, ...events] : events
  })

const roundTrip = (s: RunSnapshot) => restoreRunSnapshot(JSON.parse(JSON.stringify(persistRunSnapshot(s))))
const view = (s: RunSnapshot) => ({ ...persistRunSnapshot(s), status: s.status })

/** A host that forgets outputs must be harmless: attach big payloads to every event. */
const withPayload = (event: RunEvent): RunEvent => Object.assign({}, event, { output: 'x'.repeat(10_000), data: { big: [1, 2, 3] } })

// Regression (seed 499846597): a run that failed with an Error instance persisted `error` as `{}`.
const failedWithAnError: [RunEvent[], number[]] = [
  [{ type: 'RUN.START', at: T0 }, { type: 'RUN.FAILED', error: new Error('boom'), nonRetriable: true, at: T0 + 1 }],
  [2],
]

describe('run machine properties', () => {
  it('persisting and restoring at any points never changes the run', () => {
    fc.assert(
      fc.property(runArb, fc.uniqueArray(fc.nat({ max: 41 })), (events, persistPoints) => {
        const points = new Set(persistPoints)
        let plain = initialRunSnapshot(input)
        let hopped = points.has(0) ? roundTrip(plain) : plain
        events.forEach((event, i) => {
          plain = advanceRun(plain, event)
          hopped = advanceRun(hopped, event)
          if (points.has(i + 1)) hopped = roundTrip(hopped)
          expect(view(hopped), `after event ${i} (${event.type})`).toStrictEqual(view(plain))
        })
      }),
      { ...params, examples: [failedWithAnError] },
    )
  })

  it('keeps the snapshot small and consistent after every event', () => {
    fc.assert(
      fc.property(runArb, (events) => {
        let s = initialRunSnapshot(input)
        let loaded = s
        const timerKeys = new Set<string>()
        for (const event of events) {
          if (event.type === 'SLEEP.REQUESTED' || event.type === 'WAIT.REQUESTED' || event.type === 'STEP.FAILED') timerKeys.add(event.stepKey)
          if (event.type === 'RUN.FAILED') timerKeys.add(RUN_RETRY_KEY)
          s = advanceRun(s, event)
          loaded = advanceRun(loaded, withPayload(event))
          // Step outputs never reach the snapshot, so its JSON never depends on them.
          expect(JSON.stringify(persistRunSnapshot(loaded))).toBe(JSON.stringify(persistRunSnapshot(s)))
          const { timers, outcome } = s.context
          expect(new Set(timers.map((t) => t.stepKey)).size).toBe(timers.length)
          expect(timers.length).toBeLessThanOrEqual(timerKeys.size)
          expect(outcome === null).toBe(s.value !== 'done')
          expect(s.status).toBe(s.value === 'done' ? 'done' : 'active')
          if (s.value === 'done') expect(timers).toEqual([])
          const kind = { sleeping: 'sleep', waiting: 'wait', retrying: 'retry' }[s.value as string]
          if (kind) expect(timers.some((t) => t.kind === kind)).toBe(true)
          expect(s.context.attempt).toBeLessThan(input.retry.attempts)
        }
      }),
      params,
    )
  })

  it('once done, no event changes the snapshot', () => {
    fc.assert(
      fc.property(runArb, (events) => {
        let s = initialRunSnapshot(input)
        let final: ReturnType<typeof view> | undefined
        for (const event of events) {
          s = advanceRun(s, event)
          if (final) expect(view(s)).toStrictEqual(final)
          else if (s.value === 'done') final = view(s)
        }
      }),
      params,
    )
  })

  it('reaches every state and every outcome (xstate/graph)', () => {
    // Events offered from each snapshot; wake-ups come exactly when each pending timer is due.
    const events = (s: RunSnapshot): RunEvent[] => [
      { type: 'RUN.START', at: T0 },
      { type: 'STEP.FAILED', stepKey: 'a', attempt: 0, error: { name: 'Error', message: 'x' }, at: T0 },
      { type: 'SLEEP.REQUESTED', stepKey: 's', wakeAt: T0 + 5_000, at: T0 },
      { type: 'WAIT.REQUESTED', stepKey: 'w', event: 'e', timeoutAt: T0 + 9_000, at: T0 },
      { type: 'RUN.SUSPENDED', at: T0 },
      { type: 'RUN.COMPLETED', at: T0 },
      { type: 'RUN.FAILED', error: { name: 'Error', message: 'x' }, at: T0 },
      { type: 'RUN.CANCELLED', at: T0 },
      ...s.context.timers.map((t): RunEvent => {
        const type = t.kind === 'sleep' ? 'SLEEP.ELAPSED' : t.kind === 'retry' ? 'RETRY.DUE' : 'WAIT.TIMED_OUT'
        return { type, stepKey: t.stepKey, at: t.at }
      }),
    ]
    const key = (s: RunSnapshot) =>
      JSON.stringify([s.value, s.context.outcome, s.context.attempt, s.context.timers.map((t) => t.stepKey).sort()])
    const paths = getShortestPaths(runMachine, { input, events, serializeState: key, limit: 5_000 })
    const reached = new Set(paths.map((p) => `${String(p.state.value)}:${p.state.context.outcome ?? ''}`))
    expect([...reached].sort()).toEqual(
      ['done:cancelled', 'done:completed', 'done:failed', 'queued:', 'retrying:', 'running:', 'sleeping:', 'waiting:'],
    )
    // Every path replays to its state, and to the same snapshot with a persist/restore hop before
    // each event. (`path.state` is only the first snapshot seen with that key, hence `key`.)
    for (const path of paths) {
      const plain = path.steps.reduce((s, step) => advanceRun(s, step.event), initialRunSnapshot(input))
      const hopped = path.steps.reduce((s, step) => advanceRun(roundTrip(s), step.event), initialRunSnapshot(input))
      expect(key(plain)).toBe(key(path.state))
      expect(view(hopped)).toStrictEqual(view(plain))
    }
  })
})
