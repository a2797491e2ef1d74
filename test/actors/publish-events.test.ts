import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { ulid } from 'ulid'
import { eventIndexStub, MAX_EVENT_BYTES, publishEvents, QUEUE_MESSAGE_BYTES, shardOf, type PublishEnv, type QueuedEvent, type RunEventPayload } from '../../actors/internal.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { largestRowOf } from '../fixtures/row-sizes.js'
import { runIdFor, testEnv, waitForRun } from '../fixtures/runs.js'

const event = (name: string, data: Record<string, unknown> = {}, id = ulid()): RunEventPayload => ({ name, data, id, ts: Date.now(), user: {} })
const stored = (id: string) => eventIndexStub(testEnv.INNGEST_EVENT_INDEX, shardOf(id)).get(id)
const shardObject = (id: string) => testEnv.INNGEST_EVENT_INDEX.get(testEnv.INNGEST_EVENT_INDEX.idFromName(`events:${shardOf(id)}`))

/** The outbox columns of a stored event. */
const outboxRow = (id: string) =>
  runInDurableObject(shardObject(id), (_instance, state) => state.storage.sql.exec<{ routed: number; due_at: number | null }>('SELECT routed, due_at FROM inngest_events WHERE id = ?', id).one())

/** The real bindings, with a queue in front that records each sendBatch (or fails it). */
function recordingEnv(fail = false) {
  const batches: QueuedEvent[][] = []
  const queue = {
    sendBatch: async (messages: Iterable<MessageSendRequest<QueuedEvent>>) => {
      if (fail) throw new Error('queue unavailable')
      batches.push([...messages].map((message) => message.body))
    },
  }
  return { batches, env: { ...testEnv, INNGEST_EVENTS: queue as unknown as Queue<QueuedEvent> } satisfies PublishEnv }
}

