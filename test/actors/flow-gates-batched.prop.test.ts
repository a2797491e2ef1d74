/**
 * Batched delivery is one-at-a-time delivery, faster: a generated sequence of `gates/mix` events
 * (three keys, free and pro plans, repeated idempotency values, redeliveries of earlier events)
 * is delivered twice under two fresh sets of keys: one event per `deliverEvents` call, and cut
 * into random delivery batches. Four functions take each event (batchEvents with an `if`,
 * rateLimit, rateLimit then debounce, idempotency; all keyed by `event.data.key`); both ways
 * give every event the same runs (started with the same events, or skipped for the same reason,
 * or none) and leave every gate in the same state.
 *
 * Reproducing a failure: fast-check prints `seed` and `path`; rerun with
 *   FC_SEED=<seed> npx vitest run test/actors/flow-gates-batched.prop.test.ts
 */
import fc from 'fast-check'
import { ulid } from 'ulid'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { deliverEvents, FlowGateActor, type RunEventPayload } from '../../actors/internal.js'
import { seedParams } from '../fixtures/fc-seed.js'
// Registers the functions here too: a test may deliver before the test worker has loaded.
import '../fixtures/flow-gate-functions.js'
import { gateOf, runOf } from '../fixtures/gates.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { testEnv } from '../fixtures/runs.js'

const BATCH = 'shop-gate-mix-batch'
const RATE = 'shop-gate-mix-rate'
const RATE_DEBOUNCE = 'shop-gate-mix-rate-debounce'
const IDEMPOTENT = 'shop-gate-mix-idempotency'
const KEYS = [0, 1, 2]

type Step =
  | { readonly do: 'send'; readonly key: number; readonly plan: 'free' | 'pro'; readonly dup: number }
  | { readonly do: 'redeliver'; readonly pick: number }

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ do: fc.constant('send' as const), key: fc.constantFrom(...KEYS), plan: fc.constantFrom('free' as const, 'pro' as const), dup: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ do: fc.constant('redeliver' as const), pick: fc.nat() }) },
)

/** One way of delivering the steps: its events (by the order sent) and its deliveries. */
interface Played {
  readonly label: string
  readonly events: RunEventPayload[]
}

/** The deliveries `steps` make, each a list of events: `cuts` sizes the batches, in turn; none means one event each. */
function deliveries(steps: readonly Step[], label: string, cuts?: readonly number[]): { played: Played; batches: RunEventPayload[][] } {
  const events: RunEventPayload[] = []
  const sequence: RunEventPayload[] = []
  for (const next of steps) {
    if (next.do === 'redeliver') {
      if (events.length > 0) sequence.push(events[next.pick % events.length]!)
      continue
    }
    const event = { name: 'gates/mix', id: ulid(), ts: Date.now(), data: { key: `${label}:${next.key}`, plan: next.plan, dup: next.dup, n: events.length } }
    events.push(event)
    sequence.push(event)
  }
  const batches: RunEventPayload[][] = []
  for (let at = 0, turn = 0; at < sequence.length; turn++) {
    const size = cuts ? cuts[turn % cuts.length]! : 1
    batches.push(sequence.slice(at, at + size))
    at += size
  }
  return { played: { label, events }, batches }
}

/** Delivers the batches one after another; every event must be delivered. */
async function deliver(batches: readonly RunEventPayload[][]): Promise<void> {
  for (const batch of batches) expect(await deliverEvents(batch, testEnv, () => 0)).toEqual(batch.map(() => undefined))
}

const nOf = (event: RunEventPayload) => (event.data as { n: number }).n

/** What became of an event's run: none, skipped (and why), or ran with events n… */
async function runView(event: RunEventPayload, functionId: string): Promise<string> {
  const run = await runOf(event, functionId)
  if (run.status === 'Unknown') return 'none'
  if (run.status === 'Skipped') return `skipped:${run.snapshot?.context.error?.message}`
  if (!['Running', 'Scheduled', 'Completed'].includes(run.status)) return run.status
  return `ran:${run.events.map(nOf).join(',')}`
}

