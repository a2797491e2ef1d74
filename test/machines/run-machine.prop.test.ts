/**
 * Properties of the run machine over generated event sequences.
 *
 * Reproducing a failure: fast-check prints `seed` and `path` in the error; vitest.config.ts passes
 * `FC_` variables into workerd (test/fixtures/fc-seed.ts), so:
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
import { input, runArb, T0 } from './fixtures/run-events.js'

const params = seedParams({ numRuns: 300 })

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
          if (event.type === 'SLEEP.REQUESTED' || event.type === 'WAIT.REQUESTED' || event.type === 'INVOKE.REQUESTED' || event.type === 'STEP.FAILED') timerKeys.add(event.stepKey)
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
