import { describe, expect, it } from 'vitest'
import { ulid } from 'ulid'
import { eventIndexStub, MAX_EVENT_BYTES, publishEvents, shardOf, type PublishEnv, type RunEventPayload } from '../../actors/index.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { runIdFor, testEnv, waitForRun } from '../fixtures/runs.js'

const event = (name: string, data: Record<string, unknown> = {}, id = ulid()): RunEventPayload => ({ name, data, id, ts: Date.now(), user: {} })
const stored = (id: string) => eventIndexStub(testEnv.INNGEST_EVENT_INDEX, shardOf(id)).get(id)

/** A queue that records each sendBatch (or fails it), in front of the real index. */
function recordingEnv(fail = false) {
  const batches: RunEventPayload[][] = []
  const queue = {
    sendBatch: async (messages: Iterable<MessageSendRequest<RunEventPayload>>) => {
      if (fail) throw new Error('queue unavailable')
      batches.push([...messages].map((message) => message.body))
    },
  }
  return { batches, env: { INNGEST_EVENT_INDEX: testEnv.INNGEST_EVENT_INDEX, INNGEST_EVENTS: queue as unknown as Queue<RunEventPayload> } satisfies PublishEnv }
}

describe('publishEvents', () => {
  it('stores every event before it resolves', async () => {
    const events = Array.from({ length: 40 }, (_, i) => event(uniqueLabel('app/stored'), { i }))
    await publishEvents(testEnv, events)
    const reads = await Promise.all(events.map((e) => stored(e.id)))
    expect(reads.map((read) => read?.event)).toEqual(events)
  })

  it('returns every id in input order and queues only the events not seen before', async () => {
    const { env, batches } = recordingEnv()
    const [a, b, c] = [event('app/x'), event('app/x'), event('app/x')]
    expect(await publishEvents(env, [a, b])).toEqual({ ids: [a.id, b.id], accepted: [a, b] })
    expect(await publishEvents(env, [b, c, a])).toEqual({ ids: [b.id, c.id, a.id], accepted: [c] })
    expect(batches).toEqual([[a, b], [c]])
  })

  it('queues an event again when the first publish failed after storing it, and its run starts', async () => {
    const hello = event('test/hello', { name: 'retried' })
    await expect(publishEvents(recordingEnv(true).env, [hello])).rejects.toThrow('queue unavailable')
    expect((await stored(hello.id))?.event).toEqual(hello)
    expect(await publishEvents(testEnv, [hello])).toEqual({ ids: [hello.id], accepted: [hello] })
    const run = await waitForRun(await runIdFor(hello, 'shop-hello-world'), (r) => r.status === 'Completed')
    expect(run.output).toBe('Hello, retried!')
    expect((await publishEvents(testEnv, [hello])).accepted).toEqual([])
  })

  it('splits the queue sends at 100 messages and 256 KB', async () => {
    const { env, batches } = recordingEnv()
    await publishEvents(env, Array.from({ length: 250 }, () => event('app/many')))
    expect(batches.map((batch) => batch.length)).toEqual([100, 100, 50])
    batches.length = 0
    await publishEvents(env, Array.from({ length: 5 }, () => event('app/big', { blob: 'x'.repeat(100_000) })))
    expect(batches.map((batch) => batch.length)).toEqual([2, 2, 1])
  })

  it('refuses an event the queue could not carry, before storing anything', async () => {
    const small = event('app/small')
    const huge = event('app/huge', { blob: 'x'.repeat(MAX_EVENT_BYTES) })
    await expect(publishEvents(testEnv, [small, huge])).rejects.toThrow(RangeError)
    expect(await stored(small.id)).toBeNull()
  })
})
