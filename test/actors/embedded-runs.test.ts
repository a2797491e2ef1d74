import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { SlotStore } from '../../actors/storage/slot-store.js'
import { describe, expect, it, vi } from 'vitest'
import { ulid } from 'ulid'
import { findFunction, hostedRunStub, RunHost, slotStub, type RunInspection, type StartRunRequest } from '../../actors/internal.js'
import type { ConcurrencyState } from '../../machines/index.js'
import { EMBEDDED_RUNS_BINDING } from '../fixtures/embedded-runs.js'
import { gate, hits, openGate, uniqueLabel } from '../fixtures/probes.js'
import { sendEvent, testEnv } from '../fixtures/runs.js'

interface EmbeddedStub {
  startRun(request: StartRunRequest): Promise<unknown>
  inspect(): Promise<RunInspection>
}

/** Starts `functionId` in its own `EmbeddedRuns` object, named `name`, as a user's DO would. */
async function startEmbedded(name: string, functionId: string, event: { name: string; data: Record<string, unknown> }): Promise<{ stub: EmbeddedStub; runId: string }> {
  const stub = testEnv.EMBEDDED_RUNS.get(testEnv.EMBEDDED_RUNS.idFromName(name)) as unknown as EmbeddedStub
  const runId = ulid()
  await stub.startRun({ runId, functionId, events: [{ ...event, id: ulid(), ts: Date.now(), user: {} }] })
  return { stub, runId }
}

/** Polls the embedded run until `accept` holds and its effects are performed. */
async function waitForEmbedded(stub: EmbeddedStub, accept: (run: RunInspection) => boolean): Promise<RunInspection> {
  let last: RunInspection | undefined
  await vi.waitFor(
    async () => {
      last = await stub.inspect()
      if (!accept(last) || last.effectsPending) throw new Error(`embedded run is ${last.status} (${last.snapshot?.value})`)
    },
    { timeout: 5_000, interval: 10 },
  )
  return last!
}

const stateOf = (run: RunInspection) => run.snapshot?.value

const embeddedObject = (name: string) => testEnv.EMBEDDED_RUNS.get(testEnv.EMBEDDED_RUNS.idFromName(name))
const slotObject = (name: string) => testEnv.INNGEST_SLOTS.get(testEnv.INNGEST_SLOTS.idFromName(name))

/** The slot actor's persisted state (the pure core's JSON), its queue read back from rows. */
function slotState<T>(name: string): Promise<T | null> {
  return runInDurableObject(slotObject(name), (_instance, state) => new SlotStore(state.storage).fullState<T>())
}

/** How long until the object's alarm (its watchdog while the run waits for a slot). */
async function alarmIn(object: DurableObjectStub): Promise<number> {
  const at = await runInDurableObject(object, (_instance, state) => state.storage.getAlarm())
  return (at ?? 0) - Date.now()
}

/** The run's watchdog is 30 s; the runs below must go well before it could fire. */
const PROMPTLY = { timeout: 5_000, interval: 10 }

