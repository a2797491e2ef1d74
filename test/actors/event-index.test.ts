import { evictDurableObject, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { ulid } from 'ulid'
import { EVENT_INDEX_SHARDS, shardOf, type EventIndexActor, type EventIndexRpc, type RunEventPayload } from '../../actors/index.js'
import { DEDUPE_WINDOW_MS, EVENT_RETENTION_MS, EventIndexStore } from '../../actors/storage/event-index-store.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { testEnv } from '../fixtures/runs.js'

const HOUR = 60 * 60 * 1000

/** A fresh index object per test (not one of the 16 shards the worker uses). */
function freshIndex() {
  const raw = testEnv.INNGEST_EVENT_INDEX.get(testEnv.INNGEST_EVENT_INDEX.idFromName(uniqueLabel('index-test')))
  return { raw, rpc: raw as unknown as EventIndexRpc }
}

/** Runs `body` on the store of a fresh index object, with a clock the test sets. */
function withStore<T>(body: (store: EventIndexStore) => T): Promise<T> {
  return runInDurableObject(freshIndex().raw, (_: EventIndexActor, state) => body(new EventIndexStore(state.storage)))
}

const event = (name: string, id = ulid(), data: Record<string, unknown> = {}): RunEventPayload => ({ name, data, id, ts: 1_700_000_000_000, user: {} })

describe('event index', () => {
  it('claims an id once it is routed, and not again within 24 hours', async () => {
    const { rpc } = freshIndex()
    const [a, b] = [event('app/a'), event('app/b')]
    expect(await rpc.claim([a, b])).toEqual([a.id, b.id])
    await rpc.markRouted([a.id, b.id])
    expect(await rpc.claim([a, event('app/a', b.id)])).toEqual([])
  })

  it('claims a stored but unrouted id again: the publisher failed before queueing it', async () => {
    const { rpc } = freshIndex()
    const first = event('app/a', 'order-1', { attempt: 1 })
    expect(await rpc.claim([first])).toEqual(['order-1'])
    expect(await rpc.claim([{ ...first, data: { attempt: 2 } }])).toEqual(['order-1'])
    expect((await rpc.get('order-1'))?.event.data).toEqual({ attempt: 2 })
  })

  it('claims an id repeated in one batch once, keeping the first', async () => {
    const { rpc } = freshIndex()
    expect(await rpc.claim([event('app/a', 'x', { n: 1 }), event('app/a', 'y'), event('app/a', 'x', { n: 2 })])).toEqual(['x', 'y'])
    expect((await rpc.get('x'))?.event.data).toEqual({ n: 1 })
  })

  it('claims a routed id again once the 24-hour window has passed', async () => {
    const t0 = 1_800_000_000_000
    const claims = await withStore((store) => {
      const first = store.claim([event('app/a', 'daily')], t0)
      store.markRouted(first)
      return [store.claim([event('app/a', 'daily')], t0 + DEDUPE_WINDOW_MS - 1), store.claim([event('app/a', 'daily')], t0 + DEDUPE_WINDOW_MS + 1)]
    })
    expect(claims).toEqual([[], ['daily']])
  })

  it('expires events older than 7 days, a bounded batch per claim', async () => {
    const t0 = 1_800_000_000_000
    const left = await withStore((store) => {
      store.claim(Array.from({ length: 150 }, (_, i) => event('app/old', `old-${i}`)), t0)
      store.claim([event('app/new', 'new-1')], t0 + EVENT_RETENTION_MS + 1) // deletes 1 + 100
      const afterOne = store.recent({ limit: 100, name: 'app/old' }).length
      store.claim([event('app/new', 'new-2')], t0 + EVENT_RETENTION_MS + 2)
      return [afterOne, store.recent({ limit: 100, name: 'app/old' }).length, store.recent({ limit: 100 }).length]
    })
    expect(left).toEqual([49, 0, 2])
  })

  it('reads an event back with its received time, after eviction too; null for an unknown id', async () => {
    const { raw, rpc } = freshIndex()
    const stored = event('app/read', undefined, { value: 42 })
    const before = Date.now()
    await rpc.claim([stored])
    await evictDurableObject(raw)
    const read = await rpc.get(stored.id)
    expect(read?.event).toEqual(stored)
    expect(read!.receivedAt).toBeGreaterThanOrEqual(before)
    expect(await rpc.get('never-sent')).toBeNull()
  })

  it('lists newest first, by name, before a cursor, up to a limit', async () => {
    const page = await withStore((store) => {
      store.claim([event('app/a', 'a1'), event('app/b', 'b1')], 1000)
      store.claim([event('app/a', 'a2'), event('app/a', 'a3')], 2000)
      const ids = (query: Parameters<typeof store.recent>[0]) => store.recent(query).map((e) => e.event.id)
      return {
        all: ids({ limit: 10 }),
        onlyA: ids({ name: 'app/a', limit: 10 }),
        firstTwo: ids({ limit: 2 }),
        afterA3: ids({ before: { receivedAt: 2000, id: 'a3' }, limit: 10 }),
      }
    })
    expect(page).toEqual({ all: ['a3', 'a2', 'b1', 'a1'], onlyA: ['a3', 'a2', 'a1'], firstTwo: ['a3', 'a2'], afterA3: ['a2', 'b1', 'a1'] })
  })

  it('spreads ids over 16 shards, and never moves an id to another shard', () => {
    const shards = new Set(Array.from({ length: 2000 }, () => shardOf(ulid())))
    expect([...shards].sort((a, b) => a - b)).toEqual(Array.from({ length: EVENT_INDEX_SHARDS }, (_, i) => i))
    // Pinned: a changed hash would strand stored events (and their dedupe) in the old shard.
    expect([shardOf('order-123'), shardOf('01ARZ3NDEKTSV4RRFFQ69G5FAV')]).toEqual([10, 0])
  })
})
