import { evictDurableObject, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { ulid } from 'ulid'
import { DEFAULT_EVENT_INDEX_SHARDS, shardOf, type EventIndexActor, type EventIndexRpc, type RunEventPayload } from '../../actors/internal.js'
import { DEDUPE_WINDOW_MS, EVENT_RETENTION_MS, EventIndexStore, eventRetentionMs, redriveDelay } from '../../actors/storage/event-index-store.js'
import { EVENT_INDEX_SCHEMA } from '../../actors/storage/event-index-schema.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { testEnv } from '../fixtures/runs.js'

const HOUR = 60 * 60 * 1000

/** A fresh index object per test (not one of the shards the worker uses). */
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
  it('claims an id once, and not again within 24 hours', async () => {
    const { rpc } = freshIndex()
    const [a, b] = [event('app/a'), event('app/b')]
    expect(await rpc.claim([a, b])).toEqual([a.id, b.id])
    await rpc.markRouted([a.id, b.id])
    expect(await rpc.claim([a, event('app/a', b.id)])).toEqual([])
  })

  it('does not claim a stored id again before it is routed: the outbox delivers the first event', async () => {
    const { rpc } = freshIndex()
    const first = event('app/a', 'order-1', { attempt: 1 })
    expect(await rpc.claim([first])).toEqual(['order-1'])
    expect(await rpc.claim([{ ...first, data: { attempt: 2 } }])).toEqual([])
    expect((await rpc.get('order-1'))?.event.data).toEqual({ attempt: 1 })
  })

  it('tells which ids it holds in the dedupe window, and stores none of them', async () => {
    const t0 = 1_800_000_000_000
    const seen = await withStore((store) => {
      store.claim([event('app/a', 'day-old')], t0)
      store.claim([event('app/a', 'recent')], t0 + DEDUPE_WINDOW_MS)
      const held = store.storedAmong(['day-old', 'recent', 'never-sent'], t0 + DEDUPE_WINDOW_MS + 1)
      return { held, stored: store.recent({ limit: 10 }).map((stored) => stored.event.id) }
    })
    expect(seen).toEqual({ held: ['recent'], stored: ['recent', 'day-old'] })
  })

  it('marks only what it holds routed: an unknown id writes nothing', async () => {
    const { raw, rpc } = freshIndex()
    const held = event('app/a')
    await rpc.claim([held])
    await rpc.markRouted(['never-claimed', held.id])
    const rows = await runInDurableObject(raw, (_: EventIndexActor, state) =>
      state.storage.sql.exec<{ id: string; routed: number; due_at: number | null }>('SELECT id, routed, due_at FROM inngest_events').toArray(),
    )
    expect(rows).toEqual([{ id: held.id, routed: 1, due_at: null }])
  })

  it('claims an id repeated in one batch once, keeping the first', async () => {
    const { rpc } = freshIndex()
    expect(await rpc.claim([event('app/a', 'x', { n: 1 }), event('app/a', 'y'), event('app/a', 'x', { n: 2 })])).toEqual(['x', 'y'])
    expect((await rpc.get('x'))?.event.data).toEqual({ n: 1 })
  })

  it('claims a routed id again once the 24-hour window has passed', async () => {
    const t0 = 1_800_000_000_000
    const claims = await withStore((store) => {
      store.claim([event('app/a', 'daily')], t0)
      return [store.claim([event('app/a', 'daily')], t0 + DEDUPE_WINDOW_MS - 1), store.claim([event('app/a', 'daily')], t0 + DEDUPE_WINDOW_MS + 1)]
    })
    expect(claims).toEqual([[], ['daily']])
  })

  it('expires events older than 7 days, a bounded batch at most once a second', async () => {
    const t0 = 1_800_000_000_000
    const left = await withStore((store) => {
      store.claim(Array.from({ length: 150 }, (_, i) => event('app/old', `old-${i}`)), t0)
      store.claim([event('app/new', 'new-1')], t0 + EVENT_RETENTION_MS + 1) // deletes 1 + 100
      const afterOne = store.recent({ limit: 100, name: 'app/old' }).length
      store.claim([event('app/new', 'new-2')], t0 + EVENT_RETENTION_MS + 2) // within the second: no expiry query
      const afterTwo = store.recent({ limit: 100, name: 'app/old' }).length
      store.claim([event('app/new', 'new-3')], t0 + EVENT_RETENTION_MS + 1_001)
      return [afterOne, afterTwo, store.recent({ limit: 100, name: 'app/old' }).length, store.recent({ limit: 100 }).length]
    })
    expect(left).toEqual([49, 49, 0, 3])
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

  it('keeps a claimed event in the outbox until it is routed, due again later each time it is re-driven', async () => {
    const t0 = 1_800_000_000_000
    const lease = 5_000
    const seen = await withStore((store) => {
      store.claim([event('app/a', 'a'), event('app/a', 'b')], t0, t0 + lease)
      const early = store.takeOverdue(t0 + lease - 1, 10, lease).map((row) => row.id)
      const first = store.takeOverdue(t0 + lease, 10, lease)
      store.markRouted(['a'])
      const dueAgain = store.nextDue()
      const second = store.takeOverdue(t0 + lease + redriveDelay(lease, 1), 10, lease)
      return { early, first, dueAgain, second: second.map((row) => [row.id, row.attempts]), claimedAgain: store.claim([event('app/a', 'b')], t0 + 2 * lease) }
    })
    expect(seen.early).toEqual([])
    expect(seen.first.map((row) => [row.id, row.name, row.attempts])).toEqual([['a', 'app/a', 1], ['b', 'app/a', 1]])
    expect(seen.dueAgain).toBe(t0 + lease + redriveDelay(lease, 1))
    expect(seen.second).toEqual([['b', 2]])
    expect(seen.claimedAgain).toEqual([]) // still the first event's id
  })

  it('doubles the re-drive delay per attempt, up to 10 minutes', () => {
    expect([1, 2, 3, 10, 40].map((attempts) => redriveDelay(15_000, attempts))).toEqual([30_000, 60_000, 120_000, 600_000, 600_000])
  })

  it('files events delivered elsewhere as routed: never re-driven', async () => {
    const due = await withStore((store) => {
      store.claim([event('app/cron', 'tick')], 1_000, null)
      return [store.nextDue(), store.takeOverdue(10_000_000, 10, 1).length]
    })
    expect(due).toEqual([null, 0])
  })

  it('stores a multi-megabyte event in parts, no row over 2 MB, and reads it back whole', async () => {
    const { raw, rpc } = freshIndex()
    const big = event('app/big', 'big-1', { blob: 'é'.repeat(1_500_000) }) // 3 MB of UTF-8
    expect(await rpc.claim([big])).toEqual(['big-1'])
    expect((await rpc.get('big-1'))?.event).toEqual(big)
    const largest = await runInDurableObject(raw, (_: EventIndexActor, state) =>
      state.storage.sql.exec<{ bytes: number }>('SELECT MAX(length(CAST(payload AS BLOB))) AS bytes FROM inngest_events UNION ALL SELECT MAX(length(CAST(text AS BLOB))) FROM inngest_chunks').toArray().map((row) => row.bytes),
    )
    expect(Math.max(...largest)).toBeLessThanOrEqual(2 * 1024 * 1024)
  })

  it('migrates a shard written under schema 1: its unrouted events become due at once', async () => {
    const { raw, rpc } = freshIndex()
    await runInDurableObject(raw, (_: EventIndexActor, state) => {
      const sql = state.storage.sql
      sql.exec('DROP TABLE inngest_events')
      sql.exec("DELETE FROM inngest_schema WHERE name = 'event-index'")
      sql.exec(EVENT_INDEX_SCHEMA.migrations[0]!)
      sql.exec("INSERT INTO inngest_schema (name, version) VALUES ('event-index', 1)")
      for (const [id, routed] of [['queued-not-routed', 0], ['routed', 1]] as const) {
        sql.exec('INSERT INTO inngest_events (id, name, payload, received_at, routed) VALUES (?, ?, ?, ?, ?)', id, 'app/old', JSON.stringify(event('app/old', id)), 1_000, routed)
      }
    })
    await evictDurableObject(raw)
    expect((await rpc.get('routed'))?.event.id).toBe('routed')
    const overdue = await runInDurableObject(raw, (_: EventIndexActor, state) => new EventIndexStore(state.storage).takeOverdue(2_000, 10, 1_000).map((row) => row.id))
    expect(overdue).toEqual(['queued-not-routed'])
  })

  it('keeps events as long as INNGEST_EVENT_RETENTION_HOURS says, and dedupes no longer than that', async () => {
    expect([eventRetentionMs('24'), eventRetentionMs(undefined), eventRetentionMs('-1'), eventRetentionMs('soon')]).toEqual([24 * HOUR, EVENT_RETENTION_MS, EVENT_RETENTION_MS, EVENT_RETENTION_MS])
    const seen = await runInDurableObject(freshIndex().raw, (_: EventIndexActor, state) => {
      const store = new EventIndexStore(state.storage, 2 * HOUR)
      const t0 = 1_800_000_000_000
      store.claim([event('app/short', 'kept-briefly')], t0)
      const againWithin = store.claim([event('app/short', 'kept-briefly')], t0 + HOUR)
      const againAfter = store.claim([event('app/short', 'kept-briefly')], t0 + 3 * HOUR) // past the 2 h retention: new again
      store.claim([event('app/short', 'other')], t0 + 5 * HOUR + 1) // expires what is older than 2 h
      return { againWithin, againAfter, left: store.recent({ limit: 10 }).map((stored) => stored.event.id) }
    })
    expect(seen).toEqual({ againWithin: [], againAfter: ['kept-briefly'], left: ['other'] })
  })

  it('spreads ids over the 16 shards it has by default, and never moves an id to another shard', () => {
    const shards = new Set(Array.from({ length: 2000 }, () => shardOf(ulid())))
    expect(DEFAULT_EVENT_INDEX_SHARDS).toBe(16)
    expect([...shards].sort((a, b) => a - b)).toEqual(Array.from({ length: DEFAULT_EVENT_INDEX_SHARDS }, (_, i) => i))
    // Pinned: a changed hash would strand stored events (and their dedupe) in the old shard.
    expect([shardOf('order-123'), shardOf('01ARZ3NDEKTSV4RRFFQ69G5FAV')]).toEqual([10, 0])
  })
})