describe('a run embedded in a Durable Object of the user', () => {
  it('gets the event its step.waitForEvent matches, through the queue, in its own object', async () => {
    const orderId = uniqueLabel('embedded-wait')
    const { stub, runId } = await startEmbedded(orderId, 'shop-await-approval', { name: 'approval/requested', data: { label: orderId, orderId } })
    await waitForEmbedded(stub, (run) => stateOf(run) === 'waiting')
    const stream = testEnv.INNGEST_EVENT_STREAMS.get(testEnv.INNGEST_EVENT_STREAMS.idFromName('stream:approval/granted'))
    const stored = await runInDurableObject(stream, (_instance, state) =>
      state.storage.sql.exec<{ host: string | null }>('SELECT host FROM inngest_stream_waits WHERE run_id = ?', runId).one(),
    )
    expect(JSON.parse(stored.host!)).toEqual({ binding: EMBEDDED_RUNS_BINDING, name: orderId })
    await sendEvent('approval/granted', { orderId, by: 'alice' })
    const run = await waitForEmbedded(stub, (r) => r.status === 'Completed')
    expect(run.output).toEqual({ by: 'alice' })
    expect(run.steps[0]).toMatchObject({ id: 'approval', kind: 'wait', status: 'completed' })
  })

  it('is cancelled by a cancelOn event, in its own object', async () => {
    const orderId = uniqueLabel('embedded-cancel')
    const { stub } = await startEmbedded(orderId, 'shop-cancellable', { name: 'order/placed', data: { orderId } })
    await waitForEmbedded(stub, (run) => stateOf(run) === 'sleeping')
    await sendEvent('order/cancelled', { orderId })
    const run = await waitForEmbedded(stub, (r) => r.status === 'Cancelled')
    expect(run.snapshot!.context.error!.message).toMatch(/Cancelled by event order\/cancelled/)
    expect(hits(`shipped:${orderId}`)).toBe(0)
  })

  it('gets the result of the child run its step.invoke started', async () => {
    const label = uniqueLabel('embedded-invoke')
    const { stub } = await startEmbedded(label, 'shop-parent', { name: 'parent/start', data: { label, n: 21 } })
    expect((await waitForEmbedded(stub, (r) => r.status === 'Completed')).output).toEqual({ doubled: 42 })
  })

  it('gets the error of a child run that failed', async () => {
    const label = uniqueLabel('embedded-invoke-fails')
    const { stub } = await startEmbedded(label, 'shop-parent', { name: 'parent/start', data: { label, n: 1, fail: true } })
    expect((await waitForEmbedded(stub, (r) => r.status === 'Completed')).output).toEqual({ error: 'NonRetriableError', message: 'child failed for 1' })
  })
})

describe('flow control of a run embedded in a Durable Object of the user', () => {
  it('lets a run waiting for a concurrency slot go in its own object as soon as the holder finishes', async () => {
    const key = uniqueLabel('embedded-key')
    const [first, second] = [uniqueLabel('embedded-first'), uniqueLabel('embedded-second')]
    // Gates made here, not inside a run's object: opening them reaches into no object's context.
    for (const label of [first, second]) void gate(`embedded-one:${label}`)
    const event = (label: string) => ({ name: 'embedded/one-at-a-time', data: { label, key } })
    const holder = await startEmbedded(first, 'shop-embedded-one-at-a-time', event(first))
    await expect.poll(() => hits(`embedded-one-start:${first}`)).toBe(1)
    const waiter = await startEmbedded(second, 'shop-embedded-one-at-a-time', event(second))

    const slot = `slot:concurrency:fn:shop-embedded-one-at-a-time:event.data.key:${key}`
    await vi.waitFor(async () => {
      const waiting = (await slotState<ConcurrencyState>(slot))?.waiting ?? []
      expect(waiting.map(({ runId, host }) => ({ runId, host }))).toEqual([{ runId: waiter.runId, host: { binding: EMBEDDED_RUNS_BINDING, name: second } }])
    }, PROMPTLY)
    expect(hits(`embedded-one-start:${second}`)).toBe(0)
    expect(stateOf(await waiter.stub.inspect())).toBe('running')
    expect(await alarmIn(embeddedObject(second))).toBeGreaterThan(20_000)

    openGate(`embedded-one:${first}`)
    expect((await waitForEmbedded(holder.stub, (run) => run.status === 'Completed')).output).toBe(first)
    // Told by the slot actor: its own watchdog alarm is still ~30 s away.
    await expect.poll(() => hits(`embedded-one-start:${second}`), PROMPTLY).toBe(1)
    openGate(`embedded-one:${second}`)
    expect((await waitForEmbedded(waiter.stub, (run) => run.status === 'Completed')).output).toBe(second)
    expect((await slotState<ConcurrencyState>(slot))?.waiting).toEqual([])
  })

  it('starts a run queued behind a throttle in its own object when the throttle lets it', async () => {
    const key = uniqueLabel('embedded-key')
    const labels = [uniqueLabel('embedded-t'), uniqueLabel('embedded-t'), uniqueLabel('embedded-t')]
    const runs = []
    for (const label of labels) runs.push(await startEmbedded(label, 'shop-embedded-throttled', { name: 'embedded/throttled', data: { label, key } }))
    // limit 1 + burst 1 start at once; the third waits for the throttle.
    await expect.poll(() => labels.map((label) => hits(`embedded-throttled:${label}`))).toEqual([1, 1, 0])
    const queued = runs[2]!
    expect(stateOf(await waitForEmbedded(queued.stub, (run) => stateOf(run) === 'queued'))).toBe('queued')
    expect(await alarmIn(embeddedObject(labels[2]!))).toBeGreaterThan(20_000)

    const slot = `slot:throttle:shop-embedded-throttled:${key}`
    expect((await slotState<{ queue: unknown[] }>(slot))?.queue).toEqual([{ runId: queued.runId, host: { binding: EMBEDDED_RUNS_BINDING, name: labels[2] } }])
    // The slot actor's alarm: the head conforms now, and the slot actor tells the run's object.
    expect(await runDurableObjectAlarm(slotObject(slot))).toBe(true)
    await waitForEmbedded(queued.stub, (run) => run.status === 'Completed')
    expect(hits(`embedded-throttled:${labels[2]}`)).toBe(1)
  })
})

