import { runDurableObjectAlarm } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { hits, uniqueLabel } from '../fixtures/probes.js'
import { runStub, stateOf, testEnv, trigger, waitForRun } from '../fixtures/runs.js'

const rawStub = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))

describe('retries and errors', () => {
  it('retries a failing step with exponential backoff until it succeeds', async () => {
    const label = uniqueLabel('flaky')
    const runId = await trigger('engine/flaky', { label }, 'shop-flaky')
    const first = await waitForRun(runId, (r) => stateOf(r) === 'retrying')
    const [timer] = first.snapshot!.context.timers
    expect(timer).toMatchObject({ stepKey: 'sometimes-fails', kind: 'retry' })
    const failedAt = first.steps[0]!.endedAt!
    expect(timer!.at - failedAt).toBeGreaterThanOrEqual(900)
    expect(timer!.at - failedAt).toBeLessThanOrEqual(1100)
    expect(first.steps[0]).toMatchObject({ status: 'retrying', attempts: 1, error: { message: 'failure 1' } })

    await runDurableObjectAlarm(rawStub(runId))
    const second = await waitForRun(runId, (r) => stateOf(r) === 'retrying' && r.steps[0]!.attempts === 2)
    const delay = second.snapshot!.context.timers[0]!.at - second.steps[0]!.endedAt!
    expect(delay).toBeGreaterThanOrEqual(1800)
    expect(delay).toBeLessThanOrEqual(2200)

    await runDurableObjectAlarm(rawStub(runId))
    const done = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(done.output).toEqual({ value: 3 })
    expect(hits(`flaky:${label}`)).toBe(3)
  })

  it('stops at a NonRetriableError and fails the run', async () => {
    const label = uniqueLabel('nr')
    const runId = await trigger('engine/non-retriable', { label }, 'shop-non-retriable')
    const run = await waitForRun(runId, (r) => r.status === 'Failed')
    expect(hits(`non-retriable:${label}`)).toBe(1)
    expect(run.snapshot!.context.error).toMatchObject({ name: 'NonRetriableError', message: 'invalid data format' })
    expect(run.steps[0]).toMatchObject({ status: 'failed', attempts: 1 })
    // The cheap status() pollers use carries the error too, without the steps.
    const status = await runStub(runId).status()
    expect(status).toMatchObject({ runId, status: 'Failed', state: 'done', output: null, error: { name: 'NonRetriableError', message: 'invalid data format' } })
    expect(status).not.toHaveProperty('steps')
  })

  it('waits as long as a RetryAfterError asks', async () => {
    const runId = await trigger('engine/retry-after', { label: uniqueLabel('ra') }, 'shop-retry-after')
    const run = await waitForRun(runId, (r) => stateOf(r) === 'retrying')
    expect(run.snapshot!.context.timers[0]!.at - run.steps[0]!.endedAt!).toBe(30_000)
    await runDurableObjectAlarm(rawStub(runId))
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toBe('ok')
    expect(await runStub(runId).status()).toMatchObject({ status: 'Completed', output: 'ok', error: null })
  })

  it('lets the handler catch a step that used all its attempts (the seed example)', async () => {
    const label = uniqueLabel('risky')
    const runId = await trigger('test/risky', { label }, 'shop-risky-with-fallback')
    await waitForRun(runId, (r) => stateOf(r) === 'retrying')
    await runDurableObjectAlarm(rawStub(runId))
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toBe('fallback after: upstream is down')
    expect(hits(`risky:${label}`)).toBe(2)
    expect(run.steps.map((s) => [s.id, s.status])).toEqual([['risky-operation', 'failed'], ['run-fallback', 'completed']])
  })

  it('retries a handler that throws outside any step, then runs onFailure', async () => {
    const label = uniqueLabel('outside')
    const runId = await trigger('engine/fails-outside-step', { label }, 'shop-fails-outside-step')
    const retrying = await waitForRun(runId, (r) => stateOf(r) === 'retrying')
    expect(retrying.snapshot!.context.timers[0]).toMatchObject({ stepKey: '$run', kind: 'retry' })
    await runDurableObjectAlarm(rawStub(runId))
    const failed = await waitForRun(runId, (r) => r.status === 'Failed')
    expect(failed.snapshot!.context.attempt).toBe(1)
    expect(failed.snapshot!.context.error).toMatchObject({ message: 'boom outside any step' })
    expect(hits(`outside:${label}`)).toBe(2)
    await expect.poll(() => hits(`on-failure:${label}:boom outside any step`)).toBe(1)
  })

  it('fails with a clear error when a step output is over the limit', async () => {
    const runId = await trigger('engine/big-output', { label: uniqueLabel('big') }, 'shop-big-output')
    const run = await waitForRun(runId, (r) => r.status === 'Failed')
    expect(run.snapshot!.context.error!.message).toMatch(/returned 2050 bytes of JSON, over the 1024-byte limit/)
  })

  it('fails with a clear error when the run passes its step limit', async () => {
    const runId = await trigger('engine/step-limit', { label: uniqueLabel('limit') }, 'shop-step-limit')
    await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    await runDurableObjectAlarm(rawStub(runId))
    const run = await waitForRun(runId, (r) => r.status === 'Failed')
    expect(run.snapshot!.context.error).toMatchObject({ name: 'RunLimitError' })
    expect(run.snapshot!.context.error!.message).toMatch(/step limit.*limits: \{ steps \}/)
    expect(run.steps.map((s) => s.key)).toEqual(['step-0', 'pause', 'step-1'])
    expect(await runStub(runId).inspect()).toMatchObject({ status: 'Failed' })
  })
})

describe('bad step arguments', () => {
  it('fails the run at once when a sleep duration cannot be parsed, naming the step', async () => {
    const runId = await trigger('engine/bad-sleep', { label: uniqueLabel('bad') }, 'shop-bad-sleep')
    const run = await waitForRun(runId, (r) => r.status === 'Failed')
    expect(run.snapshot!.context.attempt).toBe(0)
    expect(run.snapshot!.context.error!.message).toMatch(/step "nap" duration .*"5x".*Fix: use a number of milliseconds/)
  })
})
