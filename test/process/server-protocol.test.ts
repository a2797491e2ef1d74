/**
 * inngest.do as the Inngest server of an app built on the official SDK (v4, `inngest/node`):
 * `wrangler dev` serves the example worker (dev mode), a Node process serves the app with
 * `INNGEST_DEV=<worker url>` and nothing else changed, `curl -X PUT <app>` syncs it, and events
 * sent to the worker run its functions there, over the SDK's HTTP protocol, to completion.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startOfficialApp, type OfficialApp } from './harness/official-app-process.js'
import { freezeWorker } from './harness/wrangler-cli.js'
import { startWranglerDev, type WranglerDev } from './harness/wrangler-dev.js'

const here = (path: string) => resolve(dirname(fileURLToPath(import.meta.url)), path)
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))
const TERMINAL = new Set(['Completed', 'Failed', 'Cancelled'])

interface Run {
  readonly run_id: string
  readonly status: string
  readonly output: unknown
  readonly error: { name: string; message: string } | null
  readonly steps?: ReadonlyArray<{ id: string; status: string }>
}

describe('an app on the official SDK, synced to inngest.do', () => {
  let workDir: string
  let dev: WranglerDev
  let app: OfficialApp
  let passed = false

  async function send(name: string, data: Record<string, unknown>): Promise<string> {
    const response = await fetch(`${dev.url}/e/dev`, { method: 'POST', body: JSON.stringify({ name, data }) })
    const body = (await response.json()) as { ids: string[]; status: number }
    expect(body.status).toBe(200)
    return body.ids[0]!
  }

  /** The one run `eventId` started, once it ended (with its steps, from GET /v1/runs/:id). */
  async function finishedRun(eventId: string, timeoutMs = 30_000): Promise<Run> {
    const deadline = Date.now() + timeoutMs
    let last: unknown
    while (Date.now() < deadline) {
      const runs = ((await (await fetch(`${dev.url}/v1/events/${eventId}/runs`)).json()) as { data: Run[] }).data
      last = runs
      if (runs.length === 1 && TERMINAL.has(runs[0]!.status)) {
        return ((await (await fetch(`${dev.url}/v1/runs/${runs[0]!.run_id}`)).json()) as { data: Run }).data
      }
      await sleep(200)
    }
    throw new Error(`no finished run for event ${eventId} within ${timeoutMs} ms: ${JSON.stringify(last)}\n${dev.logTail(20)}`)
  }

  /** GET /v1/runs/:id until `accept` holds. */
  async function runUntil(runId: string, accept: (run: Run) => boolean, timeoutMs = 30_000): Promise<Run> {
    const deadline = Date.now() + timeoutMs
    let last: Run | undefined
    while (Date.now() < deadline) {
      const response = await fetch(`${dev.url}/v1/runs/${runId}`)
      last = response.ok ? ((await response.json()) as { data: Run }).data : undefined
      if (last && accept(last)) return last
      await sleep(200)
    }
    throw new Error(`run ${runId} never got there: ${JSON.stringify(last)}\n${dev.logTail(20)}`)
  }

  /** The id of a run of official-app-cancellable, once it sleeps. */
  async function sleepingRun(tag: string): Promise<string> {
    const eventId = await send('official/cancellable', { tag })
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline) {
      const [run] = ((await (await fetch(`${dev.url}/v1/events/${eventId}/runs`)).json()) as { data: Run[] }).data
      if (run) return (await runUntil(run.run_id, (r) => (r.steps ?? []).some((step) => step.id === 'nap'))).run_id
      await sleep(200)
    }
    throw new Error(`no run for event ${eventId}`)
  }

  const stepsOf = (run: Run) => (run.steps ?? []).map((step) => `${step.id}:${step.status}`)

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'inngest-server-protocol-'))
    const config = await freezeWorker(here('../../wrangler.toml'), workDir)
    dev = await startWranglerDev({ config, persistTo: join(workDir, 'state'), vars: {}, logFile: join(workDir, 'wrangler.log'), workDir })
    app = await startOfficialApp({ INNGEST_DEV: dev.url }, join(workDir, 'app.log'))
  }, 180_000)

  afterAll(async () => {
    await app?.kill()
    await dev?.kill()
    if (passed) await rm(workDir, { recursive: true, force: true })
    else console.log(`server-protocol test: kept ${workDir} (wrangler.log, app.log)`)
  })

  it('syncs with curl -X PUT <app>: the SDK registers its functions at /fn/register', async () => {
    const response = await fetch(app.url, { method: 'PUT' })
    expect(await response.json()).toEqual({ message: 'Successfully registered', modified: true })
    expect(response.status).toBe(200)
    const apps = ((await (await fetch(`${dev.url}/v1/apps`)).json()) as { data: Array<{ id: string; url: string; sync_kind: string }> }).data
    expect(apps).toEqual([expect.objectContaining({ id: 'official-app', url: app.url, sync_kind: 'out_of_band' })])
    const functions = ((await (await fetch(`${dev.url}/v1/apps/official-app/functions`)).json()) as { data: Array<{ id: string }> }).data
    expect(functions.map((fn) => fn.id).sort()).toEqual(
      ['cancellable', 'child', 'doomed', 'doomed-failure', 'invoker', 'non-retriable', 'non-retriable-uncaught', 'parallel', 'retry-basic', 'sleeper', 'steps-serial', 'wait-for-event'].map((id) => `official-app-${id}`),
    )
  })

  it('resyncs by URL (POST /v1/apps, in band) without changing anything', async () => {
    const response = await fetch(`${dev.url}/v1/apps`, { method: 'POST', body: JSON.stringify({ url: app.url }) })
    expect(await response.json()).toEqual({ data: expect.objectContaining({ status: 200, ok: true, modified: false, sync_kind: 'in_band', app_id: 'official-app' }) })
  })

  it('runs serial steps with a repeated id (steps-serial), each body once', async () => {
    const run = await finishedRun(await send('official/steps-serial', { tag: 'serial', n: 1 }))
    expect(run.status).toBe('Completed')
    expect(run.output).toEqual({ a: 2, b: 3, c: 6 })
    expect(stepsOf(run)).toEqual(['add:completed', 'add:1:completed', 'double:completed'])
    const counts = await app.counts()
    expect([counts['serial:add:serial'], counts['serial:double:serial']]).toEqual([2, 1])
  })

  it('sleeps between steps (step.sleep "2s")', async () => {
    const run = await finishedRun(await send('official/sleep', { tag: 'sleep' }))
    expect(run.status).toBe('Completed')
    expect((run.output as { sleptMs: number }).sleptMs).toBeGreaterThanOrEqual(2_000)
    expect(stepsOf(run)).toEqual(['before:completed', 'nap:completed', 'after:completed'])
  })

  it('retries a failing step, then succeeds (retry-basic)', async () => {
    const run = await finishedRun(await send('official/retry', { tag: 'retry' }))
    expect(run.status).toBe('Completed')
    expect(run.output).toEqual({ attempts: 3 })
    expect((await app.counts())['retry:flaky:retry']).toBe(3)
  })

  it('fails a step at once on NonRetriableError, and the function catches it', async () => {
    const run = await finishedRun(await send('official/fatal', { tag: 'fatal' }))
    expect(run).toMatchObject({ status: 'Completed', output: { caught: 'this step cannot succeed' } })
    expect(stepsOf(run)).toEqual(['fatal-step:failed'])
    expect((await app.counts())['fatal:step:fatal']).toBe(1)
  })

  it('fails the run without a retry when the function throws NonRetriableError', async () => {
    const run = await finishedRun(await send('official/fatal-uncaught', { tag: 'uncaught' }))
    expect(run.status).toBe('Failed')
    expect(run.error).toMatchObject({ name: 'NonRetriableError', message: 'the function gives up' })
    expect((await app.counts())['fatal-uncaught:body:uncaught']).toBe(1)
  })

  it('resumes a waitForEvent with the matching event, and with null at its timeout', async () => {
    const matched = await send('official/wait', { tag: 'match' })
    const timedOut = await send('official/wait', { tag: 'timeout' })
    await sleep(1_000)
    await send('official/approved', { tag: 'other' })
    await send('official/approved', { tag: 'match', by: 'ann' })
    expect(await finishedRun(matched)).toMatchObject({ status: 'Completed', output: { approved: { tag: 'match', by: 'ann' } } })
    expect(await finishedRun(timedOut)).toMatchObject({ status: 'Completed', output: { approved: null } })
  })

  it('runs parallel steps (Promise.all), each body once', async () => {
    const run = await finishedRun(await send('official/parallel', { tag: 'parallel' }))
    expect(run).toMatchObject({ status: 'Completed', output: { sum: 42 } })
    expect(stepsOf(run).sort()).toEqual(['left:completed', 'right:completed', 'sum:completed'])
    const counts = await app.counts()
    expect([counts['parallel:left:parallel'], counts['parallel:right:parallel'], counts['parallel:sum:parallel']]).toEqual([1, 1, 1])
  })

  it('invokes a function of the same app and one of the worker, and gets both results', async () => {
    expect(await finishedRun(await send('official/invoke', {}))).toMatchObject({ status: 'Completed', output: { synced: 42, local: 'Hello, Ada!' } })
  })

  it('cancels a sleeping run on its cancelOn event, and another through DELETE /v1/runs/:id', async () => {
    const [byEvent, byDelete] = [await sleepingRun('by-event'), await sleepingRun('by-delete')]
    await send('official/cancel', { tag: 'someone-else' })
    await send('official/cancel', { tag: 'by-event' })
    const deleted = await fetch(`${dev.url}/v1/runs/${byDelete}`, { method: 'DELETE' })
    expect(((await deleted.json()) as { data: Run }).data.status).toBe('Cancelled')
    expect(await runUntil(byEvent, (run) => TERMINAL.has(run.status))).toMatchObject({ status: 'Cancelled' })
    expect(await runUntil(byDelete, (run) => TERMINAL.has(run.status))).toMatchObject({ status: 'Cancelled' })
  })

  it('runs the onFailure handler once the function failed for good', async () => {
    const run = await finishedRun(await send('official/doomed', { tag: 'doomed' }))
    expect(run).toMatchObject({ status: 'Failed', error: { message: 'doomed doomed' } })
    const deadline = Date.now() + 30_000
    while (!(await app.counts())['doomed:failure:doomed:doomed doomed'] && Date.now() < deadline) await sleep(200)
    expect((await app.counts())['doomed:failure:doomed:doomed doomed']).toBe(1)
    passed = true
  })
})