/** Every event's runs and every gate's state, free of keys, ids and clock readings. */
async function outcome({ label, events }: Played) {
  // Per event, its run of each function in this order.
  const runs = events.flatMap((event) => [BATCH, RATE, RATE_DEBOUNCE, IDEMPOTENT].map((functionId) => runView(event, functionId)))
  const gates = await Promise.all(
    KEYS.map(async (key) => {
      const name = `${label}:${key}`
      const inspect = async (kind: Parameters<typeof gateOf>[0], functionId: string) => (await gateOf(kind, functionId, name)).inspect()
      const [batch, rate, rateBeforeDebounce, debounce] = await Promise.all([inspect('batch', BATCH), inspect('rateLimit', RATE), inspect('rateLimit', RATE_DEBOUNCE), inspect('debounce', RATE_DEBOUNCE)])
      const open = (batch?.state as { open: { events: RunEventPayload[] } | null } | undefined)?.open
      const pending = (debounce?.state as { pending: { event: RunEventPayload; count: number } | null } | undefined)?.pending
      const admitted = (gate: typeof rate) => (gate?.state as { allowedAt: number[] } | undefined)?.allowedAt.length ?? null
      return {
        batch: open ? open.events.map(nOf) : null,
        rate: admitted(rate),
        rateBeforeDebounce: admitted(rateBeforeDebounce),
        debounce: pending ? { n: nOf(pending.event), count: pending.count } : null,
        pendingStarts: [batch, debounce].map((gate) => gate?.pendingStarts.length ?? 0),
      }
    }),
  )
  return { runs: await Promise.all(runs), gates }
}

/** Plays `steps` both ways; both outcomes, one at a time's first. */
async function bothWays(steps: readonly Step[], cuts: readonly number[]) {
  const one = deliveries(steps, uniqueLabel('one'))
  const batched = deliveries(steps, uniqueLabel('batched'), cuts)
  await Promise.all([deliver(one.batches), deliver(batched.batches)])
  return [await outcome(one.played), await outcome(batched.played)] as const
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('batched delivery through flow gates (property)', () => {
  it('starts and skips the same runs and leaves the same gate states as delivery one event at a time', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 4 }), async (steps, cuts) => {
        const [one, batched] = await bothWays(steps, cuts)
        expect(batched).toEqual(one)
      }),
      seedParams({ numRuns: 10, endOnFailure: true }),
    )
  })

  it('gives a mixed batch (batch `if` both ways, several keys per gate) the runs of one at a time, in one call per gate', async () => {
    // key, plan, dup: key 0 has three free events (a full batch) and four rate-limited ones.
    const rows: Array<[number, 'free' | 'pro', number]> = [
      [0, 'free', 0], [1, 'free', 0], [0, 'pro', 1], [0, 'free', 0], [2, 'pro', 2], [1, 'free', 1],
      [0, 'free', 2], [1, 'pro', 0], [2, 'free', 0], [2, 'free', 0],
    ]
    const steps: Step[] = [...rows.map(([key, plan, dup]) => ({ do: 'send' as const, key, plan, dup })), { do: 'redeliver', pick: 3 }]
    const one = deliveries(steps, uniqueLabel('one'))
    await deliver(one.batches)
    const calls = { admitAll: vi.spyOn(FlowGateActor.prototype, 'admitAll'), batchAll: vi.spyOn(FlowGateActor.prototype, 'batchAll'), debounceAll: vi.spyOn(FlowGateActor.prototype, 'debounceAll') }
    const batched = deliveries(steps, uniqueLabel('batched'), [steps.length])
    expect(batched.batches).toHaveLength(1)
    await deliver(batched.batches)

    // One call per gate object: rate 3 keys + rate-before-debounce 3 + idempotency 7 (key, dup)
    // pairs; batch: the keys with free events (3); debounce: keys with admitted events (3).
    expect(calls.admitAll).toHaveBeenCalledTimes(3 + 3 + 7)
    expect(calls.batchAll).toHaveBeenCalledTimes(3)
    expect(calls.debounceAll).toHaveBeenCalledTimes(3)

    const [expected, actual] = [await outcome(one.played), await outcome(batched.played)]
    expect(actual).toEqual(expected)
    // The first two of each key run; key 0's free events 0, 3, 6 fill its batch; pro events run alone.
    expect(actual.runs.filter((_, at) => at % 4 === 1)).toEqual(['ran:0', 'ran:1', 'ran:2', 'skipped:rateLimit', 'ran:4', 'ran:5', 'skipped:rateLimit', 'skipped:rateLimit', 'ran:8', 'skipped:rateLimit'])
    expect(actual.runs.filter((_, at) => at % 4 === 0)).toEqual(['ran:0,3,6', 'none', 'ran:2', 'none', 'ran:4', 'none', 'none', 'ran:7', 'none', 'none'])
    expect(actual.gates.map((gate) => gate.batch)).toEqual([null, [1, 5], [8, 9]])
    expect(actual.gates.map((gate) => gate.debounce)).toEqual([{ n: 3, count: 3 }, { n: 7, count: 3 }, { n: 9, count: 3 }])
  })
})
