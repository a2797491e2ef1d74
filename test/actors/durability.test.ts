import { abortAllDurableObjects, evictDurableObject, runDurableObjectAlarm } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { ulid } from 'ulid'
import { startRunsFor } from '../../src/events/route-events.js'
import { gate, hits, openGate, uniqueLabel } from '../fixtures/probes.js'
import { runIdFor, runStub, stateOf, testEnv, trigger, waitForRun } from '../fixtures/runs.js'

const rawStub = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))

describe('durability', () => {
  it('resumes a sleeping run after eviction without re-running completed steps', async () => {
    const orderId = uniqueLabel('order')
    const runId = await trigger('order/created', { orderId, userId: 'u7' }, 'shop-process-order')
    await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    await evictDurableObject(rawStub(runId))
    expect(await runDurableObjectAlarm(rawStub(runId))).toBe(true)
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual({ orderId, emailed: 'u7@example.com' })
    expect(hits(`fetch-user:${orderId}`)).toBe(1)
    expect(hits(`send-email:${orderId}`)).toBe(1)
    expect(run.steps.map((s) => [s.id, s.kind, s.status])).toEqual([
      ['fetch-user', 'run', 'completed'],
      ['wait-a-bit', 'sleep', 'completed'],
      ['send-email', 'run', 'completed'],
    ])
  })

  it('re-runs a step whose object was aborted mid-body, and records its result once', async () => {
    const label = uniqueLabel('gated')
    void gate(`gated:${label}`) // created here, so opening it never reaches into the aborted object
    const runId = await trigger('engine/gated', { label }, 'shop-gated')
    await expect.poll(() => hits(`gated-during:${label}`)).toBe(1)
    await abortAllDurableObjects()
    openGate(`gated:${label}`) // the aborted body finishes, but its object is gone
    expect(await runDurableObjectAlarm(rawStub(runId))).toBe(true) // the watchdog resumes the run
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual(['before', 'during', 'after'])
    expect(hits(`gated-before:${label}`)).toBe(1)
    expect(hits(`gated-during:${label}`)).toBe(2)
    expect(hits(`gated-after:${label}`)).toBe(1)
    expect(run.steps.filter((s) => s.id === 'during')).toHaveLength(1)
  })

  it('starts one run however often an event is delivered', async () => {
    const event = { name: 'test/hello', id: ulid(), ts: Date.now(), data: { name: 'Twice' }, user: {} }
    const [first] = await startRunsFor(event, testEnv)
    const [second] = await startRunsFor(event, testEnv)
    expect(second).toBe(first)
    expect(first).toBe(await runIdFor(event, 'shop-hello-world'))
    const run = await waitForRun(first!, (r) => r.status === 'Completed')
    expect(run.steps).toHaveLength(1)
  })

  it('runs parallel steps concurrently, memoizing each', async () => {
    const label = uniqueLabel('par')
    const runId = await trigger('engine/parallel', { label }, 'shop-parallel')
    await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    await evictDurableObject(rawStub(runId))
    await runDurableObjectAlarm(rawStub(runId))
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toBe('ABC')
    for (const id of ['a', 'b', 'c']) expect(hits(`par-${id}:${label}`)).toBe(1)
  })

  it('keys repeated step ids as id, id:1, id:2', async () => {
    const runId = await trigger('engine/repeated-ids', { label: uniqueLabel('rep') }, 'shop-repeated-ids')
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual([0, 1, 2])
    expect(run.steps.map((s) => s.key)).toEqual(['same', 'same:1', 'same:2'])
  })

  it('round-trips step results through JSON', async () => {
    const runId = await trigger('engine/json', { label: uniqueLabel('json') }, 'shop-json-round-trip')
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual({ nothing: null, when: '2026-01-02T00:00:00.000Z' })
  })

  it('detects a handler whose step order changes on replay and fails it, naming the step', async () => {
    const runId = await trigger('engine/non-deterministic', { label: uniqueLabel('nd') }, 'shop-non-deterministic')
    await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    await runDurableObjectAlarm(rawStub(runId))
    const run = await waitForRun(runId, (r) => r.status === 'Failed')
    expect(run.snapshot!.context.error).toMatchObject({ name: 'NonDeterminismError' })
    expect(run.snapshot!.context.error!.message).toMatch(/Step "second" was called at position 0, where the recorded execution ran "first"/)
    expect(run.steps.map((s) => s.output)).toEqual(['first', 'second', null])
  })

  it('cancels a sleeping run: no further step starts and the alarm is cleared', async () => {
    const orderId = uniqueLabel('order')
    const runId = await trigger('order/created', { orderId, userId: 'u9' }, 'shop-process-order')
    await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    const cancelled = await runStub(runId).cancel()
    expect(cancelled.status).toBe('Cancelled')
    expect(await runDurableObjectAlarm(rawStub(runId))).toBe(false)
    expect(hits(`send-email:${orderId}`)).toBe(0)
  })

  it('lets a step in flight finish when cancelled, but starts no new one', async () => {
    const label = uniqueLabel('gated')
    const runId = await trigger('engine/gated', { label }, 'shop-gated')
    await expect.poll(() => hits(`gated-during:${label}`)).toBe(1)
    await runStub(runId).cancel('stop')
    openGate(`gated:${label}`)
    await gate(`gated:${label}`)
    const run = await waitForRun(runId, (r) => r.status === 'Cancelled')
    expect(run.snapshot!.context.error).toMatchObject({ message: 'stop' })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(hits(`gated-after:${label}`)).toBe(0)
  })

  it('hosts a run inside a user-defined Durable Object beside its own tables', async () => {
    const stub = (testEnv.EMBEDDED_RUNS as DurableObjectNamespace).get(testEnv.EMBEDDED_RUNS.idFromName('doc-1')) as unknown as {
      addNote(text: string): Promise<number>
      startRun(request: unknown): Promise<unknown>
      inspect(): Promise<{ status: string; output: unknown; snapshot: { value: string } }>
    }
    expect(await stub.addNote('hello')).toBe(1)
    const event = { name: 'test/hello', id: ulid(), ts: Date.now(), data: { name: 'Embedded' } }
    await stub.startRun({ runId: ulid(), functionId: 'shop-hello-world', events: [event] })
    await expect.poll(async () => (await stub.inspect()).status).toBe('Completed')
    const run = await stub.inspect()
    expect(run.output).toBe('Hello, Embedded!')
    expect(run.snapshot.value).toBe('done')
    expect(await stub.addNote('still mine')).toBe(2)
  })

  it('waits without holding memory and resumes with null when the wait times out', async () => {
    const runId = await trigger('engine/wait', { label: uniqueLabel('wait') }, 'shop-waits-for-approval')
    const waiting = await waitForRun(runId, (r) => stateOf(r) === 'waiting')
    expect(waiting.snapshot!.context.timers[0]).toMatchObject({ stepKey: 'approval', kind: 'wait', event: 'engine/approved' })
    await evictDurableObject(rawStub(runId))
    await runDurableObjectAlarm(rawStub(runId))
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual({ approved: false })
    expect(run.steps[0]).toMatchObject({ id: 'approval', kind: 'wait', status: 'completed', output: null })
  })
})