describe('publishEvents', () => {
  it('stores every event before it resolves', async () => {
    const events = Array.from({ length: 40 }, (_, i) => event(uniqueLabel('app/stored'), { i }))
    await publishEvents(testEnv, events)
    const reads = await Promise.all(events.map((e) => stored(e.id)))
    expect(reads.map((read) => read?.event)).toEqual(events)
  })

  it('delivers a small publish itself, without the queue, and marks it routed once its runs exist', async () => {
    const { env, batches } = recordingEnv()
    const hello = event('test/hello', { name: 'direct' })
    const result = await publishEvents(env, [hello])
    expect(result.ids).toEqual([hello.id])
    await result.delivered
    expect(batches).toEqual([])
    expect(await outboxRow(hello.id)).toEqual({ routed: 1, due_at: null })
    expect((await waitForRun(await runIdFor(hello, 'shop-hello-world'), (r) => r.status === 'Completed')).output).toBe('Hello, direct!')
  })

  it('returns every id in input order and accepts only the ids not seen before', async () => {
    const [a, b, c] = [event('app/x'), event('app/x'), event('app/x')]
    const first = await publishEvents(testEnv, [a, b])
    expect(first.accepted).toEqual([a, b])
    const second = await publishEvents(testEnv, [b, c, a])
    expect([second.ids, second.accepted]).toEqual([[b.id, c.id, a.id], [c]])
  })

  it('queues a large publish, splitting the sends at 100 messages and 256 KB, large events by reference', async () => {
    const { env, batches } = recordingEnv()
    await publishEvents(env, Array.from({ length: 250 }, () => event('app/many')))
    expect(batches.map((batch) => batch.length)).toEqual([100, 100, 50])
    batches.length = 0
    const mid = Array.from({ length: 5 }, () => event('app/mid', { blob: 'x'.repeat(90_000) }))
    const big = event('app/big', { blob: 'x'.repeat(1_000_000) })
    await publishEvents(env, [...mid, big], { via: 'queue' })
    expect(batches.map((batch) => batch.length)).toEqual([2, 2, 2])
    expect(batches.at(-1)!.at(-1)).toEqual({ ref: big.id, name: 'app/big' })
    for (const body of batches.flat()) expect(new TextEncoder().encode(JSON.stringify(body)).byteLength).toBeLessThanOrEqual(QUEUE_MESSAGE_BYTES)
  })

  it('spreads queued events over every bound event queue by id, and system events to their own queue', async () => {
    const [first, second, system] = [recordingEnv(), recordingEnv(), recordingEnv()]
    const env = { ...first.env, INNGEST_EVENTS_1: second.env.INNGEST_EVENTS, INNGEST_SYSTEM_EVENTS: system.env.INNGEST_EVENTS }
    const events = Array.from({ length: 200 }, () => event('app/spread'))
    await publishEvents(env, events, { via: 'queue' })
    const sent = (batches: QueuedEvent[][]) => batches.flat().map((body) => ('id' in body ? body.id : body.ref))
    expect(sent(first.batches).length).toBeGreaterThan(50)
    expect(sent(second.batches).length).toBeGreaterThan(50)
    expect(new Set([...sent(first.batches), ...sent(second.batches)])).toEqual(new Set(events.map((e) => e.id)))
    expect(sent(system.batches)).toEqual([])
    const finished = event('inngest/function.finished')
    await publishEvents(env, [finished], { via: 'queue', system: true })
    expect(sent(system.batches)).toEqual([finished.id])
  })

  it('spreads system events over every bound system queue by id', async () => {
    const [users, system, system1] = [recordingEnv(), recordingEnv(), recordingEnv()]
    const env = { ...users.env, INNGEST_SYSTEM_EVENTS: system.env.INNGEST_EVENTS, INNGEST_SYSTEM_EVENTS_1: system1.env.INNGEST_EVENTS }
    const finished = Array.from({ length: 100 }, () => event('inngest/function.finished'))
    await publishEvents(env, finished, { via: 'queue', system: true })
    const sent = (batches: QueuedEvent[][]) => batches.flat().map((body) => ('id' in body ? body.id : body.ref))
    expect(sent(system.batches).length).toBeGreaterThan(25)
    expect(sent(system1.batches).length).toBeGreaterThan(25)
    expect(new Set([...sent(system.batches), ...sent(system1.batches)])).toEqual(new Set(finished.map((e) => e.id)))
    expect(sent(users.batches)).toEqual([])
  })

  it('leaves an event the queue refused in the outbox, whose alarm re-drives it until its run completes', async () => {
    const hello = event('test/hello', { name: 'outboxed' })
    await expect(publishEvents(recordingEnv(true).env, [hello], { via: 'queue' })).rejects.toThrow('queue unavailable')
    expect((await stored(hello.id))?.event).toEqual(hello)
    expect((await outboxRow(hello.id)).routed).toBe(0)
    // The retry is a duplicate (the first event stands), and the outbox delivers that one.
    expect((await publishEvents(testEnv, [hello])).accepted).toEqual([])
    await runInDurableObject(shardObject(hello.id), (_instance, state) => void state.storage.sql.exec('UPDATE inngest_events SET due_at = 0 WHERE id = ?', hello.id))
    await runDurableObjectAlarm(shardObject(hello.id))
    const run = await waitForRun(await runIdFor(hello, 'shop-hello-world'), (r) => r.status === 'Completed')
    expect(run.output).toBe('Hello, outboxed!')
    await expect.poll(() => outboxRow(hello.id), { timeout: 5_000 }).toEqual({ routed: 1, due_at: null })
  })

  it('refuses an event over the limit, before storing anything', async () => {
    const small = event('app/small')
    const huge = event('app/huge', { blob: 'x'.repeat(MAX_EVENT_BYTES) })
    await expect(publishEvents(testEnv, [small, huge])).rejects.toThrow(RangeError)
    expect(await stored(small.id)).toBeNull()
  })

  it.each(['direct', 'queue'] as const)('runs a function on a 2.5 MB event and resolves its wait with another, %s', async (via) => {
    const key = uniqueLabel('big')
    const trigger = event('big/echo', { key, blob: 'é'.repeat(1_250_000) }) // 2.5 MB of UTF-8
    await publishEvents(testEnv, [trigger], { via })
    const runId = await runIdFor(trigger, 'shop-big-echo')
    await waitForRun(runId, (r) => r.snapshot?.value === 'waiting', 15_000)
    await publishEvents(testEnv, [event('big/reply', { key, blob: 'x'.repeat(2_000_000) })], { via })
    const run = await waitForRun(runId, (r) => r.status === 'Completed', 15_000)
    expect(run.output).toEqual({ length: 1_250_000, head: 'ééé', replyLength: 2_000_000 })
    // Cloudflare refuses rows over 2 MB (local workerd does not check): none was written.
    const objects = [
      testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId)),
      shardObject(trigger.id),
      ...['big/echo', 'big/reply'].map((name) => testEnv.INNGEST_EVENT_STREAMS.get(testEnv.INNGEST_EVENT_STREAMS.idFromName(`stream:${name}`))),
    ]
    for (const object of objects) expect((await largestRowOf(object)).bytes).toBeLessThanOrEqual(2 * 1024 * 1024)
  })
})
