/**
 * A step that takes its Durable Object down, again and again (run-interruptions.ts): the
 * object is reset while the step hangs, as the runtime resets an object over its CPU limit,
 * and the watchdog alarm resumes the run in a fresh one. A reset counts once the lost pass had
 * run 10 s or more (the test ages the record of the last resumption instead of waiting); the
 * third counted reset in a row without a step completing fails the run, saying where it was
 * stuck. Quicker resets (crashes, deploys) and progress between resets never fail it.
 */
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { MAX_INTERRUPTED_PASSES, MIN_RUNAWAY_MS } from '../../actors/run-interruptions.js'
import { RunStore } from '../../actors/storage/run-store.js'
import { hits, uniqueLabel } from '../fixtures/probes.js'
import { stateOf, testEnv, trigger, waitForRun } from '../fixtures/runs.js'

const rawRun = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))

/**
 * Waits until `probe` counted `count` executions (the step hangs), then resets the object and
 * fires its alarm, not awaited: the resumed pass hangs in turn, until the next reset aborts it.
 * With `after`, the lost pass is made to look that old first (its resumption record aged).
 */
async function resetWhenHung(runId: string, probe: string, count: number, after = 0): Promise<void> {
  await expect.poll(() => hits(probe), { timeout: 5_000 }).toBe(count)
  // A reset, not an eviction: eviction waits for the hung step's request to drain.
  await abortAllDurableObjects()
  if (after > 0) {
    await runInDurableObject(rawRun(runId), (_instance, state) => {
      const store = new RunStore(state.storage)
      const record = store.readJson<{ resumedAt: number }>('interruptions')!
      store.writeJson('interruptions', { ...record, resumedAt: record.resumedAt - after })
    })
  }
  runDurableObjectAlarm(rawRun(runId)).catch(() => undefined)
}

describe('a step that never finishes', () => {
  it(`fails the run after ${MAX_INTERRUPTED_PASSES} resets in a row, each after the pass ran ${MIN_RUNAWAY_MS / 1000} s, naming where it was stuck`, async () => {
    const label = uniqueLabel('runaway')
    const runId = await trigger('runaway/step', { label }, 'shop-runaway-step')
    // A quick reset first: the run resumes, nothing counted; its resumption is recorded.
    await resetWhenHung(runId, `runaway-spin:${label}`, 1)
    for (let reset = 1; reset <= MAX_INTERRUPTED_PASSES; reset++) await resetWhenHung(runId, `runaway-spin:${label}`, reset + 1, 60_000)
    const run = await waitForRun(runId, (r) => r.status === 'Failed')
    expect(run.snapshot!.context.error).toMatchObject({ name: 'RunLimitError' })
    expect(run.snapshot!.context.error!.message).toMatch(/cut short 3 times in a row while running the step after "prepare".*\[limits\] cpu_ms/)
    // The step ran once per object, never in the object that gave up; "prepare" was memoized.
    expect(hits(`runaway-spin:${label}`)).toBe(MAX_INTERRUPTED_PASSES + 1)
    expect(hits(`runaway-prepare:${label}`)).toBe(1)
  })

  it('keeps resuming a run its platform resets quickly, however often', async () => {
    const label = uniqueLabel('crashy')
    const runId = await trigger('runaway/step', { label }, 'shop-runaway-step')
    for (let reset = 1; reset <= 2 * MAX_INTERRUPTED_PASSES; reset++) await resetWhenHung(runId, `runaway-spin:${label}`, reset)
    await expect.poll(() => hits(`runaway-spin:${label}`), { timeout: 5_000 }).toBe(2 * MAX_INTERRUPTED_PASSES + 1)
    expect(stateOf(await waitForRun(runId, () => true))).toBe('running')
  })

  it('keeps resuming a run that completes a step between slow resets', async () => {
    const label = uniqueLabel('steady')
    const runId = await trigger('runaway/steady', { label }, 'shop-runaway-steady')
    await resetWhenHung(runId, `runaway-steady-a:${label}`, 1)
    for (const id of ['b', 'c', 'd']) await resetWhenHung(runId, `runaway-steady-${id}:${label}`, 1, 60_000)
    expect((await waitForRun(runId, (r) => r.status === 'Completed')).output).toBe('done')
  })
})
