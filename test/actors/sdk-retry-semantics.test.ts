/**
 * Retry semantics apps written for the official SDK rely on (test/fixtures/retry-semantics-
 * functions.ts holds their handlers): `attempt` is the retried step's attempt, a caught step
 * error keeps its `cause` chain, and a `RetryAfterError` outside any step sets when the handler
 * is retried. The run object is evicted between attempts: all of it comes from storage.
 */
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { uniqueLabel } from '../fixtures/probes.js'
import { seen } from '../fixtures/retry-semantics-functions.js'
import { stateOf, testEnv, trigger, waitForRun } from '../fixtures/runs.js'

const rawStub = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))
const alarmOf = (runId: string) => runInDurableObject(rawStub(runId), (_, state) => state.storage.getAlarm())

/** Evicts the run's object, then fires its alarm (the pending retry) in a fresh one. */
async function evictAndRetry(runId: string): Promise<void> {
  await evictDurableObject(rawStub(runId))
  expect(await runDurableObjectAlarm(rawStub(runId))).toBe(true)
}

describe('attempt during step retries', () => {
  it('is the step attempt inside the step, so a step failing while attempt < 2 completes on its third attempt', async () => {
    const runId = await trigger('sdk-retry/flaky', { label: uniqueLabel('flaky') }, 'shop-sdk-flaky-api')
    await waitForRun(runId, (r) => stateOf(r) === 'retrying' && r.steps[0]?.attempts === 1)
    await evictAndRetry(runId)
    await waitForRun(runId, (r) => stateOf(r) === 'retrying' && r.steps[0]?.attempts === 2)
    await evictAndRetry(runId)
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toBe('ok')
    expect(run.steps).toMatchObject([{ id: 'flaky', status: 'completed', attempts: 2 }])
    // Step retries are not retries of the handler.
    expect(run.snapshot!.context.attempt).toBe(0)
  })

  it('is the step attempt for the code around the retried step, and the run attempt again after it', async () => {
    const label = uniqueLabel('around')
    const runId = await trigger('sdk-retry/around', { label }, 'shop-sdk-attempt-around')
    await waitForRun(runId, (r) => stateOf(r) === 'retrying' && r.steps[0]?.attempts === 1)
    await evictAndRetry(runId)
    await waitForRun(runId, (r) => stateOf(r) === 'retrying' && r.steps[0]?.attempts === 2)
    await evictAndRetry(runId)
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    // As on Inngest: each retry of "flaky" is an execution on its attempt, and it ends with the
    // step; the next execution (attempt 0) replays "flaky" and runs "after".
    expect(seen(label)).toEqual(['outside 0', 'inside 0', 'outside 1', 'inside 1', 'outside 2', 'inside 2', 'outside 0'])
    expect(run.output).toEqual({ result: 'ok', after: 0 })
    expect(run.steps.map((s) => [s.id, s.status, s.attempts])).toEqual([
      ['flaky', 'completed', 2],
      ['after', 'completed', 0],
    ])
  })

  it('is each parallel step its own attempt when both are retried', async () => {
    const label = uniqueLabel('parallel')
    const runId = await trigger('sdk-retry/parallel', { label }, 'shop-sdk-parallel-flaky')
    await waitForRun(runId, (r) => stateOf(r) === 'retrying' && r.steps.every((s) => s.status === 'retrying'))
    await evictAndRetry(runId) // the earlier retry
    await waitForRun(runId, (r) => stateOf(r) === 'retrying' && r.steps.some((s) => s.status === 'completed'))
    await evictAndRetry(runId) // the other one
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual(['a', 'b'])
    expect([...seen(label)].sort()).toEqual(['a 0', 'a 1', 'b 0', 'b 1'])
    expect(run.steps.map((s) => [s.id, s.status, s.attempts])).toEqual([
      ['a', 'completed', 1],
      ['b', 'completed', 1],
    ])
  })
})

