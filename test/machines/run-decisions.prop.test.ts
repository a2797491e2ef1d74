/**
 * Properties of the machine's decisions (machines/run-decisions.ts) over generated event
 * sequences: effects are exactly what the transitions call for, and nothing after the end.
 * Reproducing a failure: FC_SEED=<seed> npx vitest run test/machines/run-decisions.prop.test.ts
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { initialRunSnapshot, transitionRun, type RunEffect, type RunEvent, type RunFacts, type RunSnapshot } from '../../machines/index.js'
import { seedParams } from '../fixtures/fc-seed.js'
import { input, runArb, T0 } from './fixtures/run-events.js'

const params = seedParams({ numRuns: 300 })

const trigger = { name: 'shop/order.placed', id: 'evt-1', ts: T0, data: { id: 1 }, user: {} }
const factsArb = fc.record({
  cancelOn: fc.array(fc.record({ event: fc.constantFrom('shop/order.cancelled', 'shop/refund'), if: fc.constantFrom(undefined, 'event.data.id == async.data.id') }), { maxLength: 2 }),
  failureHandler: fc.boolean(),
  parent: fc.boolean(),
  hosted: fc.boolean(),
  indexed: fc.boolean(),
})

type FactsSpec = typeof factsArb extends fc.Arbitrary<infer T> ? T : never

function factsOf({ cancelOn, failureHandler, parent, hosted, indexed }: FactsSpec): RunFacts {
  return {
    trigger,
    indexed,
    ...(hosted ? { host: { binding: 'DOCS', name: 'doc-1' } } : {}),
    cancelOn: cancelOn.map((rule) => (rule.if ? { event: rule.event, if: rule.if } : { event: rule.event })),
    ...(failureHandler ? { failureHandlerId: `${input.functionId}:failure` } : {}),
    ended: () => ({ output: { ok: true }, streams: ['x'], parent: parent ? { runId: 'parent-run', stepKey: 'call' } : null }),
  }
}

interface Step {
  readonly event: RunEvent
  readonly before: RunSnapshot
  readonly after: RunSnapshot
  readonly effects: readonly RunEffect[]
}

function play(events: readonly RunEvent[], facts: RunFacts): Step[] {
  let snapshot = initialRunSnapshot(input)
  return events.map((event) => {
    const before = snapshot
    const { snapshot: after, effects } = transitionRun(before, event, facts)
    snapshot = after
    return { event, before, after, effects }
  })
}

const ofKind = <K extends RunEffect['kind']>(effects: readonly RunEffect[], kind: K) => effects.filter((e): e is Extract<RunEffect, { kind: K }> => e.kind === kind)

describe('run decisions properties', () => {
  it('every accepted WAIT.REQUESTED yields exactly one registration, and INVOKE.REQUESTED exactly one child run', () => {
    const seen = { waits: 0, invokes: 0 }
    fc.assert(
      fc.property(runArb, factsArb, (events, facts) => {
        for (const { event, before, after, effects } of play(events, factsOf(facts))) {
          const accepted = after !== before
          if (event.type === 'WAIT.REQUESTED') {
            const registrations = ofKind(effects, 'register')
            expect(registrations.length).toBe(accepted ? 1 : 0)
            if (accepted) seen.waits++
            if (accepted) expect(registrations[0]!.registration).toMatchObject({ stepKey: event.stepKey, kind: 'wait', event: event.event, expiresAt: event.timeoutAt, trigger })
          }
          if (event.type === 'INVOKE.REQUESTED') {
            const starts = ofKind(effects, 'start-run')
            expect(starts.length).toBe(accepted ? 1 : 0)
            if (accepted) seen.invokes++
            if (accepted) expect(starts[0]).toMatchObject({ functionId: event.functionId, parent: { runId: input.runId, stepKey: event.stepKey } })
          }
        }
      }),
      params,
    )
    // Not vacuous: the generated runs do request waits and invokes while running.
    expect(seen.waits).toBeGreaterThan(10)
    expect(seen.invokes).toBeGreaterThan(10)
  })

  it('once done, nothing: no new step, no timer, no effect', () => {
    fc.assert(
      fc.property(runArb, factsArb, (events, facts) => {
        for (const { before, after, effects } of play(events, factsOf(facts))) {
          if (before.value === 'done') {
            expect(after).toBe(before)
            expect(effects).toEqual([])
          }
        }
      }),
      params,
    )
  })

  it('indexes a run (with an index) once when it starts and once when it ends, and announces its end exactly once', () => {
    fc.assert(
      fc.property(runArb, factsArb, (events, facts) => {
        const steps = play(events, factsOf(facts))
        const indexed = steps.flatMap((step) => ofKind(step.effects, 'index').map((effect) => ({ step, entry: effect.entry })))
        const started = steps.some((step) => step.event.type === 'RUN.START' && step.before.value === 'queued')
        const end = steps.find((step) => step.after.value === 'done' && step.before.value !== 'done')
        expect(indexed.length).toBe(facts.indexed ? (started ? 1 : 0) + (end ? 1 : 0) : 0)
        if (!end) return
        const outcome = end.after.context.outcome!
        if (facts.indexed) expect(indexed.at(-1)!.entry).toMatchObject({ runId: input.runId, status: { completed: 'Completed', failed: 'Failed', cancelled: 'Cancelled', skipped: 'Skipped' }[outcome], endedAt: end.event.at })
        const published = steps.flatMap((step) => ofKind(step.effects, 'publish'))
        expect(published.length).toBe(outcome === 'skipped' ? 0 : 1)
        const failureRuns = ofKind(end.effects, 'start-run')
        expect(failureRuns.length).toBe(outcome === 'failed' && facts.failureHandler ? 1 : 0)
        expect(ofKind(end.effects, 'notify-parent').length).toBe(facts.parent && outcome !== 'skipped' ? 1 : 0)
      }),
      params,
    )
  })

  it('registers each cancelOn rule when the run starts, and closes only timed-out event waits', () => {
    fc.assert(
      fc.property(runArb, factsArb, (events, facts) => {
        for (const { event, before, after, effects } of play(events, factsOf(facts))) {
          const cancels = ofKind(effects, 'register').filter((effect) => effect.registration.kind === 'cancel')
          expect(cancels.length).toBe(event.type === 'RUN.START' && before.value === 'queued' ? facts.cancelOn.length : 0)
          const closes = ofKind(effects, 'close')
          const timer = before.context.timers.find((t) => event.type === 'WAIT.TIMED_OUT' && t.stepKey === event.stepKey && t.kind === 'wait')
          expect(closes.length).toBe(after !== before && timer && !timer.invoke ? 1 : 0)
        }
      }),
      params,
    )
  })

  it('decides the same effects for the same snapshot and event (replay determinism)', () => {
    fc.assert(
      fc.property(runArb, factsArb, (events, facts) => {
        const once = play(events, factsOf(facts))
        const again = play(events, factsOf(facts))
        expect(again.map((step) => step.effects)).toStrictEqual(once.map((step) => step.effects))
      }),
      params,
    )
  })
})
