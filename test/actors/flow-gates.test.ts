import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { ulid } from 'ulid'
import { describe, expect, it } from 'vitest'
import type { FlowGateActor } from '../../actors/internal.js'
import { startRunsFor } from '../../src/events/route-events.js'
import { gateOf, hasRun, inOpenBatch, isPending, rawGate, rawRun, runOf, sendThrough } from '../fixtures/gates.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { AUTH, request, runIdFor, stateOf, testEnv, waitForRun } from '../fixtures/runs.js'

const DEBOUNCE = 'shop-gate-debounce'
const CAPPED = 'shop-gate-debounce-capped'
const RATE = 'shop-gate-rate-limited'
const IDEMPOTENT = 'shop-gate-idempotent'
const BATCH = 'shop-gate-batched'
const SKIP = 'shop-gate-singleton-skip'
const CANCEL = 'shop-gate-singleton-cancel'

type Pending = { pending: { event: { id: string }; count: number; firstAt: number; lastAt: number; dueAt: number } | null }
const alarmOf = (stub: DurableObjectStub<FlowGateActor>) => runInDurableObject(stub, (_: FlowGateActor, state) => state.storage.getAlarm())
const completed = async (eventId: string, functionId: string) => waitForRun(await runIdFor(eventId, functionId), (run) => run.status === 'Completed')
const skipReason = async (eventId: string, functionId: string) => {
  const run = await waitForRun(await runIdFor(eventId, functionId), (r) => r.status === 'Skipped')
  return run.snapshot!.context.error!.message
}

describe('debounce', () => {
  it('runs once, with the last event, when 5s pass without another event of the user', async () => {
    const [ada, bob] = [uniqueLabel('ada'), uniqueLabel('bob')]
    const ids: string[] = []
    for (const n of [1, 2, 3]) ids.push(await sendThrough('gates/debounce', { userId: ada, n }, isPending(DEBOUNCE, ada)))
    const bobs = await sendThrough('gates/debounce', { userId: bob, n: 9 }, isPending(DEBOUNCE, bob))

    const gate = await (await gateOf('debounce', DEBOUNCE, ada)).inspect()
    const { pending } = gate!.state as Pending
    expect(pending).toMatchObject({ event: { id: ids[2] }, count: 3 })
    expect(gate!.wakeAt).toBe(pending!.lastAt + 5_000)
    expect(await alarmOf(await rawGate('debounce', DEBOUNCE, ada))).toBe(gate!.wakeAt)
    for (const id of ids) expect((await runOf(id, DEBOUNCE)).status).toBe('Unknown')

    // runDurableObjectAlarm fires ahead of time: the wake time the alarm was set for is due.
    await runDurableObjectAlarm(await rawGate('debounce', DEBOUNCE, ada))
    expect((await completed(ids[2]!, DEBOUNCE)).output).toEqual({ event: ids[2], events: [ids[2]], n: [3] })
    for (const id of ids.slice(0, 2)) expect((await runOf(id, DEBOUNCE)).status).toBe('Unknown')
    expect(await (await gateOf('debounce', DEBOUNCE, ada)).inspect()).toMatchObject({ state: { pending: null }, wakeAt: null, pendingStarts: [] })

    // Another user's key is another gate, still waiting.
    expect(((await (await gateOf('debounce', DEBOUNCE, bob)).inspect())!.state as Pending).pending?.event.id).toBe(bobs)
    const runs = (await (await request(`/v1/events/${ids[2]}/runs`, { headers: AUTH })).json()) as { data: Array<{ status: string; function_id: string }> }
    expect(runs.data).toMatchObject([{ status: 'Completed', function_id: DEBOUNCE }])
  })

  it('caps the delay at timeout from the first event', async () => {
    const userId = uniqueLabel('cap')
    const first = await sendThrough('gates/debounce-capped', { userId, n: 1 }, isPending(CAPPED, userId))
    await new Promise((resolve) => setTimeout(resolve, 20))
    const last = await sendThrough('gates/debounce-capped', { userId, n: 2 }, isPending(CAPPED, userId))
    const gate = await (await gateOf('debounce', CAPPED, userId)).inspect()
    const { pending } = gate!.state as Pending
    expect(pending!.lastAt).toBeGreaterThan(pending!.firstAt)
    expect(gate!.wakeAt).toBe(pending!.firstAt + 5_000) // not lastAt + 5s
    await runDurableObjectAlarm(await rawGate('debounce', CAPPED, userId))
    expect((await completed(last, CAPPED)).output).toMatchObject({ event: last })
    expect((await runOf(first, CAPPED)).status).toBe('Unknown')
  })

  it('survives eviction of its gate between events and before the alarm', async () => {
    const userId = uniqueLabel('evict')
    const raw = () => rawGate('debounce', DEBOUNCE, userId)
    await sendThrough('gates/debounce', { userId, n: 1 }, isPending(DEBOUNCE, userId))
    await evictDurableObject(await raw())
    await sendThrough('gates/debounce', { userId, n: 2 }, isPending(DEBOUNCE, userId))
    const last = await sendThrough('gates/debounce', { userId, n: 3 }, isPending(DEBOUNCE, userId))
    await evictDurableObject(await raw())
    expect(await runDurableObjectAlarm(await raw())).toBe(true)
    expect((await completed(last, DEBOUNCE)).output).toMatchObject({ event: last, n: [3] })
  })
})