describe('the error a handler catches from a failed step', () => {
  it("carries the step error's cause, as in the official handling-step-errors example", async () => {
    const runId = await trigger('sdk-retry/step-errors', {}, 'shop-sdk-handling-step-errors')
    await waitForRun(runId, (r) => stateOf(r) === 'retrying')
    await evictAndRetry(runId)
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toBe('err was: "Oh no!" and the cause was: "This is the cause"')
    // The failed step's row holds the cause chain, as Inngest's StepFailed output does.
    expect(run.steps[0]).toMatchObject({ id: 'a', status: 'failed', attempts: 2 })
    expect(run.steps[0]!.error).toEqual({
      name: 'Error',
      message: 'Oh no!',
      stack: expect.any(String),
      cause: expect.objectContaining({ name: 'Error', message: 'This is the cause' }),
    })
  })

  it('is a StepError named and worded as the step error, its causes rebuilt from storage after eviction', async () => {
    const runId = await trigger('sdk-retry/cause-chain', {}, 'shop-sdk-cause-chain')
    await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    await evictAndRetry(runId) // the sleep ends; the handler replays the failed step from its row
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual({
      isStepError: true,
      stepId: 'fetch',
      name: 'TypeError',
      message: 'bad response',
      cause: { isRangeError: true, name: 'RangeError', message: 'status 503', cause: 'upstream said: busy' },
    })
  })
})

describe('RetryAfterError thrown outside any step', () => {
  /** Triggers a run whose handler throws `RetryAfterError` with `data`; resolves with its retry timer. */
  async function retryTimer(data: Record<string, unknown>) {
    const before = Date.now()
    const runId = await trigger('sdk-retry/after', { label: uniqueLabel('after'), ...data }, 'shop-sdk-retry-after-outside')
    const retrying = await waitForRun(runId, (r) => stateOf(r) === 'retrying')
    const after = Date.now()
    const timers = retrying.snapshot!.context.timers
    expect(timers).toEqual([{ stepKey: '$run', kind: 'retry', at: expect.any(Number) }])
    return { runId, at: timers[0]!.at, before, after }
  }

  it('schedules the next attempt as far ahead as a duration string asks, and the alarm with it', async () => {
    const { runId, at, before, after } = await retryTimer({ delay: '10s' })
    expect(at).toBeGreaterThanOrEqual(before + 10_000)
    expect(at).toBeLessThanOrEqual(after + 10_000)
    expect(await alarmOf(runId)).toBe(at)
    await evictDurableObject(rawStub(runId))
    expect(await alarmOf(runId)).toBe(at)
    expect(await runDurableObjectAlarm(rawStub(runId))).toBe(true)
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual({ attempt: 1 })
    expect(run.snapshot!.context.attempt).toBe(1)
  })

  it("takes the official SDK's RetryAfterError too (its delay kept as seconds)", async () => {
    const { at, before, after } = await retryTimer({ delay: '10s', official: true })
    expect(at).toBeGreaterThanOrEqual(before + 10_000)
    expect(at).toBeLessThanOrEqual(after + 10_000)
  })

  it('takes a number of milliseconds', async () => {
    const { at, before, after } = await retryTimer({ delay: 5_000 })
    expect(at).toBeGreaterThanOrEqual(before + 5_000)
    expect(at).toBeLessThanOrEqual(after + 5_000)
  })

  it('takes a Date, retrying at that time', async () => {
    const until = new Date(Date.now() + 60 * 60_000)
    const { runId, at } = await retryTimer({ until: until.toISOString() })
    expect(at).toBe(until.getTime())
    await evictAndRetry(runId)
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toEqual({ attempt: 1 })
  })

  it('fails the run on its last attempt, like any error', async () => {
    const runId = await trigger('sdk-retry/after-last', {}, 'shop-sdk-retry-after-last')
    const run = await waitForRun(runId, (r) => r.status === 'Failed')
    expect(run.snapshot!.context.error).toMatchObject({ name: 'RetryAfterError', message: 'rate limited, try later' })
  })
})
