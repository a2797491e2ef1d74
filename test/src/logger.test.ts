import { runDurableObjectAlarm } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { logged } from '../fixtures/logger-functions.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { stateOf, testEnv, trigger, waitForRun } from '../fixtures/runs.js'

const rawStub = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))

describe('ctx.logger', () => {
  it("writes to the client's logger, each line once although the handler replays after a sleep", async () => {
    const label = uniqueLabel('logs')
    const runId = await trigger('logs/run', { label }, 'logs-logs-once')
    await waitForRun(runId, (run) => stateOf(run) === 'sleeping')
    expect(logged.get(label)).toEqual(['info started', 'info inside a', 'info after a: 1'])

    await runDurableObjectAlarm(rawStub(runId))
    await waitForRun(runId, (run) => run.status === 'Completed')
    expect(logged.get(label)).toEqual(['info started', 'info inside a', 'info after a: 1', 'warn after the nap', 'debug inside b', 'error finishing on attempt 0'])
  })

  it('logs again on a new attempt of the handler only from where new code runs', async () => {
    const label = uniqueLabel('logs-retry')
    const runId = await trigger('logs/run', { label, failOnce: true }, 'logs-logs-once')
    await waitForRun(runId, (run) => stateOf(run) === 'sleeping')
    await runDurableObjectAlarm(rawStub(runId))
    // The first attempt threw after b; its retry replays a, the nap and b without logging.
    await waitForRun(runId, (run) => stateOf(run) === 'retrying')
    await runDurableObjectAlarm(rawStub(runId))
    await waitForRun(runId, (run) => run.status === 'Completed')
    expect(logged.get(label)).toEqual(['info started', 'info inside a', 'info after a: 1', 'warn after the nap', 'debug inside b', 'error finishing on attempt 1'])
  })
})
