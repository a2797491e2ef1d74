import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { hits, uniqueLabel } from '../fixtures/probes.js'
import { request, sendEvent, runIdFor, stateOf, testEnv, trigger, waitForRun } from '../fixtures/runs.js'

const rawStub = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))

describe('run actor', () => {
  it('runs the quick start end to end: send → index → run → completed', async () => {
    const eventId = await sendEvent('test/hello', { name: 'World' })
    const runId = await runIdFor(eventId, 'shop-hello-world')
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toBe('Hello, World!')
    expect(run.steps.map((s) => [s.id, s.status, s.output])).toEqual([['create-greeting', 'completed', 'Hello, World!']])
    expect(stateOf(run)).toBe('done')
    expect(run.snapshot?.context.outcome).toBe('completed')
  })

  it('serves the run over REST with its snapshot and step timeline', async () => {
    const runId = await trigger('test/hello', { name: 'REST' }, 'shop-hello-world')
    await waitForRun(runId, (r) => r.status === 'Completed')
    const response = await request(`/v1/runs/${runId}`, { headers: { authorization: 'Bearer signkey-test-0123456789' } })
    expect(response.status).toBe(200)
    const { data } = (await response.json()) as { data: Record<string, any> }
    expect(data).toMatchObject({ run_id: runId, status: 'Completed', function_id: 'shop-hello-world', output: 'Hello, REST!' })
    expect(data.snapshot.value).toBe('done')
    expect(data.steps[0]).toMatchObject({ id: 'create-greeting', status: 'completed', attempts: 0 })
  })

  it('sleeps on an alarm and finishes when it fires, never re-running the first step', async () => {
    const orderId = uniqueLabel('order')
    const runId = await trigger('order/created', { orderId, userId: 'u1' }, 'shop-process-order')
    const sleeping = await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    const wakeAt = sleeping.snapshot!.context.timers[0]!.at
    expect(wakeAt - sleeping.snapshot!.context.startedAt!).toBeGreaterThanOrEqual(3_600_000)
    expect(await runInDurableObject(rawStub(runId), (_, state) => state.storage.getAlarm())).toBe(wakeAt)
    // Fired an hour early: the alarm's time is due however the clock reads (actors/alarm-due.ts).
    expect(await runDurableObjectAlarm(rawStub(runId))).toBe(true)
    const done = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(done.output).toEqual({ orderId, emailed: 'u1@example.com' })
    expect(done.steps.map((s) => [s.id, s.status])).toEqual([
      ['fetch-user', 'completed'],
      ['wait-a-bit', 'completed'],
      ['send-email', 'completed'],
    ])
    expect(hits(`fetch-user:${orderId}`)).toBe(1)
    expect(hits(`send-email:${orderId}`)).toBe(1)
  })
})
