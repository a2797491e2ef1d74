/**
 * `npm run bench -- -t dashboard`: the dashboard's server time with 100,000 runs in the run
 * index (16 shards) and a 1,000-step run, measured inside workerd around the Hono app's request
 * (dev mode: no sign-in). Prints its table; asserts no time. Targets: runs page ≤ 100 ms, run
 * page ≤ 300 ms. BENCH_SMOKE=1 indexes 10,000 runs and measures a few rounds.
 */
import { env } from 'cloudflare:test'
import { Hono } from 'hono'
import { ulid } from 'ulid'
import { describe, it } from 'vitest'
import { runActorStub } from '../actors/internal.js'
import { recordRunsInIndex, type RunIndexEntry } from '../actors/run-index/index.js'
import { Inngest } from '../src/index.js'
import { inngestRoutes } from '../src/hono.js'
import type { InngestEnv } from '../src/env.js'
import { benchSettings } from './settings.js'
import { medianRange, quantile, fixed, textTable } from './stats.js'

const settings = benchSettings()
const RUNS = settings.smoke ? 10_000 : 100_000
const ROUNDS = settings.smoke ? 3 : 25
const STEPS = 1_000
const BATCH = 2_000
const FUNCTIONS = ['bench-dash-a', 'bench-dash-b', 'bench-dash-c', 'bench-dash-d']
const STATUSES = ['Completed', 'Completed', 'Completed', 'Failed', 'Cancelled', 'Running'] as const

const benchApp = new Inngest({ id: 'bench-dash' })
/** 1,000 steps (the default step limit), each with a small output. */
const thousandSteps = benchApp.createFunction({ id: 'thousand-steps' }, { event: 'bench/dashboard.thousand' }, async ({ step }) => {
  for (let i = 0; i < STEPS - 1; i++) await step.run(`step-${i}`, () => ({ i, label: `output of step ${i}` }))
  return step.run('last', () => 'done')
})

const devEnv = { ...(env as unknown as InngestEnv), INNGEST_DEV: '1' }
const routes = new Hono<{ Bindings: InngestEnv }>().route('/', inngestRoutes({ dashboard: true }))

/** Server time of `GET path` in ms, `ROUNDS` times after one warm-up. */
async function timeRequests(path: string): Promise<number[]> {
  const times: number[] = []
  for (let round = -1; round < ROUNDS; round++) {
    const started = performance.now()
    const response = await routes.request(path, { headers: { accept: 'text/html' } }, devEnv)
    const body = await response.text()
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${body.slice(0, 300)}`)
    if (round >= 0) times.push(performance.now() - started)
  }
  return times
}

/** 100,000 entries over four functions and six statuses, one per 10 ms of queued time. */
async function fillIndex(): Promise<{ ms: number; middle: RunIndexEntry }> {
  const started = performance.now()
  const base = Date.now() - RUNS * 10
  let middle: RunIndexEntry | undefined
  for (let from = 0; from < RUNS; from += BATCH) {
    const entries: RunIndexEntry[] = Array.from({ length: Math.min(BATCH, RUNS - from) }, (_, k) => {
      const i = from + k
      const status = STATUSES[i % STATUSES.length]!
      const queuedAt = base + i * 10
      return { runId: ulid(queuedAt), functionId: FUNCTIONS[i % FUNCTIONS.length]!, status, eventId: ulid(queuedAt), eventName: 'bench/dashboard', queuedAt, startedAt: queuedAt + 1, endedAt: status === 'Running' ? null : queuedAt + 50 }
    })
    if (from <= RUNS / 2 && RUNS / 2 < from + BATCH) middle = entries[RUNS / 2 - from]
    await recordRunsInIndex(devEnv as never, entries)
  }
  return { ms: performance.now() - started, middle: middle! }
}

/** Starts the 1,000-step run and waits until it completes. */
async function thousandStepRun(): Promise<{ runId: string; ms: number }> {
  const runId = ulid()
  const started = performance.now()
  const stub = runActorStub(devEnv.INNGEST_RUNS, runId)
  await stub.start({ runId, functionId: thousandSteps.compositeId, events: [{ name: 'bench/dashboard.thousand', id: ulid(), ts: Date.now(), data: {}, user: {} }] })
  for (;;) {
    const { status } = await stub.status()
    if (status === 'Completed') break
    if (status !== 'Running' && status !== 'Scheduled') throw new Error(`the 1,000-step run ended ${status}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const ms = performance.now() - started
  const steps = (await stub.inspect()).steps.length
  if (steps !== STEPS) throw new Error(`the run recorded ${steps} steps, not ${STEPS}`)
  return { runId, ms }
}

describe('dashboard benchmark', () => {
  it('dashboard: runs page and run page server time', async () => {
    const filled = await fillIndex()
    const run = await thousandStepRun()
    const cursor = `${filled.middle.queuedAt}.${filled.middle.runId}`
    const rows: Array<[string, number[], number]> = [
      [`runs page, newest 50 of ${RUNS.toLocaleString('en')}`, await timeRequests('/dashboard'), 100],
      ['runs page, 50 older than the middle run (cursor)', await timeRequests(`/dashboard?before=${cursor}`), 100],
      ['runs page, status=Failed', await timeRequests('/dashboard?status=Failed'), 100],
      ['runs page, one function + status=Running', await timeRequests(`/dashboard?function=${FUNCTIONS[1]}&status=Running`), 100],
      ['runs page, search by run id', await timeRequests(`/dashboard?q=${filled.middle.runId}`), 100],
      [`run page, ${STEPS.toLocaleString('en')} steps`, await timeRequests(`/dashboard/runs/${run.runId}`), 300],
    ]
    console.log(
      `\nDashboard (${settings.smoke ? 'smoke: figures mean nothing' : `${ROUNDS} rounds each`}): server time of one request in ms, median [p25–p75] and p95, inside workerd.\n` +
        `Indexing ${RUNS.toLocaleString('en')} runs took ${fixed(filled.ms / 1000)} s (batches of ${BATCH}); the ${STEPS}-step run took ${fixed(run.ms / 1000)} s.\n\n` +
        textTable(
          ['request', 'median [p25–p75]', 'p95', 'target', 'met'],
          rows.map(([name, times, target]) => [name, medianRange(times, 1), fixed(quantile(times, 0.95)), `≤ ${target}`, quantile(times, 0.5) <= target ? 'yes' : 'NO']),
        ) +
        '\n',
    )
  }, 900_000)
})
