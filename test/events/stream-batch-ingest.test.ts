/**
 * One stream RPC per queue batch and event name: `EventStreamActor.ingestAll` answers exactly
 * what `ingest` called on each event in turn would, redelivery gives the same answer, and
 * `routeEvents` still acks and retries message by message.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { ulid } from 'ulid'
import { describe, expect, it } from 'vitest'
import { eventStreamStub, type RunEventPayload, type StreamMatch, type WaitRegistration } from '../../actors/internal.js'
import { shardsOfEvent, streamObjectName, streamShardCounts } from '../../actors/events/stream-shards.js'
import { routeEvents } from '../../src/index.js'
import { hits, uniqueLabel } from '../fixtures/probes.js'
import { runIdFor, stateOf, testEnv, trigger, waitForRun } from '../fixtures/runs.js'

const HOUR_MS = 60 * 60 * 1000
const rawRun = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))
const rawStream = (name: string, shard = 0) => testEnv.INNGEST_EVENT_STREAMS.get(testEnv.INNGEST_EVENT_STREAMS.idFromName(streamObjectName(name, shard)))
const stream = (name: string) => eventStreamStub(testEnv.INNGEST_EVENT_STREAMS, name)
const event = (name: string, data: Record<string, unknown>): RunEventPayload => ({ name, data, id: ulid(), ts: Date.now(), user: {} })
const shardOfEvent = (id: string) => shardsOfEvent(streamShardCounts(testEnv), id)[0]!
/** `other` with an id recorded in the same stream shard as `event`'s. */
function sameShardAs(event: RunEventPayload, other: RunEventPayload): RunEventPayload {
  let id = other.id
  while (shardOfEvent(id) !== shardOfEvent(event.id)) id = ulid()
  return { ...other, id }
}

/** A batch as the queue delivers it, message `m<i>` carrying `bodies[i]`. */
function batchOf(bodies: readonly unknown[]) {
  return createMessageBatch<RunEventPayload>(
    'inngest-events',
    bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body: body as RunEventPayload })),
  )
}

/** Routes `bodies` as one queue batch; returns the ids of the messages acked and retried. */
async function deliver(bodies: readonly unknown[]): Promise<{ acked: string[]; retried: string[] }> {
  const batch = batchOf(bodies)
  await routeEvents(batch, testEnv)
  const result = await getQueueResult(batch, createExecutionContext())
  return { acked: [...result.explicitAcks].sort(), retried: result.retryMessages.map((message) => message.msgId).sort() }
}

/** Matches in a fixed order: the stream does not promise one among an event's matches. */
const sorted = (perEvent: StreamMatch[][]) => perEvent.map((matches) => [...matches].sort((a, b) => `${a.runId}/${a.stepKey}`.localeCompare(`${b.runId}/${b.stepKey}`)))

