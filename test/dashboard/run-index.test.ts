/**
 * The run index: idempotent upserts where a later state wins, pages newest first across its 16
 * shards with filters and a cursor, lookups by run and event id, and the live feed.
 */
import { env } from 'cloudflare:test'
import { ulid } from 'ulid'
import { describe, expect, it } from 'vitest'
import {
  countIndexedRuns,
  findIndexedRun,
  indexedRunsOfEvent,
  listIndexedRuns,
  openRunIndexFeed,
  recordRunInIndex,
  recordRunsInIndex,
  runIndexShard,
  runIndexStub,
  type RunIndexEntry,
  type RunIndexUpdate,
} from '../../actors/run-index/index.js'

const indexEnv = env as unknown as { INNGEST_RUN_INDEX: DurableObjectNamespace<import('../../actors/run-index/index.js').RunIndexActor> }

/** A fresh function id per test: the index is shared by every test of the file. */
const freshFunction = () => `index-test-${ulid().toLowerCase()}`

function entry(overrides: Partial<RunIndexEntry> & Pick<RunIndexEntry, 'runId' | 'functionId'>): RunIndexEntry {
  return { status: 'Running', eventId: null, eventName: null, queuedAt: 1_000, startedAt: 1_000, endedAt: null, ...overrides }
}

describe('recording', () => {
  it('writes nothing when the same entry is recorded again', async () => {
    const functionId = freshFunction()
    const started = entry({ runId: ulid(), functionId })
    const stub = runIndexStub(indexEnv.INNGEST_RUN_INDEX, runIndexShard(started.runId))
    expect(await stub.record([started])).toBe(1)
    expect(await stub.record([started])).toBe(0)
    expect(await findIndexedRun(indexEnv, started.runId)).toEqual(started)
  })

  it('keeps the later state: a finished run is never set back to Running', async () => {
    const functionId = freshFunction()
    const runId = ulid()
    const finished = entry({ runId, functionId, status: 'Completed', endedAt: 2_000 })
    await recordRunInIndex(indexEnv, finished)
    await recordRunInIndex(indexEnv, entry({ runId, functionId })) // the start, arriving late
    expect(await findIndexedRun(indexEnv, runId)).toEqual(finished)
  })

  it('moves a queued run on to running and then to its end', async () => {
    const functionId = freshFunction()
    const runId = ulid()
    await recordRunInIndex(indexEnv, entry({ runId, functionId, startedAt: null }))
    await recordRunInIndex(indexEnv, entry({ runId, functionId, startedAt: 1_500 }))
    expect((await findIndexedRun(indexEnv, runId))?.startedAt).toBe(1_500)
    await recordRunInIndex(indexEnv, entry({ runId, functionId, status: 'Failed', startedAt: 1_500, endedAt: 3_000 }))
    await recordRunInIndex(indexEnv, entry({ runId, functionId, startedAt: null }))
    expect(await findIndexedRun(indexEnv, runId)).toMatchObject({ status: 'Failed', endedAt: 3_000 })
  })

  it('treats a Cancelled entry without an end time as finished', async () => {
    const functionId = freshFunction()
    const runId = ulid()
    await recordRunInIndex(indexEnv, entry({ runId, functionId, status: 'Cancelled', startedAt: null }))
    await recordRunInIndex(indexEnv, entry({ runId, functionId }))
    expect((await findIndexedRun(indexEnv, runId))?.status).toBe('Cancelled')
  })

  it('keeps the host of a run embedded in another object', async () => {
    const functionId = freshFunction()
    const hosted = entry({ runId: ulid(), functionId, host: { binding: 'EMBEDDED_RUNS', name: 'orders' } })
    await recordRunInIndex(indexEnv, hosted)
    expect(await findIndexedRun(indexEnv, hosted.runId)).toEqual(hosted)
  })
})

describe('listing 1,000 runs over 16 shards', () => {
  const functionId = freshFunction()
  const other = freshFunction()
  const statuses = ['Running', 'Completed', 'Failed', 'Cancelled'] as const
  // Queued 1 ms apart, with ties every 10 runs (the run id breaks them).
  const entries = Array.from({ length: 1_000 }, (_, i) => {
    const status = statuses[i % 4]!
    return entry({
      runId: ulid(10_000 + i),
      functionId: i % 5 === 0 ? other : functionId,
      status,
      eventId: `event-${i}`,
      eventName: 'index/test',
      queuedAt: 10_000 + i - (i % 10 === 1 ? 1 : 0),
      startedAt: 10_000 + i,
      endedAt: status === 'Running' ? null : 20_000 + i,
    })
  })
  const newestFirst = [...entries].sort((a, b) => b.queuedAt - a.queuedAt || (a.runId < b.runId ? 1 : -1))
  const recorded = recordRunsInIndex(indexEnv, entries)

  it('spreads the runs over every shard', async () => {
    await recorded
    expect(new Set(entries.map((e) => runIndexShard(e.runId))).size).toBe(16)
  })

  it('pages newest first with a cursor, each run exactly once', async () => {
    await recorded
    const seen: RunIndexEntry[] = []
    let before: { queuedAt: number; runId: string } | undefined
    for (;;) {
      const page = await listIndexedRuns(indexEnv, { functionId, limit: 97, ...(before ? { before } : {}) })
      seen.push(...page)
      if (page.length < 97) break
      before = { queuedAt: page.at(-1)!.queuedAt, runId: page.at(-1)!.runId }
    }
    expect(seen.map((e) => e.runId)).toEqual(newestFirst.filter((e) => e.functionId === functionId).map((e) => e.runId))
  })

  it('filters by status, function and time range', async () => {
    await recorded
    const page = await listIndexedRuns(indexEnv, { functionId, statuses: ['Failed', 'Cancelled'], from: 10_100, to: 10_300, limit: 1_000 })
    const expected = newestFirst.filter((e) => e.functionId === functionId && ['Failed', 'Cancelled'].includes(e.status) && e.queuedAt >= 10_100 && e.queuedAt < 10_300)
    expect(expected.length).toBeGreaterThan(50)
    expect(page.map((e) => e.runId)).toEqual(expected.map((e) => e.runId))
    expect(await countIndexedRuns(indexEnv, { functionId, statuses: ['Failed', 'Cancelled'], from: 10_100, to: 10_300 })).toBe(expected.length)
    expect(await countIndexedRuns(indexEnv, { functionId: other })).toBe(200)
  })

  it('finds runs by run id and by event id', async () => {
    await recorded
    const target = entries[123]!
    expect(await findIndexedRun(indexEnv, target.runId)).toEqual(target)
    expect(await indexedRunsOfEvent(indexEnv, 'event-123')).toEqual([target])
    expect(await findIndexedRun(indexEnv, ulid())).toBeNull()
  })
})

describe('live feed', () => {
  it('sends what a shard records to its sockets, and nothing for an unchanged entry', async () => {
    const functionId = freshFunction()
    const started = entry({ runId: ulid(), functionId })
    const socket = await openRunIndexFeed(indexEnv, runIndexShard(started.runId))
    const received: RunIndexUpdate[] = []
    socket.addEventListener('message', (message) => {
      received.push(JSON.parse(message.data as string))
    })
    socket.accept()
    await recordRunInIndex(indexEnv, started)
    await recordRunInIndex(indexEnv, started)
    const finished = { ...started, status: 'Completed' as const, endedAt: 5_000 }
    await recordRunInIndex(indexEnv, finished)
    await expect.poll(() => received.length).toBe(2)
    expect(received).toEqual([{ runs: [started] }, { runs: [finished] }])
    socket.close(1000, 'done')
  })
})
