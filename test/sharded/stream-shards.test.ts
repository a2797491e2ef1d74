/**
 * Streams in shards (this project runs with INNGEST_STREAM_SHARDS=3; the wait and stream tests of
 * the unsharded project run here too, against the single stream's model): an event is recorded in
 * one shard, a registration in all; the run's choice of event is final, and every shard lets go
 * of what the run did not take, so no event is taken twice or missed.
 */
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { ulid } from 'ulid'
import { describe, expect, it, vi } from 'vitest'
import { deliverEvents, eventStreamStub, publishEvents, type RunEventPayload, type WaitRegistration } from '../../actors/internal.js'
import { registrationShards, shardsOfEvent, streamObjectName, streamShardCounts, type StreamShardCounts } from '../../actors/events/stream-shards.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { stateOf, testEnv, trigger, waitForRun } from '../fixtures/runs.js'

const counts = streamShardCounts(testEnv)
const rawStream = (name: string, shard: number) => testEnv.INNGEST_EVENT_STREAMS.get(testEnv.INNGEST_EVENT_STREAMS.idFromName(streamObjectName(name, shard)))
const rawRun = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))
const rowsIn = (name: string, shard: number, table: 'inngest_stream_events' | 'inngest_stream_waits') =>
  runInDurableObject(rawStream(name, shard), (_, state) => state.storage.sql.exec<{ id: string }>(`SELECT ${table === 'inngest_stream_events' ? 'id' : 'run_id'} AS id FROM ${table}`).toArray().map((row) => row.id))

/** An id starting with `prefix` that shard counts `under` put (first) in shard `shard`. */
function idInShard(prefix: string, shard: number, under: StreamShardCounts = counts): string {
  for (;;) {
    const id = `${prefix}-${ulid()}`
    if (shardsOfEvent(under, id)[0] === shard) return id
  }
}

const event = (name: string, data: Record<string, unknown>, id = ulid()): RunEventPayload => ({ name, data, id, ts: Date.now(), user: {} })