describe('a slot actor asked for a slot by a run hosted under a binding this worker lacks', () => {
  it('drops the message instead of retrying it forever (the run’s own alarm asks again)', async () => {
    const name = `slot:concurrency:fn:test:${uniqueLabel('missing-binding')}`
    const slot = slotStub(testEnv.INNGEST_SLOTS, name)
    const request = { limit: 1, leaseMs: 60_000, priority: 0 }
    expect(await slot.acquire({ runId: uniqueLabel('holder'), ...request })).toBe(true)
    const holder = (await slotState<ConcurrencyState>(name))!.leases[0]!.runId
    expect(await slot.acquire({ runId: 'elsewhere', ...request, host: { binding: 'MISSING_DOCS', name: 'doc-7' } })).toBe(false)
    const warn = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      await slot.release(holder)
    } finally {
      warn.mockRestore()
    }
    const after = await runInDurableObject(slotObject(name), async (_instance, state) => ({
      pending: state.storage.sql.exec('SELECT run_id FROM inngest_slot_notify').toArray().length,
      alarmIn: ((await state.storage.getAlarm()) ?? 0) - Date.now(),
    }))
    expect((await slotState<ConcurrencyState>(name))!.leases.map((lease) => lease.runId)).toEqual(['elsewhere'])
    // No pending message, so the alarm is the lease's expiry, not a retry a second away.
    expect(after.pending).toBe(0)
    expect(after.alarmIn).toBeGreaterThan(30_000)
  })
})

describe('RunHostOptions.address', () => {
  it('needs a binding and a name, and says how to give them', async () => {
    const object = testEnv.EMBEDDED_RUNS.get(testEnv.EMBEDDED_RUNS.idFromName(uniqueLabel('embedded-address')))
    const problem = await runInDurableObject(object, (_instance, state) => {
      try {
        new RunHost({ ctx: state, resolve: findFunction, address: { binding: 'EMBEDDED_RUNS', name: undefined as unknown as string } })
        return null
      } catch (error) {
        return error as Error
      }
    })
    expect(problem).toBeInstanceOf(TypeError)
    expect(problem!.message).toMatch(/RunHost: address needs a binding and a name .* Fix: \{ binding: 'MY_DO', name: ctx\.id\.name \}/)
  })
})

describe('hostedRunStub', () => {
  const idOf = (stub: unknown) => (stub as DurableObjectStub).id

  it('addresses the run actor by run id when the run has no host', () => {
    expect(idOf(hostedRunStub(testEnv, 'run-1')).equals(testEnv.INNGEST_RUNS.idFromName('run-1'))).toBe(true)
  })

  it('addresses the hosting object by its binding and name', () => {
    const stub = hostedRunStub(testEnv, 'run-1', { binding: EMBEDDED_RUNS_BINDING, name: 'doc-7' })
    expect(idOf(stub).equals(testEnv.EMBEDDED_RUNS.idFromName('doc-7'))).toBe(true)
  })

  it('names the binding and the fix when env lacks it', () => {
    expect(() => hostedRunStub(testEnv, 'run-1', { binding: 'MISSING_DOCS', name: 'doc-7' })).toThrow(
      /run run-1 is hosted by object "doc-7" of the Durable Object binding MISSING_DOCS, which this worker's env does not have\. Fix: bind MISSING_DOCS/,
    )
  })
})