describe('rateLimit and idempotency', () => {
  it('skips events over the limit per user and records them as Skipped', async () => {
    const [ada, bob] = [uniqueLabel('ada'), uniqueLabel('bob')]
    const ids: string[] = []
    for (const n of [1, 2, 3]) ids.push(await sendThrough('gates/rate', { userId: ada, n }, hasRun(RATE)))
    const bobs = await sendThrough('gates/rate', { userId: bob, n: 1 }, hasRun(RATE))
    await completed(ids[0]!, RATE)
    await completed(ids[1]!, RATE)
    expect(await skipReason(ids[2]!, RATE)).toBe('rateLimit')
    await completed(bobs, RATE)
    const runs = (await (await request(`/v1/events/${ids[2]}/runs`, { headers: AUTH })).json()) as { data: Array<{ status: string }> }
    expect(runs.data).toMatchObject([{ status: 'Skipped', error: { name: 'RunSkipped', message: 'rateLimit' } }])
  })

  it('treats a key that fails to evaluate as the empty key, shared by such events', async () => {
    const id = await sendThrough('gates/rate', { n: 1 }, hasRun(RATE))
    const gate = await (await gateOf('rateLimit', RATE, '')).inspect()
    expect((gate!.state as { allowedAt: number[] }).allowedAt.length).toBeGreaterThanOrEqual(1)
    await completed(id, RATE)
  })

  it('runs once per idempotency key value per 24h', async () => {
    const [order, other] = [uniqueLabel('order'), uniqueLabel('order')]
    const first = await sendThrough('gates/idempotent', { orderId: order }, hasRun(IDEMPOTENT))
    const again = await sendThrough('gates/idempotent', { orderId: order }, hasRun(IDEMPOTENT))
    const otherOrder = await sendThrough('gates/idempotent', { orderId: other }, hasRun(IDEMPOTENT))
    await completed(first, IDEMPOTENT)
    expect(await skipReason(again, IDEMPOTENT)).toBe('idempotency')
    await completed(otherOrder, IDEMPOTENT)
    const gate = await (await gateOf('idempotency', IDEMPOTENT, order)).inspect()
    expect(gate!.state).toMatchObject({ limit: 1, periodMs: 24 * 60 * 60 * 1000 })
  })
})