describe('sharded event streams', () => {
  it('runs with three shards, each name in objects of its own', () => {
    expect(counts).toEqual({ current: 3 })
    expect(registrationShards(counts)).toEqual([0, 1, 2])
    // Shard 0 is the single stream's object; no name and shard make another's object name.
    expect(streamObjectName('a', 0)).toBe('stream:a')
    expect(new Set([streamObjectName('a', 1), streamObjectName('a:1', 0), streamObjectName('1:a', 0), streamObjectName('a', 11)]).size).toBe(4)
  })

  it('records each event in the one shard its id hashes to, spreading a name over all of them', async () => {
    const name = `${uniqueLabel('sharded')}/spread`
    const events = Array.from({ length: 30 }, (_, n) => event(name, { n }))
    await publishEvents(testEnv, events)
    // Delivery goes on after the publish answers (the claim made the events durable).
    const perShard = await vi.waitFor(async () => {
      const rows = await Promise.all(registrationShards(counts).map((shard) => rowsIn(name, shard, 'inngest_stream_events')))
      if (rows.flat().length < events.length) throw new Error(`${rows.flat().length} of ${events.length} recorded`)
      return rows
    })
    for (const [shard, ids] of perShard.entries()) {
      expect(ids.length, `shard ${shard}`).toBeGreaterThan(0)
      for (const id of ids) expect(shardsOfEvent(counts, id)).toEqual([shard])
    }
    expect(perShard.flat().sort()).toEqual(events.map((e) => e.id).sort())
  })

  it('takes events found in three shards by lookback one wait at a time, in arrival order', async () => {
    const queue = uniqueLabel('sharded-lookback')
    const runId = await trigger('queue/opened', { queue }, 'shop-drain-queue')
    await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    // One item per shard while the run sleeps; ids sort as they arrive (ties in one millisecond go by id).
    for (const n of [1, 2, 3]) await publishEvents(testEnv, [event('queue/item', { queue, n }, idInShard(`${queue}-${n}`, n - 1))])
    await runDurableObjectAlarm(rawRun(runId))
    // Each wait sees all three shards' finds; the shards whose find lost let it go, so the next
    // wait finds it again. Had one kept its find marked, a later wait would miss that item.
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toEqual([1, 2, 3])
  })

  it('lets the run take exactly one of rival events matched live in different shards at once, and the next waits the others', async () => {
    const queue = uniqueLabel('sharded-live')
    const runId = await trigger('queue/opened', { queue }, 'shop-drain-queue')
    await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    await runDurableObjectAlarm(rawRun(runId))
    await waitForRun(runId, (r) => stateOf(r) === 'waiting')
    const items = [1, 2, 3].map((n) => event('queue/item', { queue, n }, idInShard(`${queue}-${n}`, n - 1)))
    // One publish: the three shards match the same open wait concurrently.
    await publishEvents(testEnv, items)
    const output = (await waitForRun(runId, (r) => r.status === 'Completed')).output as number[]
    expect([...output].sort()).toEqual([1, 2, 3])
  })

  it('gives an event a closed wait held to the run\'s next open wait in that shard, and keeps the one the run took', async () => {
    const name = `${uniqueLabel('sharded')}/reoffer`
    const stream = eventStreamStub(testEnv.INNGEST_EVENT_STREAMS, name, 1)
    const trigger: RunEventPayload = event('t', {})
    const wait = (stepKey: string): WaitRegistration => ({ runId: 'run-r', stepKey, kind: 'wait', event: name, expression: null, trigger, sinceTs: 0, expiresAt: Date.now() + 60_000 })
    expect(await stream.register(wait('w1'))).toBeNull()
    expect(await stream.register(wait('w2'))).toBeNull()
    const held = event(name, { n: 1 })
    // An event resolves one wait of a run: the first.
    expect(await stream.ingestAll([held])).toEqual([[{ kind: 'wait', runId: 'run-r', stepKey: 'w1' }]])
    expect(await stream.close('run-r', 'w1', held.id), 'the run took it: kept').toBeNull()
    // The run took another shard's event for w1: this shard's goes to w2.
    expect(await stream.close('run-r', 'w1', 'other-shard-event')).toEqual({ event: held, match: { kind: 'wait', runId: 'run-r', stepKey: 'w2' } })
    expect(await stream.close('run-r', 'w1', 'other-shard-event'), 'closing twice releases nothing more').toBeNull()
    expect(await stream.register(wait('w2')), 'w2 holds it now').toEqual(held)
  })

  describe('changing the shard count (3 → 4, INNGEST_STREAM_SHARDS_PREVIOUS=3)', () => {
    const changing = { ...testEnv, INNGEST_STREAM_SHARDS: '4', INNGEST_STREAM_SHARDS_PREVIOUS: '3' }
    const after = { ...testEnv, INNGEST_STREAM_SHARDS: '4' }
    const size = () => 1_000

    it('records an event in its shard under both counts, and registrations go to every shard of either', () => {
      const changed = streamShardCounts(changing)
      expect(changed).toEqual({ current: 4, previous: 3 })
      expect(registrationShards(changed)).toEqual([0, 1, 2, 3])
      const id = idInShard('moved', 3, changed)
      expect(shardsOfEvent(changed, id)).toEqual([3, shardsOfEvent(counts, id)[0]])
      expect(() => streamShardCounts({ INNGEST_STREAM_SHARDS: '2.5' })).toThrow(/INNGEST_STREAM_SHARDS is "2.5".*positive integer.*Fix/)
    })

    it('answers a wait registered under the old count with an event sent under the new one', async () => {
      const orderId = uniqueLabel('sharded-change')
      const runId = await trigger('approval/requested', { label: orderId, orderId }, 'shop-await-approval')
      await waitForRun(runId, (r) => stateOf(r) === 'waiting')
      // Shard 3 did not exist when the wait registered: without the old count's copy, it is missed.
      const unseen = event('approval/granted', { orderId, by: 'nobody' }, idInShard(orderId, 3, { current: 4 }))
      expect(await deliverEvents([unseen], after, size)).toEqual([undefined])
      expect(stateOf(await waitForRun(runId, () => true))).toBe('waiting')
      const granted = event('approval/granted', { orderId, by: 'erin' }, idInShard(orderId, 3, { current: 4 }))
      expect(await deliverEvents([granted], changing, size)).toEqual([undefined])
      expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toEqual({ by: 'erin' })
    })
  })
})