describe('EventStreamActor.ingestAll', () => {
  /** Registers, in `streamName`'s stream: runs a and b wait once, run l waits twice (a loop), run c cancels on key b. */
  async function registerWaits(streamName: string, label: string): Promise<void> {
    const since = Date.now() - 1_000
    const registration = (runId: string, stepKey: string, kind: 'wait' | 'cancel', key: string): WaitRegistration => ({
      runId: `${label}-${runId}`,
      stepKey,
      kind,
      event: streamName,
      expression: `async.data.key == '${key}'`,
      trigger: event('batch/trigger', {}),
      sinceTs: since,
      expiresAt: since + HOUR_MS,
    })
    for (const wait of [
      registration('a', 'approval', 'wait', 'a'),
      registration('b', 'approval', 'wait', 'b'),
      registration('l', 'next', 'wait', 'l'),
      registration('l', 'next:1', 'wait', 'l'),
      registration('c', 'cancel', 'cancel', 'b'),
    ]) {
      expect(await stream(streamName).register(wait)).toBeNull()
    }
  }

  const signals = (streamName: string) => [
    event(streamName, { key: 'l', n: 1 }),
    event(streamName, { key: 'b' }),
    event(streamName, { key: 'l', n: 2 }),
    event(streamName, { key: 'a' }),
    event(streamName, { key: 'l', n: 3 }), // both of run l's waits are taken
    event(streamName, { key: 'a' }), // run a's wait is taken
  ]

  it('answers each event as ingesting them one at a time would, in order', async () => {
    const label = uniqueLabel('ingest-all')
    const [batched, single] = [`${label}/batched`, `${label}/single`]
    await registerWaits(batched, label)
    await registerWaits(single, label)

    const events = signals(batched)
    const all = await stream(batched).ingestAll(events)
    const oneByOne: StreamMatch[][] = []
    for (const signal of signals(single)) oneByOne.push(await stream(single).ingest(signal))

    const run = (id: string) => `${label}-${id}`
    expect(sorted(all)).toEqual([
      [{ kind: 'wait', runId: run('l'), stepKey: 'next' }],
      [
        { kind: 'wait', runId: run('b'), stepKey: 'approval' },
        { kind: 'cancel', runId: run('c'), stepKey: 'cancel' },
      ],
      [{ kind: 'wait', runId: run('l'), stepKey: 'next:1' }],
      [{ kind: 'wait', runId: run('a'), stepKey: 'approval' }],
      [],
      [],
    ])
    expect(sorted(all)).toEqual(sorted(oneByOne))
    const stored = await runInDurableObject(rawStream(batched), (_, state) => state.storage.sql.exec('SELECT id FROM inngest_stream_events ORDER BY seq').toArray())
    expect(stored.map((row) => row.id), 'arrival order is batch order').toEqual(events.map((signal) => signal.id))
  })

  it('answers a redelivered batch, or one event of it, as the first delivery', async () => {
    const label = uniqueLabel('ingest-again')
    const name = `${label}/signal`
    await registerWaits(name, label)
    const events = signals(name)
    const first = await stream(name).ingestAll(events)
    expect(first.flat()).toHaveLength(5)
    expect(await stream(name).ingestAll(events)).toEqual(first)
    expect(await stream(name).ingest(events[2]!)).toEqual(first[2])
    expect(await stream(name).ingestAll([])).toEqual([])
  })
})