describe('batchEvents', () => {
  it('starts one run with events[] when the batch is full; event is the first', async () => {
    const userId = uniqueLabel('batch')
    const first = await sendThrough('gates/batch', { userId, plan: 'free', n: 1 }, inOpenBatch(BATCH, userId))
    const second = await sendThrough('gates/batch', { userId, plan: 'free', n: 2 }, inOpenBatch(BATCH, userId))
    const third = await sendThrough('gates/batch', { userId, plan: 'free', n: 3 }, async () => hasRun(BATCH)(first))
    expect((await completed(first, BATCH)).output).toEqual({ event: first, events: [first, second, third], n: [1, 2, 3] })
    expect(await (await gateOf('batch', BATCH, userId)).inspect()).toMatchObject({ state: { open: null }, wakeAt: null, pendingStarts: [] })
  })

  it('starts a run with the partial batch on timeout, even after eviction', async () => {
    const userId = uniqueLabel('batch')
    const first = await sendThrough('gates/batch', { userId, plan: 'free', n: 1 }, inOpenBatch(BATCH, userId))
    const second = await sendThrough('gates/batch', { userId, plan: 'free', n: 2 }, inOpenBatch(BATCH, userId))
    const raw = await rawGate('batch', BATCH, userId)
    expect(await alarmOf(raw)).toBe((await (await gateOf('batch', BATCH, userId)).inspect())!.wakeAt)
    await evictDurableObject(raw)
    expect(await runDurableObjectAlarm(await rawGate('batch', BATCH, userId))).toBe(true)
    expect((await completed(first, BATCH)).output).toEqual({ event: first, events: [first, second], n: [1, 2] })
  })

  it('runs an event that fails the batch if on its own, at once', async () => {
    const userId = uniqueLabel('batch')
    const pro = await sendThrough('gates/batch', { userId, plan: 'pro', n: 7 }, hasRun(BATCH))
    expect((await completed(pro, BATCH)).output).toEqual({ event: pro, events: [pro], n: [7] })
    expect(await (await gateOf('batch', BATCH, userId)).inspect()).toBeNull()
  })

  it('never adds a redelivered event to a batch twice', async () => {
    const userId = uniqueLabel('batch')
    const event = { name: 'gates/batch', id: ulid(), ts: Date.now(), data: { userId, plan: 'free', n: 1 } }
    await startRunsFor(event, testEnv)
    await startRunsFor(event, testEnv)
    const gate = await (await gateOf('batch', BATCH, userId)).inspect()
    expect((gate!.state as { open: { events: unknown[] } }).open.events).toHaveLength(1)
  })
})

describe('singleton', () => {
  it('skips a run while the user has an active one, and starts again once it finished', async () => {
    const userId = uniqueLabel('solo')
    const first = await sendThrough('gates/singleton-skip', { userId, label: uniqueLabel('a') }, hasRun(SKIP))
    const firstRun = await runIdFor(first, SKIP)
    await waitForRun(firstRun, (run) => stateOf(run) === 'sleeping')
    const second = await sendThrough('gates/singleton-skip', { userId, label: uniqueLabel('b') }, hasRun(SKIP))
    expect(await skipReason(second, SKIP)).toBe('singleton')
    const elsewhere = await sendThrough('gates/singleton-skip', { userId: uniqueLabel('other'), label: uniqueLabel('c') }, hasRun(SKIP))
    expect((await runOf(elsewhere, SKIP)).status).toBe('Running')

    await runDurableObjectAlarm(rawRun(firstRun)) // its hour of sleep is over
    await waitForRun(firstRun, (run) => run.status === 'Completed')
    const third = await sendThrough('gates/singleton-skip', { userId, label: uniqueLabel('d') }, hasRun(SKIP))
    expect((await runOf(third, SKIP)).status).toBe('Running')
  })

  it('cancels the active run and starts the new one in cancel mode', async () => {
    const userId = uniqueLabel('solo')
    const first = await sendThrough('gates/singleton-cancel', { userId, label: uniqueLabel('a') }, hasRun(CANCEL))
    await waitForRun(await runIdFor(first, CANCEL), (run) => stateOf(run) === 'sleeping')
    const second = await sendThrough('gates/singleton-cancel', { userId, label: uniqueLabel('b') }, hasRun(CANCEL))
    const cancelled = await waitForRun(await runIdFor(first, CANCEL), (run) => run.status === 'Cancelled')
    expect(cancelled.snapshot!.context.error!.message).toBe('singleton')
    expect((await runOf(second, CANCEL)).status).toBe('Running')
    expect(await (await gateOf('singleton', CANCEL, userId)).inspect()).toMatchObject({ state: { activeRunId: await runIdFor(second, CANCEL) } })
  })
})
