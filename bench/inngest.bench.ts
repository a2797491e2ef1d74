/**
 * `npm run bench`: our run actor against Cloudflare Workflows' local engine and the floor (one
 * SQLite row per step), all in one workerd, with identical step bodies. Each scenario prints
 * its table; the last test checks the issue's targets against this run's figures. Plain
 * `it()`s that print: `vitest bench` finds no `bench()` in the Workers pool
 * (cloudflare/workers-sdk#10049). Nothing here asserts a time.
 */
import { env, runInDurableObject } from 'cloudflare:test'
import { ulid } from 'ulid'
import { describe, it } from 'vitest'
import { admissionScenario, admissionTable } from './scenarios/admission.js'
import { breakdownTable, measureBreakdown } from './breakdown.js'
import { benchEnv } from './contenders.js'
import { fanOutScenario, fanOutTable } from './scenarios/fan-out.js'
import { latencyScenario, latencyTable } from './scenarios/latency.js'
import { outputGateScenario, outputGateTable } from './scenarios/output-gate.js'
import { resumeScenario, resumeTable } from './scenarios/resume.js'
import { scaleScenario, scaleTable } from './scenarios/scale.js'
import { sequentialScenario, sequentialTable } from './scenarios/sequential.js'
import { storageScenario, storageTable } from './scenarios/storage.js'
import { benchSettings } from './settings.js'
import { oursStepMicros, targetsTable, type BenchResults } from './targets.js'

const settings = benchSettings()
const results: BenchResults = {}
const SCENARIO_TIMEOUT_MS = 300_000

function print(table: string): void {
  console.log(`\n${table}\n`)
}

const vars = env as unknown as Record<string, string | undefined>

// Fan-out runs last: it leaves thousands of objects behind, and Workflows' local Engine objects
// are never evicted, which would weigh on every scenario after it.
describe(`inngest.do benchmark${settings.smoke ? ' (smoke)' : ''}`, () => {
  it('setup', () => {
    print(
      [
        `inngest.do benchmark${settings.smoke ? ' (BENCH_SMOKE: every scenario once, small; figures mean nothing)' : ''}: our run actor, Cloudflare Workflows' local`,
        'engine and the floor (one SQLite row per step) in one local workerd, identical step bodies, contenders interleaved.',
        `Durable Object storage (miniflare's temp dir): ${vars.BENCH_STORAGE_DIR}. workerd's clock resolves whole milliseconds.`,
      ].join('\n'),
    )
  })

  it('1. sequential steps', async () => {
    results.sequential = await sequentialScenario(settings.sequential)
    print(sequentialTable(results.sequential))
  }, SCENARIO_TIMEOUT_MS)

  it('3. latency', async () => {
    print(latencyTable(await latencyScenario(settings.latency)))
  }, SCENARIO_TIMEOUT_MS)

  it('4. resume cost', async () => {
    results.resume = await resumeScenario(settings.resume)
    print(resumeTable(results.resume, oursStepMicros(results)))
  }, SCENARIO_TIMEOUT_MS)

  it('5. storage', async () => {
    results.storage = await storageScenario(settings.storage)
    print(storageTable(results.storage))
  }, SCENARIO_TIMEOUT_MS)

  it('flow-control admission', async () => {
    print(admissionTable(await admissionScenario(settings.admission)))
  }, SCENARIO_TIMEOUT_MS)

  it('scale', async () => {
    print(scaleTable(await scaleScenario(settings.scale)))
  }, SCENARIO_TIMEOUT_MS)

  it('output gate', async () => {
    print(outputGateTable(await outputGateScenario()))
  }, SCENARIO_TIMEOUT_MS)

  it('profile: per-step breakdown', async () => {
    const scratch = benchEnv.FLOOR.get(benchEnv.FLOOR.idFromName(ulid()))
    const rows = await runInDurableObject(scratch, (_instance, state) => measureBreakdown(state.storage, settings.breakdownIterations))
    print(breakdownTable(settings.breakdownIterations, rows))
  }, SCENARIO_TIMEOUT_MS)

  it('2. fan-out and 6. memory', async () => {
    results.fanOut = await fanOutScenario(settings.fanOut)
    print(fanOutTable(results.fanOut))
  }, SCENARIO_TIMEOUT_MS)

  it('targets', () => {
    print(targetsTable(results))
  })
})
