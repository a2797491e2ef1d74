import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { ulid } from 'ulid'
import {
  DEFAULT_EVENT_INDEX_SHARDS,
  findStoredEvent,
  homeShard,
  indexShards,
  listedShards,
  lookupShards,
  publishEvents,
  recentInShards,
  shardOf,
  type QueuedEvent,
  type RunEventPayload,
} from '../../actors/internal.js'
import { hashString } from '../../machines/prng.js'
import { routeEvents } from '../../src/index.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { testEnv } from '../fixtures/runs.js'

const event = (name: string, id = ulid()): RunEventPayload => ({ name, data: {}, id, ts: Date.now(), user: {} })

/** An id whose shard under `from` shards is not its shard under `to`. */
function movingId(from: number, to: number): string {
  for (;;) {
    const id = ulid()
    if (shardOf(id, from) !== shardOf(id, to)) return id
  }
}

/** The worker's real bindings with the shard counts set as a deploy would set them. */
function withShards(current: string, previous?: string, queue?: Queue<QueuedEvent>) {
  return {
    ...testEnv,
    INNGEST_EVENT_INDEX_SHARDS: current,
    ...(previous === undefined ? {} : { INNGEST_EVENT_INDEX_SHARDS_PREVIOUS: previous }),
    ...(queue ? { INNGEST_EVENTS: queue } : {}),
  }
}

/** The outbox columns of `id` in shard `shard`, or null when that shard does not hold it. */
function rowIn(shard: number, id: string) {
  const object = testEnv.INNGEST_EVENT_INDEX.get(testEnv.INNGEST_EVENT_INDEX.idFromName(`events:${shard}`))
  return runInDurableObject(object, (_instance, state) =>
    state.storage.sql.exec<{ routed: number; due_at: number | null }>('SELECT routed, due_at FROM inngest_events WHERE id = ?', id).toArray()[0] ?? null,
  )
}

const listedIds = async (env: ReturnType<typeof withShards>, name: string) => (await recentInShards(env, { name, limit: 10 })).map((stored) => stored.event.id).sort()

describe('index shard placement', () => {
  it('places every id where it went before the count was configurable, by default', () => {
    expect(indexShards({})).toEqual({ current: DEFAULT_EVENT_INDEX_SHARDS, previous: null })
    expect(indexShards({ INNGEST_EVENT_INDEX_SHARDS: '16', INNGEST_EVENT_INDEX_SHARDS_PREVIOUS: '16' })).toEqual({ current: 16, previous: null })
    const byDefault = indexShards({})
    for (const id of Array.from({ length: 500 }, () => ulid())) expect(lookupShards(byDefault, id)).toEqual([hashString(id) % 16])
    // Pinned, as in event-index.test.ts: these ids were stored in shards 10 and 0.
    expect([homeShard(byDefault, 'order-123'), homeShard(byDefault, '01ARZ3NDEKTSV4RRFFQ69G5FAV')]).toEqual([10, 0])
    expect(listedShards(byDefault)).toEqual(Array.from({ length: 16 }, (_, shard) => shard))
  })

  it('looks an id up in its shard under the current count, then under the previous one if that differs', () => {
    const changing = indexShards({ INNGEST_EVENT_INDEX_SHARDS: '8', INNGEST_EVENT_INDEX_SHARDS_PREVIOUS: '4' })
    const moved = movingId(4, 8)
    expect(lookupShards(changing, moved)).toEqual([hashString(moved) % 8, hashString(moved) % 4])
    let stays = ulid()
    while (shardOf(stays, 4) !== shardOf(stays, 8)) stays = ulid()
    expect(lookupShards(changing, stays)).toEqual([hashString(stays) % 8])
  })

  it('lists every shard either count uses', () => {
    const shards = (current: string, previous?: string) => listedShards(indexShards({ INNGEST_EVENT_INDEX_SHARDS: current, INNGEST_EVENT_INDEX_SHARDS_PREVIOUS: previous }))
    expect(shards('8', '4')).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect(shards('4', '8')).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect(shards('4')).toEqual([0, 1, 2, 3])
  })

  it('refuses a count that is not a positive integer, naming the variable and the fix; unset or empty is the default', () => {
    for (const bad of ['2.5', '0', '-4', 'many']) {
      expect(() => indexShards({ INNGEST_EVENT_INDEX_SHARDS: bad })).toThrow(TypeError)
      expect(() => indexShards({ INNGEST_EVENT_INDEX_SHARDS: bad })).toThrow(`INNGEST_EVENT_INDEX_SHARDS is "${bad}"; a shard count must be a positive integer. Fix:`)
    }
    expect(() => indexShards({ INNGEST_EVENT_INDEX_SHARDS_PREVIOUS: '1.5' })).toThrow('INNGEST_EVENT_INDEX_SHARDS_PREVIOUS is "1.5"')
    expect(indexShards({ INNGEST_EVENT_INDEX_SHARDS: '', INNGEST_EVENT_INDEX_SHARDS_PREVIOUS: ' ' })).toEqual({ current: 16, previous: null })
  })

  it('refuses a publish under a bad count before storing anything', async () => {
    const early = event(uniqueLabel('app/reshard-bad'))
    await expect(publishEvents(withShards('eight'), [early])).rejects.toThrow(TypeError)
    expect(await findStoredEvent(testEnv, early.id)).toBeNull()
  })
})

