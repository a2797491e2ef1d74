/**
 * The run host's executor seam: a function's own `executor` runs its code, not the in-process
 * handler; the same machine, steps and effects serve it (test/fixtures/executor-functions.ts).
 */
import { describe, expect, it } from 'vitest'
import { ECHO_FUNCTION_ID } from '../fixtures/executor-functions.js'
import { trigger, waitForRun } from '../fixtures/runs.js'
import { uniqueLabel } from '../fixtures/probes.js'

describe('a function with an executor of its own', () => {
  it('runs there: its step is recorded through the recorder and its result is the run’s output', async () => {
    const label = uniqueLabel('echo')
    const runId = await trigger('remote/echo', { label }, ECHO_FUNCTION_ID)
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual({ echoed: { label }, via: 'executor' })
    expect(run.steps.map((step) => ({ id: step.id, status: step.status, output: step.output }))).toEqual([{ id: 'echo', status: 'completed', output: { label } }])
  })
})
