/**
 * inngest.do as the Inngest server of an app built on the official SDK (v4, `inngest/node`):
 * `wrangler dev` serves the example worker (dev mode), a Node process serves the app with
 * `INNGEST_DEV=<worker url>` and nothing else changed, `curl -X PUT <app>` syncs it, and events
 * sent to the worker run its functions there, over the SDK's HTTP protocol, to completion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OfficialApp } from './harness/official-app-process.js'
import { stepsOf, TERMINAL, type Run } from './harness/server-protocol-client.js'
import { startServerProtocolStack, type ServerProtocolStack } from './harness/server-protocol-stack.js'
import type { WranglerDev } from './harness/wrangler-dev.js'

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

describe('an app on the official SDK, synced to inngest.do', () => {
  let stack: ServerProtocolStack
  let dev: WranglerDev
  let app: OfficialApp
  let passed = false

  const send = (name: string, data: Record<string, unknown>) => stack.client.send(name, data)
  const finishedRun = (eventId: string) => stack.client.finishedRun(eventId)
  const runUntil = (runId: string, accept: (run: Run) => boolean) => stack.client.runUntil(runId, accept)
  /** The id of a run of official-app-cancellable, once it sleeps. */
  const sleepingRun = async (tag: string) => stack.client.runAtStep(await send('official/cancellable', { tag }), 'nap')

  beforeAll(async () => {
    stack = await startServerProtocolStack('official-app.ts', 'server-protocol')
    ;({ dev, app } = stack)
  }, 180_000)

  afterAll(async () => {
    await stack?.stop(passed)
  })

  it('syncs with curl -X PUT <app>: the SDK registers its functions at /fn/register', async () => {
    const response = await fetch(app.url, { method: 'PUT' })
    expect(await response.json()).toEqual({ message: 'Successfully registered', modified: true })
    expect(response.status).toBe(200)
    const apps = ((await (await fetch(`${dev.url}/v1/apps`)).json()) as { data: Array<{ id: string; url: string; sync_kind: string }> }).data
    expect(apps).toEqual([expect.objectContaining({ id: 'official-app', url: app.url, sync_kind: 'out_of_band' })])
    const functions = ((await (await fetch(`${dev.url}/v1/apps/official-app/functions`)).json()) as { data: Array<{ id: string }> }).data
    expect(functions.map((fn) => fn.id).sort()).toEqual(
      ['cancellable', 'child', 'doomed', 'doomed-failure', 'invoker', 'non-retriable', 'non-retriable-uncaught', 'parallel', 'retry-basic', 'sleeper', 'slow-steps', 'steps-serial', 'wait-for-event'].map((id) => `official-app-${id}`),
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