describe('routeEvents with one stream call per event name', () => {
  /** Two approval runs and a queue-draining loop, waiting; `send` delivers their events. */
  async function waitsMeetEvents(send: (events: RunEventPayload[]) => Promise<void>): Promise<unknown[]> {
    const label = uniqueLabel('batch-route')
    const [orderA, orderB, queue] = [`${label}-a`, `${label}-b`, `${label}-q`]
    const runA = await trigger('approval/requested', { label: orderA, orderId: orderA }, 'shop-await-approval')
    const runB = await trigger('approval/requested', { label: orderB, orderId: orderB }, 'shop-await-approval')
    const runQ = await trigger('queue/opened', { queue }, 'shop-drain-queue')
    await waitForRun(runQ, (r) => stateOf(r) === 'sleeping')
    await runDurableObjectAlarm(rawRun(runQ))
    for (const runId of [runA, runB, runQ]) await waitForRun(runId, (r) => stateOf(r) === 'waiting')

    const granted = (orderId: string, by: string) => event('approval/granted', { orderId, by })
    // Rivals in one stream shard (the items; alice and mallory): a shard keeps the order of its
    // own events, shards of one batch answer in any order (actors/events/sharded-streams.ts).
    const first = event('queue/item', { queue, n: 1 })
    const item = (n: number) => (n === 1 ? first : sameShardAs(first, event('queue/item', { queue, n })))
    const alice = granted(orderA, 'alice')
    await send([item(1), granted(orderB, 'bob'), item(2), alice, sameShardAs(alice, granted(orderA, 'mallory')), item(3)])
    return Promise.all([runA, runB, runQ].map(async (runId) => (await waitForRun(runId, (r) => r.status === 'Completed')).output))
  }

  it('resolves the waits of a batch of two names exactly as events routed one at a time', async () => {
    const expected = [{ by: 'alice' }, { by: 'bob' }, [1, 2, 3]]
    const batched = await waitsMeetEvents(async (events) => {
      expect(await deliver(events)).toEqual({ acked: events.map((_, i) => `m${i}`), retried: [] })
    })
    const oneAtATime = await waitsMeetEvents(async (events) => {
      for (const single of events) expect((await deliver([single])).acked).toEqual(['m0'])
    })
    expect(batched).toEqual(expected)
    expect(oneAtATime).toEqual(expected)
  })

  it('starts no second run when a batch is redelivered', async () => {
    const label = uniqueLabel('batch-redeliver')
    const events = [event('fan/out', { label, plan: 'free' }), event('fan/out', { label: `${label}-2`, plan: 'free' })]
    const runIds = await Promise.all(events.flatMap((fan) => [runIdFor(fan, 'shop-fan-a'), runIdFor(fan, 'shop-fan-b')]))
    for (let delivery = 0; delivery < 2; delivery++) {
      expect(await deliver(events)).toEqual({ acked: ['m0', 'm1'], retried: [] })
      for (const runId of runIds) await waitForRun(runId, (r) => r.status === 'Completed')
    }
    expect([hits(`fan-a:${label}`), hits(`fan-b:${label}`), hits(`fan-a:${label}-2`), hits(`fan-b:${label}-2`)]).toEqual([1, 1, 1, 1])
  })

  it('finishes on redelivery what a delivery that stopped after the stream began', async () => {
    const orderId = uniqueLabel('batch-crashed')
    const runId = await trigger('approval/requested', { label: orderId, orderId }, 'shop-await-approval')
    await waitForRun(runId, (r) => stateOf(r) === 'waiting')
    const granted = event('approval/granted', { orderId, by: 'carol' })

    // The first delivery reached the stream, then the consumer died before telling the run.
    expect(await stream('approval/granted').ingestAll([granted])).toEqual([[{ kind: 'wait', runId, stepKey: 'approval' }]])
    expect(stateOf(await waitForRun(runId, () => true))).toBe('waiting')

    expect(await deliver([granted])).toEqual({ acked: ['m0'], retried: [] })
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toEqual({ by: 'carol' })
  })

  it('retries a malformed message and acks the others of the batch', async () => {
    const orderId = uniqueLabel('batch-malformed')
    const runId = await trigger('approval/requested', { label: orderId, orderId }, 'shop-await-approval')
    await waitForRun(runId, (r) => stateOf(r) === 'waiting')
    const fan = event('fan/out', { label: orderId, plan: 'free' })
    const bodies = [
      event('approval/granted', { orderId, by: 'dave' }),
      null,
      { poison: orderId },
      { name: 'approval/granted', data: { orderId } }, // no id, no ts
      fan,
    ]
    expect(await deliver(bodies)).toEqual({ acked: ['m0', 'm4'], retried: ['m1', 'm2', 'm3'] })
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toEqual({ by: 'dave' })
    await waitForRun(await runIdFor(fan, 'shop-fan-a'), (r) => r.status === 'Completed')
  })

  it('retries every message of a name whose stream refused the batch, and only those', async () => {
    const label = uniqueLabel('batch-refused')
    const name = `${label}/refused`
    const fine = event(name, { n: 1 })
    // JSON cannot hold a BigInt: the stream's write throws and its transaction rolls back. Both
    // events in one stream shard (the only stream, unsharded), so they share its refusal.
    const unstorable = sameShardAs(fine, event(name, { n: 10n }))
    const fan = event('fan/out', { label, plan: 'free' })
    expect(await deliver([fine, fan, unstorable])).toEqual({ acked: ['m1'], retried: ['m0', 'm2'] })
    const stored = await runInDurableObject(rawStream(name, shardOfEvent(fine.id)), (_, state) => state.storage.sql.exec('SELECT count(*) AS n FROM inngest_stream_events').one().n)
    expect(stored, 'nothing of the refused batch is kept').toBe(0)
    await waitForRun(await runIdFor(fan, 'shop-fan-a'), (r) => r.status === 'Completed')
  })
})
