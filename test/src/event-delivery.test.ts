import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { describe, expect, it, vi } from 'vitest'
import { ulid } from 'ulid'
import type { RunEventPayload } from '../../actors/internal.js'
import { routeEvents } from '../../src/index.js'
import { deadLetters } from '../fixtures/dead-letters.js'
import { runIdFor, testEnv, waitForRun } from '../fixtures/runs.js'

const hello = (name: string): RunEventPayload => ({ name: 'test/hello', data: { name }, id: ulid(), ts: Date.now(), user: {} })

describe('event delivery', () => {
  it('acks the events it routed and retries the one it could not, in the same batch', async () => {
    const good = hello('acked')
    // A body that is no event (null) makes routing throw: a poison message.
    const batch = createMessageBatch<RunEventPayload>('inngest-events', [
      { id: 'good', timestamp: new Date(), attempts: 1, body: good },
      { id: 'poison', timestamp: new Date(), attempts: 1, body: null as unknown as RunEventPayload },
    ])
    const ctx = createExecutionContext()
    await routeEvents(batch, testEnv)
    const result = await getQueueResult(batch, ctx)
    expect(result.explicitAcks).toEqual(['good'])
    expect(result.retryMessages.map((message) => message.msgId)).toEqual(['poison'])
    expect((await waitForRun(await runIdFor(good, 'shop-hello-world'), (r) => r.status === 'Completed')).output).toBe('Hello, acked!')
  })

  it('moves a poison message to the dead-letter queue after max_retries, not an endless loop', async () => {
    const before = deadLetters().length
    const poison = { poison: ulid() }
    // Queued directly: the Event API would refuse it. Routing it throws on every attempt.
    await testEnv.INNGEST_EVENTS.send(poison as unknown as RunEventPayload, { contentType: 'json' })
    await vi.waitFor(() => expect(deadLetters().slice(before)).toContainEqual(poison), { timeout: 10_000, interval: 50 })
  })
})
