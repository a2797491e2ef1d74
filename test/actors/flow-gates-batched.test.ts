/**
 * Flow gates decide a delivery batch in one call per gate object: `admitAll`, `batchAll` and
 * `debounceAll` answer a sequence of events as the single calls would, one at a time in that
 * order (a repeated id, a redelivery, a batch flushed early by size or by count, a debounce
 * period that falls due as the next event arrives), and `deliverEvents` makes one such call per
 * gate. Calls are counted by a spy on the gate class's prototype: the real methods run, in the
 * real runtime; the spy only counts how often the RPC reached them.
 */
import { ulid } from 'ulid'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { deliverEvents, FlowGateActor, MAX_BATCH_BYTES, type AdmitRequest, type BatchRequest, type DebounceRequest, type RunEventPayload } from '../../actors/internal.js'
// Registers the functions here too: a test may deliver before the test worker has loaded.
import '../fixtures/flow-gate-functions.js'
import { gateOf, runOf } from '../fixtures/gates.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { testEnv } from '../fixtures/runs.js'

const UNKEYED_RATE = 'shop-gate-batched-unkeyed-rate'
const BATCH = 'shop-gate-mix-batch'
const DEBOUNCE = 'shop-gate-mix-rate-debounce'
const HOUR = 60 * 60 * 1000

afterEach(() => {
  vi.restoreAllMocks()
})

/** A fresh `gates/mix` event; `n` tells the events apart across the two gates compared. */
function mixEvent(n: number, data: Record<string, unknown> = {}): RunEventPayload {
  return { name: 'gates/mix', id: ulid(), ts: Date.now(), data: { n, ...data } }
}

/** What became of `event`'s run of `functionId`: none, skipped (and why), or ran with events n… */
async function runView(event: RunEventPayload, functionId: string): Promise<string> {
  const run = await runOf(event, functionId)
  if (run.status === 'Unknown') return 'none'
  if (run.status === 'Skipped') return `skipped:${run.snapshot?.context.error?.message}`
  if (!['Running', 'Scheduled', 'Completed'].includes(run.status)) return run.status
  return `ran:${run.events.map((e) => (e.data as { n: number }).n).join(',')}`
}

const runViews = (events: readonly RunEventPayload[], functionId: string) => Promise.all(events.map((event) => runView(event, functionId)))

describe('one call per gate for a delivery batch', () => {
  it('admits exactly `limit` events of a batch for an unkeyed rateLimit, in one call to its gate', async () => {
    const admitAll = vi.spyOn(FlowGateActor.prototype, 'admitAll')
    const events = Array.from({ length: 20 }, (_, n) => ({ name: 'gates/batched-unkeyed', id: ulid(), ts: Date.now(), data: { n } }))
    expect(await deliverEvents(events, testEnv, () => 0)).toEqual(events.map(() => undefined))
    expect(admitAll).toHaveBeenCalledTimes(1)
    expect(admitAll.mock.calls[0]![0]).toHaveLength(20)

    // The first five in delivery order run; the other fifteen are recorded as skipped.
    const views = await runViews(events, UNKEYED_RATE)
    expect(views.slice(0, 5)).toEqual(events.slice(0, 5).map((_, n) => `ran:${n}`))
    expect(views.slice(5)).toEqual(events.slice(5).map(() => 'skipped:rateLimit'))
    const gate = await (await gateOf('rateLimit', UNKEYED_RATE, '')).inspect()
    expect((gate!.state as { allowedAt: number[] }).allowedAt).toHaveLength(5)
  })
})