describe('changing the event index shard count', () => {
  it('from 4 to 8 with PREVIOUS=4: old ids stay duplicates, readable and listed; without PREVIOUS new ids work as before', async () => {
    const name = uniqueLabel('app/reshard-up')
    const [under4, changing, under8] = [withShards('4'), withShards('8', '4'), withShards('8')]
    const moved = event(name, movingId(4, 8))
    const first = await publishEvents(under4, [moved])
    expect(first.accepted).toEqual([moved])
    await first.delivered
    expect(await rowIn(shardOf(moved.id, 4), moved.id)).toEqual({ routed: 1, due_at: null })

    // (a) Re-sent during the change: a duplicate, and its new shard claims nothing.
    const fresh = event(name)
    const during = await publishEvents(changing, [moved, fresh])
    expect(during.ids).toEqual([moved.id, fresh.id])
    expect(during.accepted).toEqual([fresh])
    await during.delivered
    expect(await rowIn(shardOf(moved.id, 8), moved.id)).toBeNull()
    expect(await rowIn(shardOf(fresh.id, 8), fresh.id)).toEqual({ routed: 1, due_at: null })

    // (b) Both read back; (c) both listed.
    expect((await findStoredEvent(changing, moved.id))?.event).toEqual(moved)
    expect((await findStoredEvent(changing, fresh.id))?.event).toEqual(fresh)
    expect(await listedIds(changing, name)).toEqual([moved.id, fresh.id].sort())

    // (d) PREVIOUS removed: new ids are claimed, deduplicated, read and listed under 8 alone.
    const later = event(name)
    expect((await publishEvents(under8, [later])).accepted).toEqual([later])
    expect((await publishEvents(under8, [later, fresh])).accepted).toEqual([])
    expect((await findStoredEvent(under8, later.id))?.event).toEqual(later)
    expect(await listedIds(under8, name)).toEqual([moved.id, fresh.id, later.id].sort()) // 0 … 7 still covers shards 0 … 3
  })

  it('from 8 down to 4 with PREVIOUS=8: ids in shards 4 … 7 stay duplicates, readable and listed', async () => {
    const name = uniqueLabel('app/reshard-down')
    const [under8, changing] = [withShards('8'), withShards('4', '8')]
    const high = event(name, movingId(8, 4))
    expect(shardOf(high.id, 8)).toBeGreaterThanOrEqual(4)
    await (await publishEvents(under8, [high])).delivered
    expect((await publishEvents(changing, [high])).accepted).toEqual([])
    expect(await rowIn(shardOf(high.id, 4), high.id)).toBeNull()
    expect((await findStoredEvent(changing, high.id))?.event).toEqual(high)
    expect(await listedIds(changing, name)).toEqual([high.id])
    expect(await listedIds(withShards('4'), name)).toEqual([]) // why PREVIOUS stays until the events expire
  })

  it('without PREVIOUS the new count alone neither finds nor deduplicates ids stored under the old one', async () => {
    const moved = event(uniqueLabel('app/reshard-unset'), movingId(4, 8))
    await (await publishEvents(withShards('4'), [moved])).delivered
    expect(await findStoredEvent(withShards('8'), moved.id)).toBeNull()
    const again = await publishEvents(withShards('8'), [moved])
    expect(again.accepted).toEqual([moved])
    await again.delivered
  })

  it('reads back and marks routed in its old shard an event that shard re-drove through the queue', async () => {
    const name = uniqueLabel('app/reshard-redrive')
    const sent: QueuedEvent[] = []
    const queue = { sendBatch: async (messages: Iterable<MessageSendRequest<QueuedEvent>>) => void sent.push(...[...messages].map((message) => message.body)) }
    const [whole, large] = [event(name, movingId(4, 8)), event(name, movingId(4, 8))]
    // Queued under 4 and never consumed: both wait, unrouted, in their old shards' outboxes.
    await publishEvents(withShards('4', undefined, queue as unknown as Queue<QueuedEvent>), [whole, large], { via: 'queue' })
    expect(sent).toHaveLength(2)
    for (const { id } of [whole, large]) expect((await rowIn(shardOf(id, 4), id))?.routed).toBe(0)

    // The old shard's re-drive as the consumer gets it after the change: one whole, one claim check.
    const batch = createMessageBatch<QueuedEvent>('inngest-events', [
      { id: 'whole', timestamp: new Date(), attempts: 1, body: whole },
      { id: 'large', timestamp: new Date(), attempts: 1, body: { ref: large.id, name } },
    ])
    const ctx = createExecutionContext()
    await routeEvents(batch, withShards('8', '4'))
    expect((await getQueueResult(batch, ctx)).explicitAcks.sort()).toEqual(['large', 'whole'])
    for (const { id } of [whole, large]) {
      expect(await rowIn(shardOf(id, 4), id)).toEqual({ routed: 1, due_at: null })
      expect(await rowIn(shardOf(id, 8), id)).toBeNull() // marking in a shard that does not hold it wrote nothing
    }
  })
})
