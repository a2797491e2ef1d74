/**
 * A step that takes its Durable Object down, again and again (run-interruptions.ts): the
 * object is reset while the step hangs, as the runtime resets an object over its CPU limit,
 * and the watchdog alarm resumes the run in a fresh one. The third resumption in a row without
 * a step completing fails the run, saying where it was stuck; progress between resumptions
 * starts the count afresh.
 */
import { abortAllDurableObjects, runDurableObjectAlarm } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { MAX_INTERRUPTED_PASSES } from '../../actors/run-interruptions.js'
import { hits, uniqueLabel } from '../fixtures/probes.js'
import { testEnv, trigger, waitForRun } from '../fixtures/runs.js'

const rawRun = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))

/**
 * Waits until `probe` counted `count` executions (the step hangs), then resets the object and
 * fires its alarm, not awaited: the resumed pass hangs in turn, until the next reset aborts it.
 */
async function resetWhenHung(runId: string, probe: string, count: number): Promise<void> {
  await expect.poll(() => hits(probe), { timeout: 5_000 }).toBe(count)
  // A reset, not an eviction: eviction waits for the hung step's request to drain.
  await abortAllDurableObjects()
  runDurableObjectAlarm(rawRun(runId)).catch(() => undefined)
}

describe('a step that never finishes', () => {
  it(`fails the run after ${MAX_INTERRUPTED_PASSES} resets in a row, naming where it was stuck, and runs it no more`, async () => {
    const label = uniqueLabel('runaway')
    const runId = await trigger('runaway/step', { label }, 'shop-runaway-step')
    for (let reset = 1; reset <= MAX_INTERRUPTED_PASSES; reset++) await resetWhenHung(runId, `runaway-spin:${label}`, reset)
    const run = await waitForRun(runId, (r) => r.status === 'Failed')
    expect(run.snapshot!.context.error).toMatchObject({ name: 'RunLimitError' })
    expect(run.snapshot!.context.error!.message).toMatch(/cut short 3 times in a row while running the step after "prepare".*\[limits\] cpu_ms/)
    // The step ran once per object, never in the object that gave up; "prepare" was memoized.
    expect(hits(`runaway-spin:${label}`)).toBe(MAX_INTERRUPTED_PASSES)
    expect(hits(`runaway-prepare:${label}`)).toBe(1)
  })

  it('keeps resuming a run that completes a step between resets', async () => {
    const label = uniqueLabel('steady')
    const runId = await trigger('runaway/steady', { label }, 'shop-runaway-steady')
    for (const id of ['a', 'b', 'c', 'd']) await resetWhenHung(runId, `runaway-steady-${id}:${label}`, 1)
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toBe('done')
  })
})
