/**
 * A run that moves multi-megabyte data through every path it has (a 3 MB trigger, a 3 MB step
 * output, a `step.invoke` with 2.5 MB of data returning 2.5 MB, a 3 MB awaited event, a ~4 MB
 * output, system events carrying them) completes with the right outputs, and no object it
 * touched holds a row over 2 MB. Started with the run actor's `start()`, as delivery would.
 */
import { describe, expect, it, vi } from 'vitest'
import { ulid } from 'ulid'
import { eventIndexStub, eventStreamStub, shardOf, type RunEventPayload } from '../../actors/internal.js'
import { MAX_ROW_BYTES } from '../../actors/storage/chunked-text.js'
import { blob, largeRunIds, MB } from '../fixtures/large-data-functions.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { largestRowOf } from '../fixtures/row-sizes.js'
import { runIdFor, runStub, testEnv } from '../fixtures/runs.js'

const runObject = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))
const streamObject = (name: string) => testEnv.INNGEST_EVENT_STREAMS.get(testEnv.INNGEST_EVENT_STREAMS.idFromName(`stream:${name}`))
const indexObject = (eventId: string) => testEnv.INNGEST_EVENT_INDEX.get(testEnv.INNGEST_EVENT_INDEX.idFromName(`events:${shardOf(eventId)}`))

describe('a run with multi-megabyte data', () => {
  it('completes through a large step, invoke, wait and output, in rows of at most 2 MB', { timeout: 30_000 }, async () => {
    const label = uniqueLabel('large')
    const now = Date.now()
    const trigger: RunEventPayload = { name: 'large/parent', id: ulid(), ts: now - 1_000, data: { label, payload: blob(3 * MB - 1024, 't') }, user: {} }
    const signal: RunEventPayload = { name: 'large/signal', id: ulid(), ts: now, data: { label, payload: blob(3 * MB - 1024, 'w') }, user: {} }
    const runId = await runIdFor(trigger, 'shop-large-parent')
    // The awaited event is in its stream first (stored in the index, as delivery does): the wait
    // finds it by lookback as it registers, its payload fetched from the index.
    await eventIndexStub(testEnv.INNGEST_EVENT_INDEX, shardOf(signal.id)).file([signal])
    await eventStreamStub(testEnv.INNGEST_EVENT_STREAMS, 'large/signal').ingest(signal)
    await runStub(runId).start({ runId, functionId: 'shop-large-parent', events: [trigger] })

    // Status, not inspect: each poll would carry every step's megabytes.
    await vi.waitFor(
      async () => {
        const { status } = await runStub(runId).status()
        if (status !== 'Completed') throw new Error(`run is ${status}`)
      },
      { timeout: 25_000, interval: 50 },
    )
    const run = await runStub(runId).inspect()
    expect({ ...(run.output as object), output: (run.output as { output: string }).output.length }).toEqual({
      trigger: 3 * MB - 1024,
      stepped: 3 * MB,
      childReceived: 2.5 * MB,
      childReply: 2.5 * MB,
      signal: 3 * MB - 1024,
      output: 4 * MB - 1024,
    })
    expect(run.steps.map((step) => [step.id, step.kind, step.status])).toEqual([
      ['three-megabytes', 'run', 'completed'],
      ['child', 'invoke', 'completed'],
      ['signal', 'wait', 'completed'],
    ])
    expect(run.events[0]).toEqual(trigger)

    const childRunId = largeRunIds.get(`child:${label}`)!
    const child = await runStub(childRunId).status()
    expect(child.status).toBe('Completed')
    expect((child.output as { reply: string }).reply.length).toBe(2.5 * MB)

    // The system events both runs announce carry their trigger and output (~5 and ~7 MB): once
    // performed, they are in the event index and the stream of their name.
    const finished = [`${runId}-finished`, `${childRunId}-finished`]
    await vi.waitFor(
      async () => {
        for (const id of [runId, childRunId]) if ((await runStub(id).status()).effectsPending) throw new Error(`run ${id} has effects pending`)
        for (const id of finished) if (!(await eventIndexStub(testEnv.INNGEST_EVENT_INDEX, shardOf(id)).get(id))) throw new Error(`event ${id} is not indexed`)
      },
      { timeout: 10_000, interval: 50 },
    )
    for (const [name, object] of [
      ['parent run', runObject(runId)],
      ['child run', runObject(childRunId)],
      ['large/signal stream', streamObject('large/signal')],
      ['inngest/function.finished stream', streamObject('inngest/function.finished')],
      ...finished.map((id) => [`index shard of ${id}`, indexObject(id)] as const),
    ] as const) {
      const largest = await largestRowOf(object)
      expect(largest.bytes, `largest row of the ${name}, in ${largest.table}`).toBeLessThanOrEqual(MAX_ROW_BYTES)
    }
  })
})