describe('array calls answer as the single calls in order', () => {
  it('admitAll: a repeated id gets its first answer, and a redelivery of the array changes nothing', async () => {
    const [single, batched] = [await gateOf('rateLimit', 'shop-gate-mix-rate', uniqueLabel('single')), await gateOf('rateLimit', 'shop-gate-mix-rate', uniqueLabel('array'))]
    const [a, b, c, d, e] = [ulid(), ulid(), ulid(), ulid(), ulid()]
    const ids = [a, b, a, c, d, e, d]
    const requests: AdmitRequest[] = ids.map((eventId) => ({ kind: 'rateLimit', functionId: 'shop-gate-mix-rate', eventId, limit: 3, periodMs: HOUR }))

    const one: string[] = []
    for (const request of requests) one.push(await single.admit(request))
    expect(one).toEqual(['allowed', 'allowed', 'allowed', 'allowed', 'skipped', 'skipped', 'skipped'])
    expect(await batched.admitAll(requests)).toEqual(one)
    const [singleState, batchedState] = [(await single.inspect())!, (await batched.inspect())!]
    expect(batchedState).toMatchObject({ kind: 'rateLimit', functionId: 'shop-gate-mix-rate', wakeAt: null, pendingStarts: [], state: { limit: 3, periodMs: HOUR } })
    expect((batchedState.state as { allowedAt: number[] }).allowedAt).toHaveLength((singleState.state as { allowedAt: number[] }).allowedAt.length)

    expect(await batched.admitAll(requests)).toEqual(one)
    expect(await batched.inspect()).toEqual(batchedState)
    expect(await batched.admitAll([])).toEqual([])
  })

  it('admitAll: idempotency lets the first of an id through, as admit does', async () => {
    const gate = await gateOf('idempotency', 'shop-gate-mix-idempotency', uniqueLabel('array'))
    const [x, y] = [ulid(), ulid()]
    const request = (eventId: string): AdmitRequest => ({ kind: 'idempotency', functionId: 'shop-gate-mix-idempotency', eventId, limit: 1, periodMs: 24 * HOUR })
    expect(await gate.admitAll([request(x), request(y), request(x)])).toEqual(['allowed', 'skipped', 'allowed'])
    expect(await gate.admit(request(y))).toBe('skipped')
  })

  it('batchAll: fills and flushes by count and by size as single calls do, once per event', async () => {
    const big = 'x'.repeat(Math.ceil(MAX_BATCH_BYTES * 0.6))
    // 0 1 0 2 → full at 3; 3, then 4 (big); 5 (big) would pass MAX_BATCH_BYTES: [3, 4] goes
    // first; then 5 and 6 stay open (6 twice).
    const order = [0, 1, 0, 2, 3, 4, 5, 6, 6]
    const made = (label: string) => {
      const events = [0, 1, 2, 3, 4, 5, 6].map((n) => mixEvent(n, n === 4 || n === 5 ? { big } : {}))
      const key = uniqueLabel(label)
      const requests: BatchRequest[] = order.map((n) => ({ functionId: BATCH, event: events[n]!, maxSize: 3, timeoutMs: 60_000 }))
      return { events, key, requests }
    }
    const [single, batched] = [made('single'), made('array')]
    const singleGate = await gateOf('batch', BATCH, single.key)
    const batchedGate = await gateOf('batch', BATCH, batched.key)
    for (const request of single.requests) await singleGate.batch(request)
    await batchedGate.batchAll(batched.requests)

    const expected = ['ran:0,1,2', 'none', 'none', 'ran:3,4', 'none', 'none', 'none']
    expect(await runViews(single.events, BATCH)).toEqual(expected)
    expect(await runViews(batched.events, BATCH)).toEqual(expected)
    const openOf = async (gate: typeof singleGate) => {
      const inspection = (await gate.inspect())!
      const open = (inspection.state as { open: { events: RunEventPayload[] } | null }).open
      return { open: open?.events.map((event) => (event.data as { n: number }).n), waits: inspection.wakeAt !== null, pendingStarts: inspection.pendingStarts }
    }
    expect(await openOf(singleGate)).toEqual({ open: [5, 6], waits: true, pendingStarts: [] })
    expect(await openOf(batchedGate)).toEqual(await openOf(singleGate))

    // Redelivered whole: every event is known, nothing joins or starts again.
    const before = await batchedGate.inspect()
    await batchedGate.batchAll(batched.requests)
    expect(await batchedGate.inspect()).toEqual(before)
    expect(await runViews(batched.events, BATCH)).toEqual(expected)
  })

  it('debounceAll: a period due when the next event arrives fires, as single calls do, once per event', async () => {
    // Periods of 0 fall due at once, so each next event fires the pending one; the last waits an hour.
    const order = [0, 1, 1, 2, 3, 4]
    const made = (label: string) => {
      const events = [0, 1, 2, 3, 4].map((n) => mixEvent(n))
      const requests: DebounceRequest[] = order.map((n) => ({ functionId: DEBOUNCE, event: events[n]!, periodMs: n === 4 ? HOUR : 0 }))
      return { events, key: uniqueLabel(label), requests }
    }
    const [single, batched] = [made('single'), made('array')]
    const singleGate = await gateOf('debounce', DEBOUNCE, single.key)
    const batchedGate = await gateOf('debounce', DEBOUNCE, batched.key)
    for (const request of single.requests) await singleGate.debounce(request)
    await batchedGate.debounceAll(batched.requests)

    const expected = ['ran:0', 'ran:1', 'ran:2', 'ran:3', 'none']
    expect(await runViews(single.events, DEBOUNCE)).toEqual(expected)
    expect(await runViews(batched.events, DEBOUNCE)).toEqual(expected)
    const pendingOf = async (gate: typeof singleGate) => {
      const inspection = (await gate.inspect())!
      const { pending } = inspection.state as { pending: { event: RunEventPayload; count: number } | null }
      return { pending: pending && { n: (pending.event.data as { n: number }).n, count: pending.count }, pendingStarts: inspection.pendingStarts }
    }
    expect(await pendingOf(singleGate)).toEqual({ pending: { n: 4, count: 1 }, pendingStarts: [] })
    expect(await pendingOf(batchedGate)).toEqual(await pendingOf(singleGate))

    const before = await batchedGate.inspect()
    await batchedGate.debounceAll(batched.requests)
    expect(await batchedGate.inspect()).toEqual(before)
    expect(await runViews(batched.events, DEBOUNCE)).toEqual(expected)
  })
})
